"""A container's logs in the task-definition form: awslogs on or off, its group, region and stream
prefix, and whether to create the group on register (ticked only for a group the account lacks)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._fields import Field
from ._port_mappings import text_input

# awslogs' own options, shown as inputs; any other option of a loaded container is kept.
OPTIONS = ("awslogs-group", "awslogs-region", "awslogs-stream-prefix")


class ContainerLogs:
    """The "Log configuration" field of one container editor."""

    def __init__(self, form: Any, container: dict[str, Any]) -> None:
        self.form = form
        log = container.get("logConfiguration")
        options = (log or {}).get("options") or {}
        self.extra = {k: v for k, v in (log or {}).items() if k not in ("logDriver", "options")}
        self.on = widgets.Checkbox(
            # a new container logs to CloudWatch; a loaded one keeps what it had
            value=(not container) or (log or {}).get("logDriver") == "awslogs",
            description="Send logs to CloudWatch (awslogs)",
            indent=False,
        )
        self.other = log if log is not None and log.get("logDriver") != "awslogs" else None
        self.group = text_input(options.get("awslogs-group", ""), "/ecs/my-app")
        self.group_auto = "awslogs-group" not in options
        self.region = text_input(options.get("awslogs-region", form.session.region), "", "140px")
        self.prefix = text_input(options.get("awslogs-stream-prefix", "ecs"), "ecs", "140px")
        self.options_extra = {k: v for k, v in options.items() if k not in OPTIONS}
        self.create_group = widgets.Checkbox(
            value=not form.log_group_exists(self.group.value.strip()),
            description="Create the log group on register",
            indent=False,
        )
        self.create_group.add_class("ecskit-create-log-group")
        self.create_group_chosen = False
        self._following = False
        self._setting_create = False
        self.create_group.observe(self._create_group_clicked, names="value")
        self.group.observe(self._group_typed, names="value")
        self.box = widgets.HBox(
            [
                widgets.HTML("group"),
                self.group,
                widgets.HTML("region"),
                self.region,
                widgets.HTML("stream prefix"),
                self.prefix,
            ]
        )
        self.field = Field(
            "",
            widgets.VBox([self.on, self.box, self.create_group]),
            label="Log configuration",
            # using_awslogs.html: awslogs passes the STDOUT and STDERR streams; botocore
            # LogConfiguration.options: the default mode is non-blocking since June 25, 2025
            help="awslogs sends only what the container writes to stdout and stderr; by default "
            "it does not block, so lines are lost if its buffer fills (set mode to blocking "
            "to wait instead).",
            name="log-configuration",
        )

    def inputs(self) -> tuple[Any, ...]:
        return (self.on, self.group, self.region, self.prefix)

    def render(self) -> None:
        self.box.layout.display = "" if self.on.value else "none"
        self.create_group.layout.display = "" if self.on.value else "none"

    def follow_family(self, old_family: str, family: str) -> None:
        """Keep the log group `/ecs/<family>` while the user has not typed their own."""
        if self.group_auto or self.group.value in ("", f"/ecs/{old_family}"):
            self._following = True
            try:
                self.group.value = f"/ecs/{family}" if family else ""
            finally:
                self._following = False
            self.group_auto = True

    def _group_typed(self, _: Any) -> None:
        if not self._following:
            self.group_auto = False
        if not self.create_group_chosen:
            self._setting_create = True
            try:
                self.create_group.value = not self.form.log_group_exists(self.group.value.strip())
            finally:
                self._setting_create = False

    def _create_group_clicked(self, _: Any) -> None:
        if not self._setting_create:
            self.create_group_chosen = True

    def build(self, body: dict[str, Any]) -> None:
        """Put the container's logConfiguration into `body` (awslogs, or the loaded other one)."""
        if self.on.value:
            options = {
                "awslogs-group": self.group.value.strip(),
                "awslogs-region": self.region.value.strip(),
                "awslogs-stream-prefix": self.prefix.value.strip(),
                **self.options_extra,
            }
            body["logConfiguration"] = {"logDriver": "awslogs", "options": options, **self.extra}
        elif self.other is not None:
            body["logConfiguration"] = self.other

    def shown(self) -> tuple[Any, ...]:
        return (self.on.value, self.group.value, self.region.value, self.prefix.value)

    def group_to_create(self) -> str | None:
        if self.on.value and self.create_group.value and self.group.value.strip():
            return str(self.group.value.strip())
        return None
