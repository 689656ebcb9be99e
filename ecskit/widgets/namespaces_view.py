"""NamespacesView: the console's namespace list (Cloud Map id, short name, created)."""

from __future__ import annotations

from typing import Any

from .. import console
from ._view import View, html_table

COLUMNS = (("name", "Namespace"), ("id", "Cloud Map ID"), ("type", "Type"), ("created", "Created"))


class NamespacesView(View):
    """Each Cloud Map namespace that ECS services can connect through."""

    title = "Namespaces"
    css = "ecskit-namespaces"

    def __init__(self, session: Any = None) -> None:
        super().__init__(session)
        self.children = [self.header(), self.message, self.table]
        self.refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        return console.namespaces(self.session)

    def show(self) -> None:
        self.table.value = html_table(self.rows, COLUMNS, "ecskit-namespaces-table")
