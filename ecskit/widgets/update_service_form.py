"""UpdateServiceForm: a new revision, count, network or deployment settings for a service."""

from __future__ import annotations

import copy
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

DC = "deploymentConfiguration"
# botocore UpdateServiceRequest.availabilityZoneRebalancing: unset keeps the service's value
# ("If the service never had an AvailabilityZoneRebalancing value set, ... DISABLED")
REBALANCING = [("Keep the current setting", ""), ("ENABLED", "ENABLED"), ("DISABLED", "DISABLED")]


class UpdateServiceForm(DeploymentForm):
    """The console's "Update service": `form.body` is the UpdateService request.

    Choosing a service loads what it runs now; change the revision (ACTIVE ones only: ECS
    refuses to move a service to an INACTIVE revision), the desired count, the network, or how
    the deployment rolls (minimum healthy and maximum percent, the circuit breaker), then Update.
    """

    kind = "update-service"
    operation = "update_service"
    submit_label = "Update"
    submit_class = "ecskit-update-service"
    title = "Update service"

    def __init__(
        self, session: Any = None, cluster: str | None = None, service: str | None = None
    ) -> None:
        super().__init__(session)
        self._loading = False
        self._current: dict[str, Any] = {}
        self.service_choice = widgets.Dropdown(options=[], layout={"width": "300px"})
        self.desired = widgets.BoundedIntText(value=1, min=0, max=5000, layout={"width": "90px"})
        self.minimum_percent = widgets.BoundedIntText(
            value=100, min=0, max=100, layout={"width": "90px"}
        )
        self.maximum_percent = widgets.BoundedIntText(
            value=200, min=100, max=200, layout={"width": "90px"}
        )
        self.circuit_breaker = widgets.Checkbox(
            value=False, description="Circuit breaker", indent=False
        )
        self.rollback = widgets.Checkbox(
            value=False, description="Roll back on failure", indent=False
        )
        self.force = widgets.Checkbox(
            value=False, description="Force new deployment (same revision)", indent=False
        )
        self.rebalancing = widgets.Dropdown(
            options=REBALANCING, value="", layout={"width": "300px"}
        )
        self.fields = [
            self.cluster_field,
            Field("service", self.service_choice, label="Service", name="service"),
            self.family_field,
            self.revision_field,
            *self.network_fields,
            Field("desiredCount", self.desired, label="Desired tasks", name="desired-count"),
            Field(
                "deploymentConfiguration.minimumHealthyPercent",
                self.minimum_percent,
                label="Min running tasks %",
                help="Of the desired count, how many stay RUNNING during a deployment.",
                name="minimum-healthy-percent",
            ),
            Field(
                "deploymentConfiguration.maximumPercent",
                self.maximum_percent,
                label="Max running tasks %",
                help="Of the desired count, how many may run while old and new overlap.",
                name="maximum-percent",
            ),
            Field(
                "deploymentConfiguration.deploymentCircuitBreaker",
                self.circuit_breaker,
                label="Failure detection",
                name="circuit-breaker",
                extra=[self.rollback],
            ),
            Field("forceNewDeployment", self.force, label="Redeploy", name="force"),
            Field(
                "availabilityZoneRebalancing",
                self.rebalancing,
                label="AZ rebalancing",
                help="Changing it starts no new deployment.",
                name="az-rebalancing",
            ),
        ]
        boxes = [field.box for field in self.fields]
        network_count = len(self.network_fields)
        self.deployment = StrategySection(self)
        self.fields.extend(self.deployment.fields())
        self.scaling = ScalingSection(self)
        self.fields.extend(self.scaling.fields())
        self.volumes = VolumeSection(self)
        self._scaled: dict[str, Any] = {}  # the service's auto scaling as read
        self.layout_children(
            [
                *boxes[:4],
                self.network_box,
                self.volumes.box,
                *boxes[4 + network_count :],
                self.deployment.box,
                self.scaling.box,
            ]
        )
        self.deployment.strategy.observe(lambda _: self._breaker_shown(), names="value")
        # #16: a VPC label ends "(default)"; every chosen subnet in sight
        self.vpc.layout.width = "440px"
        for select in (self.subnets, self.security_groups):
            select.observe(lambda change: fit_rows(change["owner"]), names="options")
        self.watch(
            self.desired,
            self.minimum_percent,
            self.maximum_percent,
            self.circuit_breaker,
            self.rollback,
            self.force,
            self.rebalancing,
        )
        self.revision.observe(lambda _: self._volumes_follow(), names="value")
        self.service_choice.observe(self._service_changed, names="value")
        self.start()
        self.deployment.refresh_lists()
        if cluster:
            self.choose(cluster, service)

    def _breaker_shown(self) -> None:
        # deployment-failure-detection.html: the circuit breaker watches rolling and blue/green
        rolls = self.deployment.strategy.value in ("ROLLING", "BLUE_GREEN")
        self.field(f"{DC}.deploymentCircuitBreaker").box.layout.display = "" if rolls else "none"

    def on_update(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(service)` after the service is updated."""
        self._on(callback, remove)

    # --- choosing the service ------------------------------------------------------------

    def choose(self, cluster: str, service: str | None = None) -> None:
        """Select `cluster` (and `service` in it), loading the service's current settings."""
        with self.holding():
            name = console.resource_name(cluster)
            if name not in [v for _, v in self.cluster.options]:
                self.cluster.options = [*self.cluster.options, (name, name)]
            self.cluster.value = name
            self._cluster_changed()
            if service:
                wanted = console.resource_name(service)
                if wanted not in [v for _, v in self.service_choice.options]:
                    self.service_choice.options = [*self.service_choice.options, (wanted, wanted)]
                self.service_choice.value = wanted
                self._service_changed()

    def _cluster_changed(self, _: Any = None) -> None:
        super()._cluster_changed()
        if self._quiet or not hasattr(self, "service_choice"):
            return
        cluster = self.cluster.value
        names = []
        if cluster:
            names = self.read(lambda: console.service_names(self.session, cluster), [])
        with self.holding():
            self._keep(self.service_choice, [(name, name) for name in names])
            self._service_changed()

    def _service_changed(self, _: Any = None) -> None:
        if self._quiet or self._loading:
            return
        self._current = {}
        if self.cluster.value and self.service_choice.value:
            found = self.read(
                lambda: self.session.ecs.describe_services(
                    cluster=self.cluster.value, services=[self.service_choice.value]
                )["services"],
                [],
                f"read service {self.service_choice.value}",
            )
            self._current = found[0] if found else {}
        self._scaled = {}
        if self._current:
            self._scaled = self.read(
                lambda: scaling.current(
                    self.session, self.cluster.value, self.service_choice.value
                ),
                {},
            )
            self._loading = True
            try:
                self.load(_as_update(self._current))
                self.scaling.fill(self._scaled)
            finally:
                self._loading = False
        self._changed()

    def _volumes_follow(self) -> None:
        with self.holding():
            self.volumes.follow(self.described())

    def run_rules(self, body: dict[str, Any]) -> list[Any]:
        found = super().run_rules(body)
        found += volume_configuration.check(body, self.described())
        behind = bool(self._current.get("loadBalancers"))
        found += self.scaling.problems(self._scaling(), behind=behind)
        return found

    def _scaling(self) -> dict[str, Any] | None:
        groups = [b.get("targetGroupArn", "") for b in self._current.get("loadBalancers") or []]
        return self.scaling.settings(groups[0] if groups else "")

    # --- the request ---------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        placed = self.placement()
        # UpdateService keeps the service's compute (a launch type cannot be changed)
        placed.pop("launchType", None)
        placed.pop("capacityProviderStrategy", None)
        body = {"cluster": placed.pop("cluster"), "service": self.service_choice.value or ""}
        body.update(placed)
        if not body["service"]:
            self.bad("service", "Choose a service (create one with ecskit.ServiceForm first).")
        body["desiredCount"] = int(self.desired.value)
        body[DC] = {
            "minimumHealthyPercent": int(self.minimum_percent.value),
            "maximumPercent": int(self.maximum_percent.value),
        }
        if self.deployment.strategy.value in ("ROLLING", "BLUE_GREEN"):
            body[DC]["deploymentCircuitBreaker"] = {
                "enable": bool(self.circuit_breaker.value),
                "rollback": bool(self.circuit_breaker.value and self.rollback.value),
            }
        # the service's load balancers, sent again only when the traffic settings change them
        current = list(self._current.get("loadBalancers") or [])
        body["loadBalancers"] = copy.deepcopy(current)
        self.deployment.request(body)
        if body["loadBalancers"] == current:
            del body["loadBalancers"]
        if self.force.value:
            body["forceNewDeployment"] = True
        if self.rebalancing.value:
            body["availabilityZoneRebalancing"] = self.rebalancing.value
        self.volumes.request(body)
        self.scaling.preview(body["cluster"], body["service"], self._scaling())
        return body

    def fill(self, body: dict[str, Any]) -> None:
        with self.holding():
            if body.get("cluster"):
                name = console.resource_name(str(body["cluster"]))
                if self.cluster.value != name:
                    self.choose(name)
            if body.get("service"):
                wanted = console.resource_name(str(body["service"]))
                if wanted not in [v for _, v in self.service_choice.options]:
                    self.service_choice.options = [*self.service_choice.options, (wanted, wanted)]
                if self.service_choice.value != wanted:
                    self._loading = True
                    try:
                        self.service_choice.value = wanted
                    finally:
                        self._loading = False
            self.load_placement({k: v for k, v in body.items() if k != "cluster"})
            if "desiredCount" in body:
                self.desired.value = int(body["desiredCount"])
            config = body.get("deploymentConfiguration") or {}
            self.minimum_percent.value = int(config.get("minimumHealthyPercent", 100))
            self.maximum_percent.value = int(config.get("maximumPercent", 200))
            breaker = config.get("deploymentCircuitBreaker") or {}
            self.circuit_breaker.value = bool(breaker.get("enable"))
            self.rollback.value = bool(breaker.get("rollback"))
            balancers = body.get("loadBalancers") or self._current.get("loadBalancers")
            self.deployment.fill(config, balancers)
            self.force.value = bool(body.get("forceNewDeployment"))
            self.rebalancing.value = str(body.get("availabilityZoneRebalancing", ""))
            self._volumes_follow()
            self.volumes.fill(body.get("volumeConfigurations") or [])

    def send_request(self, body: dict[str, Any]) -> Any:
        """UpdateService, then the scaling: registered or changed when on, removed when off."""
        service = ops.update_service(self.session, body)
        settings, cluster, name = self._scaling(), body["cluster"], body["service"]
        try:
            if settings is not None and settings != self._scaled:
                scaling.apply(self.session, cluster, name, settings)
            elif settings is None and self._scaled:
                scaling.remove(self.session, cluster, name)
        except ops.OpError as error:
            raise ops.OpError(
                f"The service was updated, but not its auto scaling: {error.message}",
                error.code,
                "autoScaling",
            ) from None
        self._scaled = settings or {}
        return service

    def done(self, answer: Any) -> str:
        self.force.value = False  # a redeploy is asked for once
        primary = next(
            (d for d in answer.get("deployments") or [] if d.get("status") == "PRIMARY"), {}
        )
        revision = console.resource_name(str(answer.get("taskDefinition", "")))
        rollout = primary.get("rolloutState", "")
        return (
            f'Updated service <b class="ecskit-updated">{escape(answer["serviceName"])}</b>: '
            f"{escape(revision)}, {int(answer.get('desiredCount', 0))} task(s) wanted"
            + (f"; deployment {escape(rollout)}" if rollout else "")
            + "."
        )


def _as_update(service: dict[str, Any]) -> dict[str, Any]:
    """A DescribeServices answer as the UpdateService request that would keep it as it is."""
    body: dict[str, Any] = {
        "cluster": service.get("clusterArn", ""),
        "service": service.get("serviceName", ""),
        "taskDefinition": service.get("taskDefinition", ""),
        "desiredCount": service.get("desiredCount", 0),
    }
    if service.get("deploymentConfiguration"):
        body["deploymentConfiguration"] = service["deploymentConfiguration"]
    if service.get("networkConfiguration"):
        body["networkConfiguration"] = service["networkConfiguration"]
    if service.get("availabilityZoneRebalancing"):
        body["availabilityZoneRebalancing"] = service["availabilityZoneRebalancing"]
    primary = [d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"]
    if primary and primary[0].get("volumeConfigurations"):
        body["volumeConfigurations"] = primary[0]["volumeConfigurations"]
    return body
