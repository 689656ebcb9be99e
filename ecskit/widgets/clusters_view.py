"""ClustersView: the console's cluster list (services, tasks, deployments, Container Insights),
with a diagnosis beside each service that is not steady and each task that failed."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

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
    """A snapshot of each cluster: active services and the deployment status of its tasks; under
    it, `ecskit.diagnose`'s answer for each unsteady service and failed standalone task
    (`diagnose=False` leaves those reads out, on a large account)."""

    title = "Clusters"
    css = "ecskit-clusters"

    def __init__(self, session: Any = None, *, diagnose: bool = True) -> None:
        super().__init__(session)
        self.diagnose = diagnose
        self.diagnoses: list[Any] = []
        self.attention = widgets.HTML()
        self.attention.add_class("ecskit-attention")
        self.children = [self.header(), self.message, self.table, self.attention]
        self.refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        return console.clusters(self.session)

    def show(self) -> None:
        self.table.value = html_table(self.rows, COLUMNS, "ecskit-clusters-table")
        self.attention.value = self._diagnoses() if self.diagnose else ""

    def _diagnoses(self) -> str:
        from ..diagnosis import attention

        self.diagnoses = []
        unread = []
        for row in self.rows:
            try:
                self.diagnoses += attention(self.session, row.get("arn") or row["name"])
            except Exception as error:  # a cluster the reads fail on: say so, show the rest
                unread.append(f"{row['name']}: {getattr(error, 'message', error)}")
        if not self.diagnoses and not unread:
            return ""
        parts = ["<h4>Needs attention</h4>"]
        parts += [diagnosis._repr_html_() for diagnosis in self.diagnoses]
        parts += [
            f"<div class='ecskit-info'><i>Could not diagnose {escape(line)}</i></div>"
            for line in unread
        ]
        return "".join(parts)
