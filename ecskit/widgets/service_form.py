"""ServiceForm: keep N copies of a revision running in a cluster; scale or delete it after."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import console, ops, scaling
from ..rules import volume_configuration
from ._deployment import DeploymentForm
from ._fields import Field
from ._managed_instances_fields import fit_rows
from ._scaling_fields import ScalingSection
from ._strategy_fields import StrategySection
from ._volume_fields import VolumeSection

# botocore CreateServiceRequest.availabilityZoneRebalancing: "For create service requests, when
# no value is specified for AvailabilityZoneRebalancing, Amazon ECS defaults the value to ENABLED."
REBALANCING = [("ENABLED (ECS's default for new services)", "ENABLED"), ("DISABLED", "DISABLED")]


class ServiceForm(DeploymentForm):
    """The console's "Create service": `form.body` is the CreateService request.

    After creating, `scale(n)` and `delete()` act on the service; `on_create(callback)` is
    called with the created service's description.
    """

    kind = "service"
    operation = "create_service"
    submit_label = "Create service"
    submit_class = "ecskit-create"
    title = "Service"

    def __init__(self, session: Any = None, task_definition: str | None = None) -> None:
        super().__init__(session, task_definition)
        self.service_name = widgets.Text(placeholder="my-service", layout={"width": "300px"})
        self.desired = widgets.BoundedIntText(value=1, min=0, max=5000, layout={"width": "90px"})
        self.target_group = widgets.Dropdown(options=[("None", "")], layout={"width": "420px"})
        self.lb_container = widgets.Text(placeholder="container name")
        self.lb_port = widgets.BoundedIntText(value=80, min=1, max=65535, layout={"width": "90px"})
        self.namespace = widgets.Dropdown(options=[("None", "")], layout={"width": "300px"})
        # Service Connect, server side: the named port others reach, and the name and port they use
        self.connect_port_name = widgets.Dropdown(
            options=[("Client only", "")], layout={"width": "220px"}
        )
        self.connect_dns = widgets.Text(placeholder="DNS name, e.g. web", layout={"width": "220px"})
        self.connect_port = widgets.BoundedIntText(
            value=80, min=1, max=65535, layout={"width": "90px"}
        )
        self.connect_box = widgets.HBox(
            [
                widgets.HTML("available as"),
                self.connect_port_name,
                self.connect_dns,
                widgets.HTML("port"),
                self.connect_port,
            ]
        )
        self.scale_to = widgets.BoundedIntText(value=1, min=0, max=5000, layout={"width": "90px"})
        self.scale_button = widgets.Button(description="Scale")
        self.scale_button.add_class("ecskit-scale")
        self.scale_button.on_click(lambda _: self.scale(self.scale_to.value))
        self.delete_button = widgets.Button(description="Delete service", button_style="danger")
        self.delete_button.add_class("ecskit-delete-service")
        self.delete_button.on_click(lambda _: self.delete())
        self.rebalancing = widgets.Dropdown(
            options=REBALANCING, value="ENABLED", layout={"width": "300px"}
        )
        self.manage = widgets.HBox([self.scale_to, self.scale_button, self.delete_button])
        self.manage.layout.display = "none"
        self.fields = [
            *self.placement_fields(),
            Field("serviceName", self.service_name, label="Service name", name="service-name"),
            Field("desiredCount", self.desired, label="Desired tasks", name="desired-count"),
            Field(
                "loadBalancers",
                self.target_group,
                label="Target group",
                name="load-balancers",
                extra=[self.lb_container, self.lb_port],
            ),
            Field(
                "serviceConnectConfiguration",
                self.namespace,
                label="Service Connect",
                name="namespace",
            ),
            Field(
                "serviceConnectConfiguration.services",
                self.connect_box,
                label="Connect endpoint",
                help="To let other services connect to this one: a named port of the revision, "
                "and the DNS name and port they use (no DNS name: portName.namespace).",
                name="service-connect-endpoint",
            ),
        ]
        self.fields.append(
            Field(
                "availabilityZoneRebalancing",
                self.rebalancing,
                label="AZ rebalancing",
                help="ECS moves tasks to even out Availability Zones after an imbalance.",
                name="az-rebalancing",
            )
        )
        boxes = [field.box for field in self.fields]
        self.deployment = StrategySection(self)
        self.fields.extend(self.deployment.fields())
        self.scaling = ScalingSection(self)
        self.fields.extend(self.scaling.fields())
        self.volumes = VolumeSection(self)
        parts = [
            *boxes[:5],
            self.network_box,
            *boxes[10:],
            self.volumes.box,
            self.deployment.box,
            self.scaling.box,
            self.manage,
        ]
        # #16: a VPC label ends "(default)"; every chosen subnet in sight
        self.vpc.layout.width = "440px"
        for select in (self.subnets, self.security_groups):
            select.observe(lambda change: fit_rows(change["owner"]), names="options")
        self.layout_children(parts)
        self.field("serviceConnectConfiguration.services").box.layout.display = "none"
        self.watch(
            self.service_name,
            self.desired,
            self.target_group,
            self.lb_container,
            self.lb_port,
            self.namespace,
            self.connect_port_name,
            self.connect_dns,
            self.connect_port,
            self.rebalancing,
        )
        self.revision.observe(lambda _: self._port_names(), names="value")
        self.revision.observe(lambda _: self._volumes_follow(), names="value")
        self.namespace.observe(lambda _: self._connect_shown(), names="value")
        self.connect_port_name.observe(self._port_chosen, names="value")
        self._acted = False
        for widget in (self.service_name, self.desired, self.revision, self.family, self.cluster):
            widget.observe(self._acting, names="value")
        self.start()
        self.refresh_connections()
        self._port_names()
        self._volumes_follow()

    def on_create(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(service)` after the service is created."""
        self._on(callback, remove)

    def refresh_connections(self) -> None:
        groups = self.read(lambda: console.target_groups(self.session), [])
        spaces = self.read(lambda: console.namespaces(self.session), [])
        with self.holding():
            self._keep(
                self.target_group,
                [("None", "")] + [(g["name"], g["arn"]) for g in groups],
            )
            self._keep(self.namespace, [("None", "")] + [(n["name"], n["arn"]) for n in spaces])
            self.deployment.refresh_lists()

    def _connect_shown(self) -> None:
        shown = bool(self.namespace.value)
        self.field("serviceConnectConfiguration.services").box.layout.display = (
            "" if shown else "none"
        )

    def _named_ports(self) -> dict[str, int]:
        """The revision's named port mappings: {name: containerPort}."""
        return {
            str(mapping["name"]): int(mapping.get("containerPort") or 0)
            for container in (self.described() or {}).get("containerDefinitions") or []
            for mapping in container.get("portMappings") or []
            if mapping.get("name")
        }

    def _port_names(self) -> None:
        ports = self._named_ports()
        with self.holding():
            self._keep(
                self.connect_port_name, [("Client only", "")] + [(n, n) for n in sorted(ports)]
            )
            if self.connect_port_name.value not in ports:
                self.connect_port_name.value = ""
            self._connect_shown()

    def _port_chosen(self, _: Any = None) -> None:
        port = self._named_ports().get(self.connect_port_name.value)
        if port:
            self.connect_port.value = port

    def _acting(self, _: Any = None) -> None:
        if not self._hold and not self._acted:
            self._acted = True  # the user changed something: problems show from now on
            self.check()

    def _changed(self, _change: Any = None) -> None:
        if not self._hold:
            self._acted = True
        super()._changed(_change)

    def _volumes_follow(self) -> None:
        with self.holding():
            self.volumes.follow(self.described())

    def check(self) -> list[Any]:
        """As Form.check; until the user first acts, problems wait (Create stays off)."""
        problems = super().check()
        if not self._acted:
            for field in self.fields:
                field.problems_html.value = ""
                field.problems = []
                if field.widget is not None:
                    field.widget.remove_class("ecskit-invalid")
            self.top_problems.value = ""
        return problems

    def _on_submit(self, _: Any = None) -> None:
        self._acted = True
        super()._on_submit(_)

    def run_rules(self, body: dict[str, Any]) -> list[Any]:
        found = super().run_rules(body)
        found += volume_configuration.check(body, self.described())
        found += self.scaling.problems(self._scaling(), behind=bool(self.target_group.value))
        return found

    def _scaling(self) -> dict[str, Any] | None:
        return self.scaling.settings(self.target_group.value or "")

    def build(self) -> dict[str, Any]:
        body = self.placement()
        body["serviceName"] = self.service_name.value.strip()
        if not body["serviceName"]:
            self.bad("serviceName", "Service name is required: letters, numbers, - and _.")
        body["desiredCount"] = int(self.desired.value)
        if self.target_group.value:
            described = self.described() or {}
            first = (described.get("containerDefinitions") or [{}])[0].get("name", "")
            body["loadBalancers"] = [
                {
                    "targetGroupArn": self.target_group.value,
                    "containerName": self.lb_container.value.strip() or first,
                    "containerPort": int(self.lb_port.value),
                }
            ]
        self.deployment.request(body)
        body["availabilityZoneRebalancing"] = self.rebalancing.value
        self.volumes.request(body)
        self.scaling.preview(body["cluster"], body["serviceName"], self._scaling())
        if self.namespace.value:
            body["serviceConnectConfiguration"] = {
                "enabled": True,
                "namespace": self.namespace.value,
            }
            if self.connect_port_name.value:
                alias: dict[str, Any] = {"port": int(self.connect_port.value)}
                if self.connect_dns.value.strip():
                    alias["dnsName"] = self.connect_dns.value.strip()
                body["serviceConnectConfiguration"]["services"] = [
                    {"portName": self.connect_port_name.value, "clientAliases": [alias]}
                ]
        return body

    def fill(self, body: dict[str, Any]) -> None:
        with self.holding():
            self.load_placement(body)
            self.service_name.value = str(body.get("serviceName", ""))
            self.desired.value = int(body.get("desiredCount", 1))
            balancers = body.get("loadBalancers") or []
            if balancers:
                arn = balancers[0].get("targetGroupArn", "")
                if arn not in [v for _, v in self.target_group.options]:
                    self.target_group.options = [*self.target_group.options, (arn, arn)]
                self.target_group.value = arn
                self.lb_container.value = balancers[0].get("containerName", "")
                self.lb_port.value = int(balancers[0].get("containerPort", 80))
            self.deployment.fill(body.get("deploymentConfiguration") or {}, balancers)
            rebalancing = body.get("availabilityZoneRebalancing", "ENABLED")
            if rebalancing not in [v for _, v in REBALANCING]:  # kept; the model flags it
                self.rebalancing.options = [*REBALANCING, (str(rebalancing), rebalancing)]
            self.rebalancing.value = rebalancing
            self._volumes_follow()
            self.volumes.fill(body.get("volumeConfigurations") or [])
            connect = body.get("serviceConnectConfiguration") or {}
            if connect.get("namespace"):
                wanted = connect["namespace"]
                match = [v for label, v in self.namespace.options if wanted in (label, v)]
                if not match:
                    self.namespace.options = [*self.namespace.options, (wanted, wanted)]
                self.namespace.value = match[0] if match else wanted
            served = (connect.get("services") or [{}])[0]
            if served.get("portName"):
                name = served["portName"]
                if name not in [v for _, v in self.connect_port_name.options]:
                    self.connect_port_name.options = [*self.connect_port_name.options, (name, name)]
                self.connect_port_name.value = name
                alias = (served.get("clientAliases") or [{}])[0]
                self.connect_dns.value = str(alias.get("dnsName") or "")
                if alias.get("port"):
                    self.connect_port.value = int(alias["port"])

    def send_request(self, body: dict[str, Any]) -> Any:
        """CreateService, then its auto scaling; a refused scaling deletes the service again."""
        service = ops.create_service(self.session, body)
        settings = self._scaling()
        if settings is not None:
            cluster, name = service["clusterArn"], service["serviceName"]
            try:
                scaling.apply(self.session, cluster, name, settings)
            except ops.OpError as error:
                made: ops.Made = [
                    (f"the service {name}", lambda: ops.delete_service(self.session, cluster, name))
                ]
                raise ops.undone(
                    made, ops.OpError(error.message, error.code, "autoScaling")
                ) from None
        return service

    def done(self, answer: Any) -> str:
        self.manage.layout.display = ""
        self.scale_to.value = int(answer.get("desiredCount", 0))
        return (
            f'Created service <b class="ecskit-created">{escape(answer["serviceName"])}</b> '
            f"in {escape(self.cluster.value or '')} running {escape(self.revision.value or '')}."
        )

    def scale(self, desired: int) -> Any:
        """Set the created service's desired task count."""
        if not self.answer:
            self.show_error("Create the service first; then it can be scaled.")
            return None
        try:
            service = ops.scale_service(
                self.session, self.answer["clusterArn"], self.answer["serviceName"], desired
            )
        except ops.OpError as error:
            self.show_error(error.message)
            return None
        self.show_done(f"{escape(service['serviceName'])} now wants {desired} task(s).")
        return service

    def delete(self) -> Any:
        """Delete the created service (its tasks stop)."""
        if not self.answer:
            self.show_error("There is no created service to delete.")
            return None
        try:
            service = ops.delete_service(
                self.session, self.answer["clusterArn"], self.answer["serviceName"]
            )
        except ops.OpError as error:
            self.show_error(error.message)
            return None
        self.manage.layout.display = "none"
        self.show_done(f"Deleted {escape(service['serviceName'])}; its tasks are stopping.")
        return service
