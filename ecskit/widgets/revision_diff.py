"""RevisionDiff: two revisions side by side, only the paths that changed.

Two task definition revisions of a family, or two service revisions (what a service deployment
moves from and to: task definition, network, load balancers, images...), as the console's
"Compare revisions" shows them side by side with the differences highlighted:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/view-service-deployment.html
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, deployment_history, ops
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


def _is_service_revision(value: Any) -> bool:
    return isinstance(value, str) and ":service-revision/" in value


class RevisionDiff(View):
    """Pick two revisions; the table lists each changed path with both values.

    `RevisionDiff(session, "web", 1, 2)` compares task definitions web:1 and web:2;
    `RevisionDiff(session, a=arn1, b=arn2)` two service revisions (their ARNs);
    `RevisionDiff.of_deployment(session, deployment)` a deployment's source and target.
    """

    css = "ecskit-revision-diff"

    def __init__(
        self,
        session: Any = None,
        family: str = "",
        a: int | str | None = None,
        b: int | str | None = None,
        *,
        kinds: dict[str, str] | None = None,
    ) -> None:
        super().__init__(session)
        self.family = family
        self._kinds = dict(kinds or {})  # service revision ARN -> "Source" / "Target"
        # service revisions to pick from: their ARNs, a and b first
        self.service_revisions = list(
            dict.fromkeys(x for x in (a, b, *self._kinds) if _is_service_revision(x))
        )
        self.title = (
            f"Compare service revisions of {console.resource_name(self._service())}"
            if self.service_revisions
            else f"Compare revisions of {family}"
        )
        width = "380px" if self.service_revisions else "220px"  # "<19-digit id> web:12 (Source)"
        # words beside the lists, not their descriptions: ipywidgets' fixed 80px description
        # pushed "Revision" right and left "with" floating
        self.left = widgets.Dropdown(layout={"width": width})
        self.right = widgets.Dropdown(layout={"width": width})
        self.left.add_class("ecskit-diff-a")
        self.right.add_class("ecskit-diff-b")
        self.changes: list[dict[str, Any]] = []
        self._cache: dict[Any, dict[str, Any]] = {}
        self.children = [
            self.header(),
            widgets.HBox(
                [widgets.HTML("Revision"), self.left, widgets.HTML("with"), self.right],
                layout={"align_items": "center"},
            ),
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

    @classmethod
    def of_deployment(cls, session: Any, deployment: dict[str, Any] | str) -> RevisionDiff:
        """A deployment's (its JSON or ARN) first source revision beside its target revision."""
        if isinstance(deployment, str):
            found = session.ecs.describe_service_deployments(serviceDeploymentArns=[deployment])
            deployment = (found["serviceDeployments"] or [{}])[0]
        sources = [r.get("arn") for r in deployment.get("sourceServiceRevisions") or []]
        target = (deployment.get("targetServiceRevision") or {}).get("arn")
        kinds = {
            **{arn: "Source" for arn in sources if arn},
            **({target: "Target"} if target else {}),
        }
        return cls(session, a=sources[0] if sources else None, b=target, kinds=kinds)

    def _service(self) -> str:
        # arn:aws:ecs:region:account:service-revision/cluster/service/id
        return self.service_revisions[0].rsplit("/", 2)[-2] if self.service_revisions else ""

    def load_rows(self) -> list[dict[str, Any]]:
        if not self.service_revisions:
            return console.revisions(self.session, self.family)
        found = deployment_history.service_revisions(self.session, self.service_revisions)
        self._cache.update(found)
        rows = []
        for arn in self.service_revisions:
            described = found.get(arn)
            if described is None:
                raise ops.OpError(
                    f"Could not compare: service revision {console.resource_name(arn)} was not "
                    "found (DescribeServiceRevisions answered it as a failure)."
                )
            task_definition = console.resource_name(str(described.get("taskDefinition", "")))
            name = f"{console.resource_name(arn)} {task_definition}"
            rows.append({"revision": arn, "name": name, "status": self._kinds.get(arn, "")})
        return rows

    def _label(self, revision: Any) -> str:
        if self.service_revisions:
            return next((r["name"] for r in self.rows if r["revision"] == revision), revision)
        return f"{self.family}:{revision}"

    def refresh(self) -> None:
        super().refresh()
        options = [
            (f"{row['name']} ({row['status']})" if row["status"] else row["name"], row["revision"])
            for row in self.rows
        ]
        self.left.options = options
        self.right.options = options
        if len(options) >= 2:
            # older on the left: a family's revisions come newest first, service revisions as given
            first, second = (0, 1) if self.service_revisions else (1, 0)
            self.left.value, self.right.value = options[first][1], options[second][1]

    def _described(self, revision: Any) -> dict[str, Any]:
        if revision not in self._cache:
            self._cache[revision] = console.describe_task_definition(
                self.session, f"{self.family}:{revision}"
            )
        return self._cache[revision]

    def show(self) -> None:
        if self.left.value is None or self.right.value is None:
            self.table.value = "<i>Two revisions are needed to compare.</i>"
            return
        try:
            a, b = self._described(self.left.value), self._described(self.right.value)
        except ops.OpError as error:
            self.say(error.message, error=True)
            return
        differ = (
            deployment_history.diff_service_revisions
            if self.service_revisions
            else console.diff_revisions
        )
        self.changes = [c for c in differ(a, b) if not _only_empty(c)]
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
            f"<th>{escape(self._label(self.left.value))}</th>"
            f"<th>{escape(self._label(self.right.value))}</th></tr>{rows}</table>"
        )
