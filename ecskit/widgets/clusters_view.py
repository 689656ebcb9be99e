"""ClustersView: the console's cluster list (services, tasks, deployments, Container Insights)."""

from __future__ import annotations

from typing import Any

from .. import console
from ._view import View, html_table

COLUMNS = (
    ("name", "Cluster"),
    ("services", "Services"),
    ("running", "Running tasks"),
    ("pending", "Pending tasks"),
    ("deployments", "Deployment status"),
    ("container_insights", "Container Insights"),
)


class ClustersView(View):
    """A snapshot of each cluster: active services and the deployment status of its tasks."""

    title = "Clusters"
    css = "ecskit-clusters"

    def __init__(self, session: Any = None) -> None:
        super().__init__(session)
        self.children = [self.header(), self.message, self.table]
        self.refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        return console.clusters(self.session)

    def show(self) -> None:
        self.table.value = html_table(self.rows, COLUMNS, "ecskit-clusters-table")
