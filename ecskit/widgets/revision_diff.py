"""RevisionDiff: two revisions of a family side by side, only the paths that changed."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops
from ._view import View

# a container's environment may hold secrets: shown as the graph shows them, "…hidden…"
_ENVIRONMENT_VALUE = re.compile(r"(^|\.)environment\[\d+\]\.value$")
HIDDEN = "…hidden…"


def _cell(value: Any, path: str = "") -> str:
    if value is None:
        return '<i style="color:#888">absent</i>'
    if _ENVIRONMENT_VALUE.search(path):
        return f'<i class="ecskit-hidden" style="color:#888">{HIDDEN}</i>'
    return escape(json.dumps(value) if not isinstance(value, str) else value)


def _only_empty(change: dict[str, Any]) -> bool:
    """A path absent (or null) on one side and `[]` or `{}` on the other: ECS answers both for
    a list nobody set (real ECS omits `volumes`, the sandbox says `[]`), so they run the same."""
    sides = (change["a"], change["b"])
    return all(side is None or side == [] or side == {} for side in sides)


class RevisionDiff(View):
    """Pick two revisions of `family`; the table lists each changed path with both values."""

    css = "ecskit-revision-diff"

    def __init__(
        self, session: Any = None, family: str = "", a: int | None = None, b: int | None = None
    ) -> None:
        super().__init__(session)
        self.family = family
        self.title = f"Compare revisions of {family}"
        self.left = widgets.Dropdown(description="Revision", layout={"width": "220px"})
        self.right = widgets.Dropdown(description="with", layout={"width": "220px"})
        self.left.add_class("ecskit-diff-a")
        self.right.add_class("ecskit-diff-b")
        self.changes: list[dict[str, Any]] = []
        self._cache: dict[int, dict[str, Any]] = {}
        self.children = [
            self.header(),
            widgets.HBox([self.left, self.right]),
            self.message,
            self.table,
        ]
        self.refresh()
        numbers = [row["revision"] for row in self.rows]
        if a in numbers:
            self.left.value = a
        if b in numbers:
            self.right.value = b
        self.left.observe(lambda _: self.show(), names="value")
        self.right.observe(lambda _: self.show(), names="value")
        self.show()

    def load_rows(self) -> list[dict[str, Any]]:
        return console.revisions(self.session, self.family)

    def refresh(self) -> None:
        super().refresh()
        options = [(f"{row['name']} ({row['status']})", row["revision"]) for row in self.rows]
        self.left.options = options
        self.right.options = options
        if len(options) >= 2:
            self.left.value, self.right.value = options[1][1], options[0][1]

    def _described(self, revision: int) -> dict[str, Any]:
        if revision not in self._cache:
            self._cache[revision] = console.describe_task_definition(
                self.session, f"{self.family}:{revision}"
            )
        return self._cache[revision]

    def show(self) -> None:
        if self.left.value is None or self.right.value is None:
            self.table.value = "<i>This family needs two revisions to compare.</i>"
            return
        try:
            a, b = self._described(self.left.value), self._described(self.right.value)
        except ops.OpError as error:
            self.say(error.message, error=True)
            return
        self.changes = [c for c in console.diff_revisions(a, b) if not _only_empty(c)]
        if not self.changes:
            self.table.value = '<i class="ecskit-no-changes">The two revisions run the same.</i>'
            return
        rows = "".join(
            f'<tr class="ecskit-change ecskit-{c["change"]}"><td><code>{escape(c["path"])}</code>'
            f'</td><td style="background:#fdecea">{_cell(c["a"], c["path"])}</td>'
            f'<td style="background:#e8f5e9">{_cell(c["b"], c["path"])}</td></tr>'
            for c in self.changes
        )
        self.table.value = (
            '<table class="ecskit-table ecskit-diff-table"><tr><th>Path</th>'
            f"<th>{escape(self.family)}:{self.left.value}</th>"
            f"<th>{escape(self.family)}:{self.right.value}</th></tr>{rows}</table>"
        )
