"""TaskDefinitionsView: each family with its latest ACTIVE revision, and what you can do with it."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops
from ._view import View, run_safely

CONFIRM = "Are you sure you want to deregister the following task definition: {name}?"
EXPLAIN = (
    "The revision becomes INACTIVE. Existing tasks and services that use it continue to run "
    "without disruption, but it can no longer run new tasks, create new services, or be the "
    "revision a service is updated to."
)


def _button(text: str, css: str, style: str = "") -> widgets.Button:
    button = widgets.Button(description=text, button_style=style, layout={"width": "auto"})
    button.add_class(css)
    return button


class TaskDefinitionsView(View):
    """Task definition families: deploy as a service, run as a task, new revision, deregister.

    The form or diff an action opens appears below the list as `view.opened`.
    """

    title = "Task definitions"
    css = "ecskit-task-definitions"

    def __init__(self, session: Any = None) -> None:
        super().__init__(session)
        self.list_box = widgets.VBox()
        self.confirm_box = widgets.VBox()
        self.confirm_box.add_class("ecskit-confirmation")
        self.detail = widgets.VBox()
        self.opened: Any = None
        self.pending: str | None = None
        self.children = [self.header(), self.message, self.list_box, self.confirm_box, self.detail]
        self.refresh()

    def load_rows(self) -> list[dict[str, Any]]:
        return console.families(self.session)

    def show(self) -> None:
        lines: list[widgets.Widget] = [
            widgets.HTML("<b>Family</b> — latest ACTIVE revision (ACTIVE revisions)")
        ]
        for row in self.rows:
            name = row["latest"]
            actions = [
                (_button("Deploy as service", "ecskit-deploy"), self.deploy),
                (_button("Run task", "ecskit-run"), self.run),
                (_button("Create new revision", "ecskit-new-revision"), self.new_revision),
                (_button("Compare revisions", "ecskit-compare"), self.compare),
                (_button("Deregister", "ecskit-deregister", "danger"), self.ask_deregister),
            ]
            for button, action in actions:
                button.on_click(lambda _, act=action, n=name: act(n))
            label = widgets.HTML(
                f'<span class="ecskit-family">{escape(row["family"])}</span> — '
                f'<span class="ecskit-latest">{escape(name)}</span> ({row["active"]})',
                layout={"width": "300px"},
            )
            line = widgets.HBox([label, *(button for button, _ in actions)])
            line.add_class("ecskit-family-row")
            line.add_class(f"ecskit-family-{row['family']}")
            lines.append(line)
        if not self.rows:
            lines = [widgets.HTML('<i class="ecskit-empty">No ACTIVE task definitions.</i>')]
        self.list_box.children = lines

    def _open(self, widget: Any) -> Any:
        self.opened = widget
        self.detail.children = [widget] if widget is not None else []
        return widget

    def deploy(self, revision: str) -> Any:
        """Open a ServiceForm prefilled with `family:N`."""
        from .service_form import ServiceForm

        return self._open(ServiceForm(self.session, task_definition=revision))

    def run(self, revision: str) -> Any:
        """Open a RunTaskForm prefilled with `family:N`."""
        from .run_task_form import RunTaskForm

        return self._open(RunTaskForm(self.session, task_definition=revision))

    def new_revision(self, revision: str) -> Any:
        """Open a TaskDefinitionForm starting from `family:N`."""
        from .task_definition_form import TaskDefinitionForm

        form = run_safely(self, lambda: TaskDefinitionForm.from_revision(self.session, revision))
        if form is not None:
            form.on_register(lambda _: self.refresh())
        return self._open(form)

    def compare(self, revision: str) -> Any:
        from .revision_diff import RevisionDiff

        return self._open(RevisionDiff(self.session, revision.rsplit(":", 1)[0]))

    def ask_deregister(self, revision: str) -> None:
        """Show the console's confirmation; nothing changes until Confirm is clicked."""
        self.pending = revision
        confirm = _button("Deregister", "ecskit-confirm", "danger")
        cancel = _button("Cancel", "ecskit-cancel")
        confirm.on_click(lambda _: self.deregister(revision))
        cancel.on_click(lambda _: self._close_confirm())
        text = widgets.HTML(
            f'<div class="ecskit-confirm-text"><b>{escape(CONFIRM.format(name=revision))}</b>'
            f"<br><span>{escape(EXPLAIN)}</span></div>"
        )
        self.confirm_box.children = [text, widgets.HBox([confirm, cancel])]

    def _close_confirm(self) -> None:
        self.pending = None
        self.confirm_box.children = []

    def deregister(self, revision: str) -> None:
        self._close_confirm()
        done = run_safely(self, lambda: ops.deregister_task_definition(self.session, revision))
        if done is not None:
            self.refresh()
            self.say(
                f'Deregistered <span class="ecskit-deregistered">{escape(revision)}</span>: it '
                "is INACTIVE; tasks and services using it keep running.",
                html=True,
            )
