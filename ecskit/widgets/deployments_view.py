"""DeploymentsView: the console's Deployments tab for one service.

The ongoing deployment (status, lifecycle stage, tasks and traffic per revision, lifecycle
hooks), the last finished one and the history, with Roll back and the PAUSE hooks' Continue.
Sections and buttons as the developer guide describes the tab:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/view-service-deployment.html
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, deployment_history, ops
from ._view import View, _text, html_table, run_safely

CONFIRM = "Roll back deployment {id} to revision {revision}?"
EXPLAIN = (
    "ECS stops this deployment and returns the service to the service revision it ran before "
    "(StopServiceDeployment, stop type ROLLBACK). The deployment's tasks are replaced by the "
    "previous revision's."
)
READ_ONLY = (
    "This session is read-only: {what} was not sent. Nothing changed. To allow changes, "
    "connect with read_only=False."
)
HISTORY = (
    ("id", "Deployment ID"),
    ("status", "Status"),
    ("reason", "Status reason"),
    ("target", "Target revision"),
    ("task_definition", "Task definition"),
    ("created", "Created (UTC)"),
    ("finished", "Finished (UTC)"),
)
# Roll back is offered while the deployment can still be rolled back, not once it is stopping
# or rolling back already (stop-service-deployment page, what each state does on a stop)
CAN_ROLL_BACK = ("PENDING", "IN_PROGRESS")
STYLE = (
    "<style>.ecskit-deployments .ecskit-table td{white-space:nowrap}"
    ".ecskit-deployments .ecskit-deployments-table td:nth-child(3){white-space:normal;"
    "min-width:200px;max-width:340px}"
    ".ecskit-bar{display:inline-block;width:110px;height:10px;background:#e0e0e0;"
    "vertical-align:middle;margin-right:6px}.ecskit-bar>span{display:block;height:100%}"
    ".ecskit-badge{padding:1px 6px;border-radius:8px;background:#e3f2fd;font-size:12px}</style>"
)


def short_id(arn: str | None) -> str:
    """The id an ARN ends with: a deployment's or a service revision's id (the console's)."""
    return console.resource_name(arn) if arn else "—"


def _utc(moment: Any) -> str | None:
    """A time as UTC without its zone (the column says it), so the history stays narrow."""
    if moment is None:
        return None
    return str(moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))


def _bar(weight: float | None, color: str) -> str:
    if weight is None:
        return "—"
    width = max(0.0, min(100.0, float(weight)))
    return (
        f'<span class="ecskit-bar"><span style="width:{width:g}%;background:{color}"></span>'
        f"</span>{width:g} %"
    )


def _button(text: str, css: str, style: str = "") -> widgets.Button:
    button = widgets.Button(description=text, button_style=style, layout={"width": "auto"})
    button.add_class(css)
    return button


class DeploymentsView(View):
    """The Deployments tab of `service` in `cluster`: `refresh()` re-reads it.

    `deployments` holds every deployment newest first (DescribeServiceDeployments' JSON);
    `ongoing` the unfinished ones, `last` the newest finished one. `on_rolled_back(callback)`
    and `on_continued(callback)` are told the deployment's ARN (and the hook's id and action).
    """

    css = "ecskit-deployments"

    def __init__(
        self, session: Any = None, cluster: str = "default", service: str = "", *, limit: int = 50
    ) -> None:
        super().__init__(session)
        self.cluster, self.service, self.limit = cluster, service, limit
        self.title = f"Deployments of {service} in {cluster}"
        self.deployments: list[dict[str, Any]] = []
        self.revisions: dict[str, dict[str, Any]] = {}
        self.pending: str | None = None  # the deployment a confirmation asks about
        self.ongoing_box = widgets.VBox()
        self.ongoing_box.add_class("ecskit-ongoing")
        self.confirm_box = widgets.VBox()
        self.confirm_box.add_class("ecskit-confirmation")
        self.last_box = widgets.HTML()
        self.last_box.add_class("ecskit-last")
        self.detail = widgets.VBox()  # a RevisionDiff, when asked for
        self._rolled_back = widgets.CallbackDispatcher()
        self._continued = widgets.CallbackDispatcher()
        self.table.add_class("ecskit-history")
        self.children = [
            self.header(),
            self.message,
            self.ongoing_box,
            self.confirm_box,
            self.last_box,
            widgets.HTML(f"{STYLE}<h4>Service deployments</h4>"),
            self.table,
            self.detail,
        ]
        self.refresh()

    def header(self) -> widgets.Widget:
        box = super().header()
        box.layout.align_items = "center"  # the Refresh button beside the title, not above it
        return box

    # -- reading ---------------------------------------------------------------------------

    @property
    def ongoing(self) -> list[dict[str, Any]]:
        return [d for d in self.deployments if d.get("status") in console.ONGOING]

    @property
    def last(self) -> dict[str, Any] | None:
        return next((d for d in self.deployments if d.get("status") not in console.ONGOING), None)

    def refresh(self) -> None:
        self.say("")  # what an earlier click said is about the deployments as they were
        super().refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        found = deployment_history.service_deployments(
            self.session, self.cluster, self.service, limit=self.limit
        )
        arns = [arn for d in found for arn in self._revision_arns(d)]
        self.revisions = deployment_history.service_revisions(self.session, arns)
        self.deployments = found
        return [self._history_row(d) for d in found if d.get("status") not in console.ONGOING]

    @staticmethod
    def _revision_arns(deployment: dict[str, Any]) -> list[str]:
        target = (deployment.get("targetServiceRevision") or {}).get("arn")
        target = target or deployment.get("targetServiceRevisionArn")
        sources = [r.get("arn") for r in deployment.get("sourceServiceRevisions") or []]
        return [arn for arn in [target, *sources] if arn]

    def _task_definition(self, revision_arn: str | None) -> str:
        found = self.revisions.get(revision_arn or "", {}).get("taskDefinition")
        return console.resource_name(found) if found else "—"

    def _history_row(self, deployment: dict[str, Any]) -> dict[str, Any]:
        target = (self._revision_arns(deployment) or [None])[0]
        return {
            "id": short_id(deployment.get("serviceDeploymentArn")),
            "arn": deployment.get("serviceDeploymentArn"),
            "status": deployment.get("status"),
            "reason": deployment.get("statusReason"),
            "target": short_id(target),
            "task_definition": self._task_definition(target),
            "created": _utc(deployment.get("createdAt")),
            "finished": _utc(deployment.get("finishedAt") or deployment.get("stoppedAt")),
        }

    # -- showing ---------------------------------------------------------------------------

    def show(self) -> None:
        sections: list[widgets.Widget] = [widgets.HTML("<h4>Ongoing deployment</h4>")]
        for deployment in self.ongoing:
            sections.append(self._ongoing_section(deployment))
        if not self.ongoing:
            sections.append(widgets.HTML('<i class="ecskit-none-ongoing">None.</i>'))
        self.ongoing_box.children = sections
        self.last_box.value = "<h4>Last deployment</h4>" + self._last_html()
        self.table.value = html_table(self.rows, HISTORY, "ecskit-deployments-table")
        if self.pending and self.pending not in {d["serviceDeploymentArn"] for d in self.ongoing}:
            self._close_confirm()  # it finished meanwhile: nothing left to roll back

    def _summary(self, deployment: dict[str, Any]) -> str:
        strategy = (deployment.get("deploymentConfiguration") or {}).get("strategy", "ROLLING")
        cells = [
            ("Deployment ID", short_id(deployment.get("serviceDeploymentArn"))),
            ("Status", deployment.get("status")),
            ("Lifecycle stage", deployment.get("lifecycleStage")),
            ("Strategy", strategy),
            ("Started", deployment.get("startedAt") or deployment.get("createdAt")),
            ("Finished", deployment.get("finishedAt") or deployment.get("stoppedAt")),
            ("Status reason", deployment.get("statusReason")),
        ]
        breaker = deployment.get("deploymentCircuitBreaker") or {}
        if breaker.get("status") not in (None, "DISABLED"):
            failures = f"{breaker.get('failureCount', 0)} of {breaker.get('threshold', '—')}"
            cells.append(("Circuit breaker", f"{breaker['status']}, failed tasks {failures}"))
        rollback = deployment.get("rollback") or {}
        if rollback:
            to = short_id(rollback.get("serviceRevisionArn"))
            cells.append(("Rollback", f"to revision {to}: {_text(rollback.get('reason'))}"))
        return "".join(
            f'<span class="ecskit-field-{escape(name.lower().replace(" ", "-"))}" '
            f'style="margin-right:18px;display:inline-block"><b>{escape(name)}:</b> '
            f"{escape(_text(value))}</span>"
            for name, value in cells
            if value is not None or name == "Lifecycle stage"  # a rolling deployment has none
        )

    def _revisions_html(self, deployment: dict[str, Any]) -> str:
        """Tasks and traffic per revision: the target first, then each source."""
        target = deployment.get("targetServiceRevision") or {}
        revisions = [("Target", target)] if target else []
        revisions += [("Source", r) for r in deployment.get("sourceServiceRevisions") or []]
        rows = []
        for kind, summary in revisions:
            running, wanted = summary.get("runningTaskCount", 0), summary.get("requestedTaskCount")
            pending = summary.get("pendingTaskCount") or 0
            tasks = f"{running} / {_text(wanted)}" + (f" ({pending} pending)" if pending else "")
            rows.append(
                f'<tr class="ecskit-revision ecskit-revision-{kind.lower()}">'
                f"<td>{kind}</td><td><code>{escape(short_id(summary.get('arn')))}</code></td>"
                f"<td>{escape(self._task_definition(summary.get('arn')))}</td>"
                f'<td class="ecskit-tasks">{escape(tasks)}</td>'
                f'<td class="ecskit-production">'
                f"{_bar(summary.get('requestedProductionTrafficWeight'), '#1976d2')}</td>"
                f'<td class="ecskit-test">'
                f"{_bar(summary.get('requestedTestTrafficWeight'), '#8e24aa')}</td></tr>"
            )
        return (
            '<table class="ecskit-table ecskit-traffic"><tr><th>Revision type</th>'
            "<th>Service revision</th><th>Task definition</th><th>Tasks running / requested</th>"
            f"<th>Production traffic</th><th>Test traffic</th></tr>{''.join(rows)}</table>"
        )

    def _hooks(self, deployment: dict[str, Any]) -> list[widgets.Widget]:
        details = deployment.get("lifecycleHookDetails") or []
        if not details:
            return []
        lines: list[widgets.Widget] = [widgets.HTML("<b>Lifecycle hooks</b>")]
        arn = deployment["serviceDeploymentArn"]
        for detail in details:
            status = str(detail.get("status", ""))
            # a Lambda hook names its function; a PAUSE hook has no target (model)
            target = f"{short_id(detail['targetArn'])} " if detail.get("targetArn") else ""
            text = (
                f"<code>{escape(str(detail.get('hookId', '')))}</code> "
                f"{escape(str(detail.get('targetType', '')))} {escape(target)}"
                f'<span class="ecskit-badge ecskit-hook-status">{escape(status)}</span> '
                f"<small>times out {escape(_text(detail.get('expiresAt')))}, then "
                f"{escape(str(detail.get('timeoutAction', '—')))}</small>"
            )
            label = widgets.HTML(
                f'<span style="white-space:nowrap">{text}</span>',
                layout={"width": "auto", "margin": "0 12px 0 0"},
            )
            parts: list[widgets.Widget] = [label]
            if status == "AWAITING_ACTION":  # a PAUSE hook waits for ContinueServiceDeployment
                hook = str(detail.get("hookId", ""))
                go = _button("Continue", "ecskit-continue", "success")
                back = _button("Roll back at hook", "ecskit-hook-roll-back", "warning")
                go.on_click(lambda _, h=hook: self.continue_at(arn, h, "CONTINUE"))
                back.on_click(lambda _, h=hook: self.continue_at(arn, h, "ROLLBACK"))
                parts += [go, back]
            line = widgets.HBox(parts, layout={"align_items": "center"})
            line.add_class("ecskit-hook")
            lines.append(line)
        return lines

    def _ongoing_section(self, deployment: dict[str, Any]) -> widgets.Widget:
        arn = deployment["serviceDeploymentArn"]
        buttons: list[widgets.Widget] = []
        if deployment.get("status") in CAN_ROLL_BACK:
            roll_back = _button("Roll back", "ecskit-roll-back", "danger")
            roll_back.on_click(lambda _: self.ask_roll_back(arn))
            buttons.append(roll_back)
        if deployment.get("sourceServiceRevisions"):
            compare = _button("Compare revisions", "ecskit-compare")
            compare.on_click(lambda _: self.compare(arn))
            buttons.append(compare)
        section = widgets.VBox(
            [
                widgets.HTML(f'<div class="ecskit-summary">{self._summary(deployment)}</div>'),
                widgets.HTML(self._revisions_html(deployment)),
                *self._hooks(deployment),
                widgets.HBox(buttons),
            ]
        )
        section.add_class("ecskit-deployment")
        return section

    def _last_html(self) -> str:
        last = self.last
        if last is None:
            return '<i class="ecskit-none-last">None yet.</i>'
        return (
            f'<div class="ecskit-summary">{self._summary(last)}</div>'
            + self._revisions_html(last)
            + self._diagnosis_html(last)
        )

    def _diagnosis_html(self, last: dict[str, Any]) -> str:
        """Why a deployment that stopped or rolled back failed: its newest failed task,
        diagnosed (ecskit.diagnose's words)."""
        if last.get("status") not in ("STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"):
            return ""
        from ..diagnosis import last_failure

        try:
            found = last_failure(self.session, self.cluster, self.service)
        except Exception:  # the diagnosis is extra: the deployments still show without it
            return ""
        return found._repr_html_() if found is not None else ""

    # -- acting ----------------------------------------------------------------------------

    def _refused(self, what: str) -> bool:
        """Say so when the session cannot write (checked before anything is sent)."""
        if self.session.read_only:
            self.say(READ_ONLY.format(what=what), error=True)
            return True
        return False

    def _deployment(self, arn: str) -> dict[str, Any]:
        return next((d for d in self.deployments if d["serviceDeploymentArn"] == arn), {})

    def ask_roll_back(self, arn: str) -> None:
        """Show the console's confirmation; nothing is sent until it is confirmed."""
        if self._refused(f"the rollback of deployment {short_id(arn)}"):
            return
        self.pending = arn
        sources = self._deployment(arn).get("sourceServiceRevisions") or []
        revision = ", ".join(short_id(r.get("arn")) for r in sources) or "the previous one"
        confirm = _button("Roll back", "ecskit-confirm", "danger")
        cancel = _button("Cancel", "ecskit-cancel")
        confirm.on_click(lambda _: self.roll_back(arn))
        cancel.on_click(lambda _: self._close_confirm())
        question = CONFIRM.format(id=short_id(arn), revision=revision)
        self.confirm_box.children = [
            widgets.HTML(
                f'<div class="ecskit-confirm-text"><b>{escape(question)}</b>'
                f"<br><span>{escape(EXPLAIN)}</span></div>"
            ),
            widgets.HBox([confirm, cancel]),
        ]

    def _close_confirm(self) -> None:
        self.pending = None
        self.confirm_box.children = []

    def roll_back(self, arn: str) -> None:
        """Roll the deployment back now (StopServiceDeployment ROLLBACK), then refresh."""
        self._close_confirm()
        if self._refused(f"the rollback of deployment {short_id(arn)}"):
            return
        if run_safely(self, lambda: ops.roll_back_deployment(self.session, arn)) is None:
            return
        self.refresh()
        self.say(f"Rolling back deployment {short_id(arn)}: {self._status_of(arn)}.")
        self._rolled_back(arn)

    def continue_at(self, arn: str, hook_id: str, action: str = "CONTINUE") -> None:
        """Answer the PAUSE hook `hook_id`: CONTINUE the deployment or ROLLBACK it."""
        what = "continue" if action == "CONTINUE" else "roll back"
        if self._refused(f"the request to {what} deployment {short_id(arn)} at hook {hook_id}"):
            return
        done = run_safely(self, lambda: ops.continue_deployment(self.session, arn, hook_id, action))
        if done is None:
            return
        self.refresh()
        verb = "Continued" if action == "CONTINUE" else "Rolling back"
        self.say(f"{verb} deployment {short_id(arn)} at hook {hook_id}: {self._status_of(arn)}.")
        self._continued(arn, hook_id, action)

    def _status_of(self, arn: str) -> str:
        return str(self._deployment(arn).get("status", "status unknown"))

    def compare(self, arn: str) -> Any:
        """Open a RevisionDiff of the deployment's source and target revisions below the view."""
        from .revision_diff import RevisionDiff

        diff = RevisionDiff.of_deployment(self.session, self._deployment(arn))
        self.detail.children = [diff]
        return diff

    def on_rolled_back(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(deployment_arn)` after a rollback was accepted."""
        self._rolled_back.register_callback(callback, remove=remove)

    def on_continued(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(deployment_arn, hook_id, action)` after a hook was answered."""
        self._continued.register_callback(callback, remove=remove)
