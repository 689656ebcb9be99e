"""RunTaskForm: run a revision as standalone tasks (they stop when done); stop them after."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops
from ._deployment import DeploymentForm
from ._fields import Field
from ._loaded_values import LoadedValues

# RunTask keys this form's inputs make; a loaded body's other keys are kept as they were.
SHOWN_KEYS = (
    "cluster",
    "launchType",
    "capacityProviderStrategy",
    "taskDefinition",
    "networkConfiguration",
    "count",
)


class RunTaskForm(DeploymentForm):
    """The console's "Run task": `form.body` is the RunTask request; `stop()` stops its tasks."""

    kind = "run-task"
    operation = "run_task"
    submit_label = "Run task"
    submit_class = "ecskit-run-task"
    title = "Run task"
    loaded_attributes = ("extra", "loaded")

    def __init__(self, session: Any = None, task_definition: str | None = None) -> None:
        super().__init__(session, task_definition)
        self.extra: dict[str, Any] = {}
        self.loaded = LoadedValues()
        # not bounded: a loaded count of 11 shows as 11 and the rules say 1 to 10
        self.count = widgets.IntText(value=1, layout={"width": "90px"})
        self.tasks: list[dict[str, Any]] = []
        self.stop_button = widgets.Button(description="Stop tasks", button_style="danger")
        self.stop_button.add_class("ecskit-stop-task")
        self.stop_button.on_click(lambda _: self.stop())
        self.stop_button.layout.display = "none"
        self.fields = [
            *self.placement_fields(),
            Field("count", self.count, label="Number of tasks", name="count"),
        ]
        boxes = [field.box for field in self.fields]
        self.layout_children([*boxes[:5], self.network_box, boxes[-1], self.stop_button])
        self.watch(self.count)
        self.start()

    def on_run(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(tasks)` after tasks are started."""
        self._on(callback, remove)

    on_create = on_run

    def build(self) -> dict[str, Any]:
        body = self.placement()
        body["count"] = int(self.count.value)
        body.update(self.extra)
        return self.loaded.keep(body, self.shown())

    def shown(self) -> dict[str, Any]:
        """Each RunTask key this form's inputs make, with those inputs' values."""
        where = (self.revision.value, self.vpc.value, self.subnets.value)
        return {
            "cluster": self.cluster.value,
            "launchType": self.launch.value,
            "capacityProviderStrategy": self.launch.value,
            "taskDefinition": (self.family.value, self.revision.value),
            "networkConfiguration": (*where, self.security_groups.value, self.public_ip.value),
            "count": self.count.value,
        }

    def fill(self, body: dict[str, Any]) -> None:
        with self.holding():
            self.loaded = LoadedValues()  # a new one: a failed load puts the old one back
            self.extra = {k: v for k, v in body.items() if k not in SHOWN_KEYS}
            self.load_placement(body)
            self.count.value = int(body.get("count", 1))
            self.loaded.remember(body, self.shown())

    def send_request(self, body: dict[str, Any]) -> Any:
        return ops.run_task(self.session, body)

    def done(self, answer: Any) -> str:
        self.tasks = list(answer)
        self.stop_button.layout.display = ""
        ids = ", ".join(console.resource_name(task["taskArn"]) for task in self.tasks)
        return f'Started <span class="ecskit-tasks">{escape(ids)}</span>.'

    def stop(self) -> list[Any]:
        """Stop the tasks this form started."""
        stopped = []
        for task in self.tasks:
            try:
                stopped.append(ops.stop_task(self.session, task["clusterArn"], task["taskArn"]))
            except ops.OpError as error:
                self.show_error(error.message)
                return stopped
        self.tasks = []
        self.stop_button.layout.display = "none"
        self.show_done(f"Stopped {len(stopped)} task(s).")
        return stopped
