"""The task-definition form's two roles: the task role (what the containers' code may call) and
the execution role (what ECS may do to start the task), from the roles that trust ECS tasks."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops
from ._fields import Field


class TaskRoles:
    """Both role dropdowns, a reload button and "Create ecsTaskExecutionRole"."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.task_role = widgets.Dropdown(options=[("None", "")], value="")
        self.execution_role = widgets.Dropdown(options=[("None", "")], value="")
        self.create_role = widgets.Button(
            description="Create ecsTaskExecutionRole", layout={"width": "auto"}
        )
        self.create_role.add_class("ecskit-create-execution-role")
        self.create_role.on_click(self._on_create_role)
        self.refresh_button = widgets.Button(description="↻", tooltip="Reload roles")
        self.refresh_button.layout.width = "40px"
        self.refresh_button.on_click(lambda _: self.refresh())
        self.message = widgets.HTML()
        self.fields = [
            Field(
                "taskRoleArn",
                self.task_role,
                label="Task role",
                help="The role your containers' code uses to call AWS APIs.",
                name="task-role",
            ),
            Field(
                "executionRoleArn",
                self.execution_role,
                label="Task execution role",
                help="Lets ECS pull private images, read secrets and registry credentials, and "
                "send awslogs logs for you.",
                name="execution-role",
                extra=[self.create_role, self.refresh_button],
            ),
        ]

    def refresh(self) -> None:
        """Fill both lists from the account's roles that trust ecs-tasks.amazonaws.com."""
        try:
            roles = console.task_roles(self.form.session)
        except ops.OpError as error:
            self.message.value = f'<span class="ecskit-error">{escape(error.message)}</span>'
            roles = []
        options = [("None", "")] + [(role["name"], role["arn"]) for role in roles]
        with self.form.holding():
            for dropdown in (self.task_role, self.execution_role):
                current = dropdown.value
                known = [value for _, value in options]
                extra = [(console.resource_name(current), current)] if current not in known else []
                dropdown.options = options + extra
                dropdown.value = current

    def choose_standard(self) -> None:
        """As the console does: the standard execution role, when the account has it."""
        self.execution_role.value = dict(self.execution_role.options).get(
            ops.EXECUTION_ROLE_NAME, ""
        )

    def _on_create_role(self, _: Any) -> None:
        try:
            arn = ops.create_task_execution_role(self.form.session)
        except ops.OpError as error:
            self.message.value = f'<span class="ecskit-error">{escape(error.message)}</span>'
            return
        self.message.value = f"Created or found <code>{escape(arn)}</code>."
        self.refresh()
        self.execution_role.value = arn

    def set(self, dropdown: widgets.Dropdown, arn: str) -> None:
        """Show `arn` in `dropdown`, offering it when the account's list lacks it."""
        known = [value for _, value in dropdown.options]
        if arn and arn not in known:
            dropdown.options = [*dropdown.options, (console.resource_name(arn), arn)]
        dropdown.value = arn

    def fill(self, body: dict[str, Any]) -> None:
        self.set(self.task_role, str(body.get("taskRoleArn", "")))
        self.set(self.execution_role, str(body.get("executionRoleArn", "")))

    def build(self, body: dict[str, Any]) -> None:
        if self.task_role.value:
            body["taskRoleArn"] = self.task_role.value
        if self.execution_role.value:
            body["executionRoleArn"] = self.execution_role.value
