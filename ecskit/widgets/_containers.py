"""The containers of a task-definition form: one editor per container definition."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ._container_lifecycle import KEYS as LIFECYCLE_KEYS
from ._container_lifecycle import ContainerLifecycle
from ._container_logs import ContainerLogs
from ._fields import Field, slug
from ._loaded_values import LoadedValues
from ._port_mappings import PortMappingRow, small_button, text_input

# Keys this editor shows as inputs; any other key of a loaded container is kept as it was.
SHOWN_KEYS = (
    "name",
    "image",
    *LIFECYCLE_KEYS,
    "command",
    "entryPoint",
    "portMappings",
    "environment",
    "logConfiguration",
    "cpu",
    "memory",
    "memoryReservation",
)
# The container's resource limits: (key, label, placeholder).
LIMITS = (
    ("cpu", "CPU units", "e.g. 256 (optional)"),
    ("memory", "Memory hard limit", "e.g. 512 (MiB, optional)"),
    ("memoryReservation", "Memory soft limit", "e.g. 256 (MiB, optional)"),
)


class ContainerEditor:
    """One container definition: name, image, essential, command, entry point, ports, env, logs."""

    def __init__(self, form: Any, container: dict[str, Any] | None = None) -> None:
        self.form = form
        self.given = container
        self.loaded = LoadedValues()
        container = container or {}
        self.extra = {k: v for k, v in container.items() if k not in SHOWN_KEYS}
        self.name = text_input(container.get("name", ""), "web")
        self.image = text_input(
            container.get("image", ""),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:36",
            "460px",
        )
        self.lifecycle = ContainerLifecycle(form, container)
        self.essential = self.lifecycle.essential
        self.command = text_input(
            _join(container.get("command")), "/usr/local/my-app/entrypoint.sh"
        )
        self.entry_point = text_input(_join(container.get("entryPoint")), "sh -c")
        self.environment = widgets.Textarea(
            value="\n".join(
                f"{item.get('name', '')}={item.get('value', '')}"
                for item in container.get("environment") or []
            ),
            placeholder="NAME=value, one a line",
            layout={"width": "460px", "height": "60px"},
        )
        self.logs = ContainerLogs(form, container)
        # the inputs a user (and the tests) reach on the editor itself
        self.log_on, self.log_group = self.logs.on, self.logs.group
        self.create_group = self.logs.create_group

        self.remove = small_button("Remove container", "ecskit-remove-container")
        self.up = small_button("↑", "ecskit-move-up", "Move up")
        self.down = small_button("↓", "ecskit-move-down", "Move down")
        self.add_port_button = small_button("Add port mapping", "ecskit-add-port")
        self.remove.on_click(lambda _: form.remove_container(self))
        self.up.on_click(lambda _: form.move_container(self, -1))
        self.down.on_click(lambda _: form.move_container(self, +1))
        self.add_port_button.on_click(lambda _: self.add_port())
        self.ports: list[PortMappingRow] = []
        self.ports_box = widgets.VBox()
        self.heading = widgets.HTML()

        self.anchor = Field("")
        self.f_name = Field("", self.name, label="Container name", name="container-name")
        self.f_image = Field(
            "",
            self.image,
            label="Image URI",
            help="e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:36 (36 is its tag)",
            name="image",
        )
        self.f_command = Field(
            "",
            self.command,
            label="Command",
            help="Words as a shell splits them, e.g. /usr/local/my-app/entrypoint.sh --port 80",
            name="command",
        )
        self.f_entry = Field("", self.entry_point, label="Entry point", name="entry-point")
        self.f_ports = Field(
            "",
            self.ports_box,
            label="Port mappings",
            name="port-mappings",
            extra=[self.add_port_button],
        )
        self.f_env = Field("", self.environment, label="Environment", name="environment")
        self.f_log = self.logs.field
        self.limits = {
            key: text_input(str(container.get(key, "")), hint, "160px") for key, _, hint in LIMITS
        }
        self.limit_fields = {
            key: Field("", self.limits[key], label=label, name=f"container-{key}")
            for key, label, _ in LIMITS
        }
        self.box = widgets.VBox()
        self.box.add_class("ecskit-section")
        self.box.add_class("ecskit-container")
        for mapping in container.get("portMappings") or []:
            self.add_port(mapping, quiet=True)
        form.watch(
            self.name,
            self.image,
            self.command,
            self.entry_point,
            self.environment,
            *self.logs.inputs(),
            *self.limits.values(),
        )

    # --- paths and layout ---------------------------------------------------------------

    def repath(self, index: int) -> None:
        self.index = index
        base = f"containerDefinitions[{index}]"
        self.path = base
        self.anchor.path = base
        for field, key in (
            (self.f_name, "name"),
            (self.f_image, "image"),
            *zip(self.lifecycle.fields, LIFECYCLE_KEYS, strict=True),
            (self.f_command, "command"),
            (self.f_entry, "entryPoint"),
            (self.f_ports, "portMappings"),
            (self.f_env, "environment"),
            (self.f_log, "logConfiguration"),
            *((field, key) for key, field in self.limit_fields.items()),
        ):
            old = f"ecskit-field-{slug(field.path)}" if field.path else ""
            if old:
                field.box.remove_class(old)
            field.path = f"{base}.{key}"
            field.box.add_class(f"ecskit-field-{slug(field.path)}")
        for number, row in enumerate(self.ports):
            row.repath(f"{base}.portMappings[{number}]")
        self.box.remove_class(f"ecskit-container-{getattr(self, '_css_index', index)}")
        self.box.add_class(f"ecskit-container-{index}")
        self._css_index = index

    def render(self, host_allowed: bool) -> None:
        self.heading.value = f"<b>Container {self.index + 1}</b>"
        for row in self.ports:
            row.render(host_allowed)
        self.ports_box.children = [row.box for row in self.ports]
        self.logs.render()
        self.box.children = [
            widgets.HBox([self.heading, self.up, self.down, self.remove]),
            self.anchor.box,
            self.f_name.box,
            self.f_image.box,
            *(field.box for field in self.lifecycle.fields),
            self.f_command.box,
            self.f_entry.box,
            self.f_ports.box,
            self.f_env.box,
            self.f_log.box,
            *(field.box for field in self.limit_fields.values()),
        ]

    def fields(self) -> list[Field]:
        own = [
            self.anchor,
            self.f_name,
            self.f_image,
            *self.lifecycle.fields,
            self.f_command,
            self.f_entry,
            self.f_ports,
            self.f_env,
            self.f_log,
            *self.limit_fields.values(),
        ]
        return own + [field for row in self.ports for field in row.fields()]

    # --- actions ------------------------------------------------------------------------

    def add_port(
        self, mapping: dict[str, Any] | None = None, quiet: bool = False
    ) -> PortMappingRow:
        row = PortMappingRow(self, mapping)
        self.ports.append(row)
        self.form.watch(*row.inputs())
        if not quiet:
            self.form.containers_changed()
        return row

    def remove_port(self, row: PortMappingRow) -> None:
        self.ports.remove(row)
        self.form.containers_changed()

    def follow_family(self, old_family: str, family: str) -> None:
        self.logs.follow_family(old_family, family)

    # --- request ------------------------------------------------------------------------

    def build(self, host_allowed: bool) -> dict[str, Any]:
        form = self.form
        body: dict[str, Any] = {
            "name": self.name.value.strip(),
            "image": self.image.value.strip(),
        }
        self.lifecycle.build(self.path, body)
        for key, widget, label in (
            ("command", self.command, "Command"),
            ("entryPoint", self.entry_point, "Entry point"),
        ):
            words = _split(
                widget.value,
                lambda m, k=key, lb=label: form.bad(
                    f"{self.path}.{k}", f"{lb}: {m}. Close the quote or remove it."
                ),
            )
            if words:
                body[key] = words
        for key, label, _ in LIMITS:
            number = form.integer(self.limits[key].value, f"{self.path}.{key}", label)
            if number is not None:
                body[key] = number
        if self.ports:
            body["portMappings"] = [row.build(form, host_allowed) for row in self.ports]
        environment = []
        for number, line in enumerate(self.environment.value.splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip():
                form.bad(
                    f"{self.path}.environment",
                    f"Environment line {number} ({line.strip()!r}) needs the form NAME=value.",
                )
                continue
            environment.append({"name": name.strip(), "value": value})
        if environment:
            body["environment"] = environment
        self.logs.build(body)
        body.update(self.extra)
        return self.loaded.keep(body, self.shown(host_allowed))

    def shown(self, host_allowed: bool) -> dict[str, Any]:
        """Each container key this editor's inputs make, with those inputs' values."""
        shown = {
            "name": self.name.value,
            "image": self.image.value,
            **self.lifecycle.shown(),
            "command": self.command.value,
            "entryPoint": self.entry_point.value,
            # a port's host port is sent or not by the network mode
            "portMappings": (
                host_allowed,
                tuple(tuple(item.value for item in row.inputs()) for row in self.ports),
            ),
            "environment": self.environment.value,
            "logConfiguration": self.logs.shown(),
        }
        return shown | {key: self.limits[key].value for key, _, _ in LIMITS}

    def remember_loaded(self, host_allowed: bool) -> None:
        """Keep the loaded container's own values until the user changes their inputs."""
        if self.given is not None:
            self.loaded.remember(self.given, self.shown(host_allowed))

    def log_group_to_create(self) -> str | None:
        return self.logs.group_to_create()


def _join(words: list[str] | None) -> str:
    return shlex.join(words) if words else ""


def _split(text: str, complain: Callable[[str], None]) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as error:
        complain(str(error))
        return []
