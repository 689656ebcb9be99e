"""One port mapping of a container: container port, host port where allowed, protocol."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._fields import Field


def text_input(value: str = "", placeholder: str = "", width: str = "360px") -> widgets.Text:
    return widgets.Text(value=value, placeholder=placeholder, layout={"width": width})


def small_button(description: str, css: str, tooltip: str = "") -> widgets.Button:
    button = widgets.Button(description=description, tooltip=tooltip, layout={"width": "auto"})
    button.add_class(css)
    return button


class PortMappingRow:
    """One port mapping: container port, host port (where the network mode allows), protocol."""

    def __init__(self, editor: Any, mapping: dict[str, Any] | None = None) -> None:
        mapping = mapping or {}
        self.editor = editor
        self.container_port = text_input(str(mapping.get("containerPort", "")), "80", "90px")
        self.host_port = text_input(str(mapping.get("hostPort", "")), "(dynamic)", "90px")
        protocol = mapping.get("protocol", "tcp")
        self.protocol = widgets.Dropdown(
            # a protocol ECS lacks is kept, for the rules to point at
            options=sorted({"tcp", "udp", protocol}),
            value=protocol,
            layout={"width": "80px"},
        )
        self.extra = {
            k: v for k, v in mapping.items() if k not in ("containerPort", "hostPort", "protocol")
        }
        self.remove = small_button("✕", "ecskit-remove-port", "Remove this port mapping")
        self.remove.on_click(lambda _: editor.remove_port(self))
        self.host_label = widgets.HTML("host port")
        self.anchor = Field("")
        self.container_field = Field("", self.container_port, name="container-port")
        self.host_field = Field("", self.host_port, name="host-port")
        self.box = widgets.VBox()
        self.box.add_class("ecskit-port-mapping")
        self.repath("")

    def repath(self, path: str) -> None:
        self.path = path
        self.anchor.path = path
        self.container_field.path = f"{path}.containerPort"
        self.host_field.path = f"{path}.hostPort"

    def render(self, host_allowed: bool) -> None:
        host = [self.host_label, self.host_field.box] if host_allowed else []
        self.box.children = [
            widgets.HBox(
                [
                    widgets.HTML("container port"),
                    self.container_field.box,
                    *host,
                    self.protocol,
                    self.remove,
                ]
            ),
            self.anchor.box,
        ]

    def build(self, form: Any, host_allowed: bool) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        port = form.integer(
            self.container_port.value, f"{self.path}.containerPort", "Container port"
        )
        if port is not None:
            mapping["containerPort"] = port
        if host_allowed and self.host_port.value.strip():
            host = form.integer(self.host_port.value, f"{self.path}.hostPort", "Host port")
            if host is not None:
                mapping["hostPort"] = host
        mapping["protocol"] = self.protocol.value
        mapping.update(self.extra)
        return mapping

    def fields(self) -> list[Field]:
        return [self.anchor, self.container_field, self.host_field]

    def inputs(self) -> list[widgets.Widget]:
        return [self.container_port, self.host_port, self.protocol]
