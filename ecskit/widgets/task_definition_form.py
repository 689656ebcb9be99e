"""TaskDefinitionForm: write a task definition, see every problem beside its field, register it.

>>> form = TaskDefinitionForm(session)          # doctest: +SKIP
>>> form.family.value = "web"                   # doctest: +SKIP
>>> form.submit.click()                         # doctest: +SKIP   -> "web:1"
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops
from ._containers import ContainerEditor
from ._fields import Field, offer
from ._form import Form
from ._loaded_values import LoadedValues
from ._log_groups import AccountLogGroups
from ._revision_request import registered_request
from ._task_choices import HOST_PORT_MODES, LAUNCH_TYPES, NETWORK_MODES, PLATFORMS
from ._task_roles import TaskRoles
from ._task_size import TaskSize

# Keys the form shows; other keys of a loaded body are kept as they were.
SHOWN_KEYS = (
    "family",
    "requiresCompatibilities",
    "runtimePlatform",
    "networkMode",
    "cpu",
    "memory",
    "taskRoleArn",
    "executionRoleArn",
    "containerDefinitions",
)


def request_body(described: dict[str, Any]) -> dict[str, Any]:
    """A RegisterTaskDefinition body from a DescribeTaskDefinition answer (for a new revision).

    Takes the answer bare or as describe-task-definition prints it: `{"taskDefinition": {...}}`;
    response-only members and the values ECS filled in by default are left out.
    """
    return dict(registered_request(described))


class TaskDefinitionForm(Form):
    """The console's "Create new task definition", checked as you type.

    `form.body` is the RegisterTaskDefinition request; `form.load(body)` fills the form from one
    (a body with a field of the wrong type changes nothing and says which field and why);
    `form.on_register(callback)` is called with the registered revision's description.
    """

    kind = "task-definition"
    operation = "register_task_definition"
    submit_label = "Register"
    submit_class = "ecskit-register"
    title = "Task definition"
    wait_for_user = True
    loaded_attributes = ("extra", "containers", "loaded", "_family_before")

    def __init__(self, session: Any = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(session)
        self.extra: dict[str, Any] = {}
        self.containers: list[ContainerEditor] = []
        self.loaded = LoadedValues()
        self.log_groups = AccountLogGroups(self)
        self.registered = ""
        self._family_before = ""

        self.family = widgets.Text(placeholder="my-app", layout={"width": "300px"})
        self.launch_type = widgets.Dropdown(options=LAUNCH_TYPES, value="FARGATE")
        self.platform = widgets.Dropdown(options=PLATFORMS, value=("LINUX", "X86_64"))
        self.network_mode = widgets.Dropdown(options=[("awsvpc", "awsvpc")], value="awsvpc")
        self.size = TaskSize()
        self.fargate_cpu, self.fargate_memory = self.size.fargate_cpu, self.size.fargate_memory
        self.ec2_cpu, self.ec2_memory = self.size.ec2_cpu, self.size.ec2_memory
        self.roles = TaskRoles(self)
        self.task_role, self.execution_role = self.roles.task_role, self.roles.execution_role
        self.create_role, self.role_message = self.roles.create_role, self.roles.message
        self.add_container_button = widgets.Button(description="Add container")
        self.add_container_button.add_class("ecskit-add-container")
        self.add_container_button.on_click(lambda _: self.add_container())
        self.containers_box = widgets.VBox()

        self.static_fields = [
            Field(
                "family",
                self.family,
                label="Task definition family",
                help="Groups the revisions of one task definition: the first registered is 1.",
            ),
            Field(
                "requiresCompatibilities",
                self.launch_type,
                label="Launch type",
                # botocore Compatibility enum: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES
                help="Where tasks run; the definition is checked against what it allows. The API "
                "also takes MANAGED_INSTANCES (ECS Managed Instances).",
                name="launch-type",
            ),
            Field(
                "runtimePlatform",
                self.platform,
                label="OS / Architecture",
                help="All tasks of a service share it. Linux/ARM64 runs on Graviton.",
                name="platform",
            ),
            Field("networkMode", self.network_mode, label="Network mode", name="network-mode"),
            Field("cpu", self.size.cpu_box, label="Task CPU", name="cpu"),
            Field("memory", self.size.memory_box, label="Task memory", name="memory"),
            *self.roles.fields,
            Field("containerDefinitions", None, name="containers"),
        ]
        self.fields = list(self.static_fields)
        # the chosen mode's explanation, on the help line under the field (beside it, it wrapped)
        self.network_help = self.static_fields[3].help
        self.network_help.add_class("ecskit-network-help")
        self.layout_children(
            [
                *[field.box for field in self.static_fields[:-1]],
                self.role_message,
                widgets.HTML("<h4>Containers</h4>"),
                self.static_fields[-1].box,
                self.containers_box,
                self.add_container_button,
            ]
        )
        # family, CPU, network mode and launch type re-check through their own handlers below
        self.watch(
            self.fargate_memory,
            self.ec2_cpu,
            self.ec2_memory,
            self.task_role,
            self.execution_role,
        )
        # these re-check through their own handlers: the user has acted once they change
        self.acting(
            self.family, self.launch_type, self.platform, self.fargate_cpu, self.network_mode
        )
        self.family.observe(self._family_changed, names="value")
        self.launch_type.observe(self._launch_changed, names="value")
        self.platform.observe(self._launch_changed, names="value")
        self.fargate_cpu.observe(self._cpu_changed, names="value")
        self.network_mode.observe(lambda _: self._render(), names="value")
        with self.holding():
            self.refresh_roles()
            self._launch_changed()
            self._cpu_changed()
            if body is None or self.load_given(body):  # refused: a fresh form, the body to fix
                self.add_container()
                self.roles.choose_standard()

    # --- construction from what exists ---------------------------------------------------

    @classmethod
    def from_revision(cls, session: Any, revision: str) -> TaskDefinitionForm:
        """A form holding `family:N` (or a family's latest ACTIVE revision), to register anew."""
        from ._form import default_session

        session = default_session(session)
        described = console.describe_task_definition(session, revision)
        return cls(session, body=request_body(described))

    def on_register(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(task_definition)` after each successful register."""
        self._on(callback, remove)

    # --- reacting to changes -------------------------------------------------------------

    @property
    def fargate(self) -> bool:
        return self.launch_type.value == "FARGATE"

    @property
    def windows(self) -> bool:
        return str(self.platform.value[0]).startswith("WINDOWS")

    def _family_changed(self, change: Any) -> None:
        family = change["new"].strip()
        with self.holding():
            for editor in self.containers:
                editor.follow_family(self._family_before, family)
            self._family_before = family

    def _launch_changed(self, _: Any = None) -> None:
        from ..rules import network_modes_for  # on first use: `import ecskit` stays light

        modes = list(network_modes_for(self.launch_type.value))
        if self.windows and self.launch_type.value != "FARGATE" and "" not in modes:
            modes.append("")
        current = self.network_mode.value
        with self.holding():
            self.network_mode.options = [(mode or "default", mode) for mode in modes]
            self.network_mode.value = current if current in modes else modes[0]
            fargate = self.fargate
            self.size.show(fargate)
            self._render()

    def _cpu_changed(self, _: Any = None) -> None:
        with self.holding():
            self.size.cpu_changed()

    def _render(self) -> None:
        mode = self.network_mode.value or ""
        self.network_help.value = (
            f'<span style="color:#555;font-size:12px">{escape(NETWORK_MODES.get(mode, ""))}</span>'
        )
        host_allowed = mode in HOST_PORT_MODES
        for index, editor in enumerate(self.containers):
            editor.repath(index)
            editor.render(host_allowed)
        self.containers_box.children = [editor.box for editor in self.containers]
        self.fields = self.static_fields + [
            field for editor in self.containers for field in editor.fields()
        ]
        self._changed()

    def containers_changed(self) -> None:
        self._render()

    def add_container(self, container: dict[str, Any] | None = None) -> ContainerEditor:
        """Add a container (empty, or from a container definition) at the end."""
        editor = ContainerEditor(self, container)
        if container is None:
            editor.follow_family("", self.family.value.strip())
        self.containers.append(editor)
        self._render()
        return editor

    def remove_container(self, editor: ContainerEditor) -> None:
        self.containers.remove(editor)
        self._render()

    def move_container(self, editor: ContainerEditor, delta: int) -> None:
        index = self.containers.index(editor)
        target = max(0, min(len(self.containers) - 1, index + delta))
        self.containers.insert(target, self.containers.pop(index))
        self._render()

    def refresh_roles(self) -> None:
        """Fill both role lists from the account's roles that trust ecs-tasks.amazonaws.com."""
        self.roles.refresh()

    # --- the request ---------------------------------------------------------------------

    def integer(self, text: str, path: str, label: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.bad(path, f"{label} must be a whole number; {text!r} is not.")
            return None

    def build(self) -> dict[str, Any]:
        family, arch = self.platform.value
        body: dict[str, Any] = {
            "family": self.family.value.strip(),
            "requiresCompatibilities": [self.launch_type.value],
            "runtimePlatform": {"operatingSystemFamily": family, "cpuArchitecture": arch},
        }
        if self.network_mode.value:
            body["networkMode"] = self.network_mode.value
        cpu, memory = self.size.values(self.fargate, self.bad)
        if cpu is not None:
            body["cpu"] = cpu
        if memory is not None:
            body["memory"] = memory
        self.roles.build(body)
        host_allowed = (self.network_mode.value or "") in HOST_PORT_MODES
        body["containerDefinitions"] = [editor.build(host_allowed) for editor in self.containers]
        body.update(self.extra)
        return self.loaded.keep(body, self.shown())

    def shown(self) -> dict[str, Any]:
        """Each request key the form's own inputs make, with those inputs' values."""
        launch = self.launch_type.value
        return {
            "family": self.family.value,
            "requiresCompatibilities": launch,
            "runtimePlatform": self.platform.value,
            "networkMode": self.network_mode.value,
            **self.size.shown(launch),
            "taskRoleArn": self.task_role.value,
            "executionRoleArn": self.execution_role.value,
        }

    def request_of(self, body: dict[str, Any]) -> Any:
        return registered_request(body)  # a describe answer loads as the request that made it

    def load_parts(self) -> list[Any]:
        return [self, *self.containers, *(row for e in self.containers for row in e.ports)]

    def put_back(self) -> None:
        self._render()

    def fill(self, body: dict[str, Any]) -> None:
        """Fill the form from a RegisterTaskDefinition body; each value shown, none corrected."""
        with self.holding():
            self.loaded = LoadedValues()  # a new one: a failed load puts the old one back
            self.extra = {k: v for k, v in body.items() if k not in SHOWN_KEYS}
            self._family_before = ""
            self.family.value = str(body.get("family", ""))
            self._family_before = self.family.value
            # an unknown launch type or platform is offered as written, for the rules to judge
            required = body.get("requiresCompatibilities") or ["EC2"]
            offer(self.launch_type, required[0], str(required[0]))
            platform = body.get("runtimePlatform") or {}
            wanted = (
                platform.get("operatingSystemFamily", "LINUX"),
                platform.get("cpuArchitecture", "X86_64"),
            )
            offer(self.platform, wanted, "/".join(map(str, wanted)))
            self._launch_changed()
            mode = body.get("networkMode", "" if self.windows else "bridge")
            if self.fargate:
                mode = body.get("networkMode", "awsvpc")
            offer(self.network_mode, mode, mode)
            cpu, memory = str(body.get("cpu", "")), str(body.get("memory", ""))
            self.size.fill(cpu, memory, self.fargate)
            self.roles.fill(body)
            self.containers = []
            for container in body.get("containerDefinitions") or []:
                self.containers.append(ContainerEditor(self, container))
            self._render()
            host_allowed = (self.network_mode.value or "") in HOST_PORT_MODES
            for editor in self.containers:
                editor.remember_loaded(host_allowed)
            self.loaded.remember(body, self.shown())

    def log_group_exists(self, name: str) -> bool:
        """Whether the account has the log group `name` (read once a name; unknown: False)."""
        return self.log_groups.exists(name)

    def send_request(self, body: dict[str, Any]) -> Any:
        # ops makes the groups once the body passes the rules, and removes them if ECS refuses
        groups = sorted({group for e in self.containers if (group := e.log_group_to_create())})
        self.log_groups.forget()  # what register makes exists afterwards
        return ops.register_task_definition(self.session, body, create_log_groups=groups)

    def done(self, answer: Any) -> str:
        name = f"{answer['family']}:{answer['revision']}"
        self.registered = name
        return f'Registered <b class="ecskit-registered">{escape(name)}</b>'
