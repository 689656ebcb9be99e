"""ClusterForm: a cluster on Fargate, Managed Instances, EC2 instances or external ones."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import capacity, console, ops
from ._fields import Field
from ._form import Form
from ._managed_instances_fields import ManagedInstancesSection

INFRASTRUCTURE = [
    ("AWS Fargate (serverless)", "FARGATE"),
    ("Amazon ECS Managed Instances", "MANAGED_INSTANCES"),
    ("Amazon EC2 instances", "EC2"),
    ("External instances using ECS Anywhere", "EXTERNAL"),
]
EXPLAIN = {
    "FARGATE": "Serverless, pay as you go: no servers to manage, no capacity to plan.",
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html
    "MANAGED_INSTANCES": "EC2 instances AWS launches, patches and scales for your tasks, "
    "within the vCPU and memory ranges you set; a capacity provider of this cluster only.",
    "EC2": "You choose the instance type and how many; an Auto Scaling group (a new one, or "
    "one you have) is the capacity provider.",
    "EXTERNAL": "Register your own servers or VMs: ecskit makes an SSM activation with the "
    "cluster, then shows the registration command to run on each of them.",
}
# botocore ClusterSetting.value: "The supported values are enhanced, enabled, and disabled."
INSIGHTS = [
    ("Off (disabled)", "disabled"),
    ("Container Insights (enabled)", "enabled"),
    ("With enhanced observability (enhanced)", "enhanced"),
]
NEW_NAMESPACE = "__new__"
NEW_GROUP = ""


class ClusterForm(Form):
    """The console's "Create cluster": `form.body` is the CreateCluster request."""

    kind = "cluster"
    operation = "create_cluster"
    submit_label = "Create"
    submit_class = "ecskit-create"
    title = "Cluster"

    def __init__(self, session: Any = None) -> None:
        super().__init__(session)
        self.extra: dict[str, Any] = {}
        self.managed = ManagedInstancesSection(self)
        self.activation: dict[str, str] | None = None  # the last EXTERNAL cluster's
        self.name = widgets.Text(placeholder="my-cluster", layout={"width": "300px"})
        self.infrastructure = widgets.Dropdown(options=INFRASTRUCTURE, value="FARGATE")
        self.infra_help = widgets.HTML()
        self.instance_type = widgets.Text(value="t3.micro", layout={"width": "140px"})
        self.desired = widgets.BoundedIntText(value=1, min=0, max=1000, layout={"width": "80px"})
        self.minimum = widgets.BoundedIntText(value=0, min=0, max=1000, layout={"width": "80px"})
        self.maximum = widgets.BoundedIntText(value=2, min=0, max=1000, layout={"width": "80px"})
        self.insights = widgets.Dropdown(
            options=INSIGHTS, value="disabled", layout={"width": "300px"}
        )
        self.namespace = widgets.Dropdown(options=[("None", "")], layout={"width": "300px"})
        self.tags = widgets.Textarea(
            placeholder="key=value, one a line", layout={"width": "420px", "height": "60px"}
        )
        self.group = widgets.Dropdown(
            options=[("Create a new group", NEW_GROUP)], layout={"width": "300px"}
        )
        self.instances = widgets.BoundedIntText(
            value=1, min=1, max=capacity.ACTIVATION_INSTANCES[1], layout={"width": "80px"}
        )
        self.days = widgets.BoundedIntText(
            value=1, min=1, max=capacity.ACTIVATION_DAYS[1], layout={"width": "80px"}
        )
        self.registration = widgets.HTML()
        self.registration.add_class("ecskit-registration-command")
        self.new_group_box = widgets.HBox(
            [
                widgets.HTML("instance type"),
                self.instance_type,
                widgets.HTML("desired"),
                self.desired,
                widgets.HTML("min"),
                self.minimum,
                widgets.HTML("max"),
                self.maximum,
            ]
        )
        self.ec2_box = widgets.VBox(
            [widgets.HBox([widgets.HTML("Auto Scaling group"), self.group]), self.new_group_box]
        )
        self.external_box = widgets.HBox(
            [
                widgets.HTML("instances to register"),
                self.instances,
                widgets.HTML("activation valid for (days)"),
                self.days,
            ]
        )
        self.fields = [
            Field("clusterName", self.name, label="Cluster name", name="cluster-name"),
            Field(
                "capacityProviders",
                self.infrastructure,
                label="Infrastructure",
                name="infrastructure",
            ),
            Field(
                # not a CreateCluster key: the Auto Scaling group made before the cluster
                "ec2Capacity",
                self.ec2_box,
                label="EC2 capacity",
                name="ec2-capacity",
            ),
            # not CreateCluster keys: the Managed Instances capacity provider made after it
            *self.managed.fields,
            Field(
                # not a CreateCluster key: the SSM activation made with the cluster
                "externalInstances",
                self.external_box,
                label="External instances",
                help="How many servers may register with the activation, and until when.",
                name="external-instances",
            ),
            Field(
                "settings",
                self.insights,
                label="Container Insights",
                # cloudwatch-container-insights.html: metrics are charged as custom metrics
                help="CloudWatch metrics per cluster, service and task (extra cost); enhanced "
                "adds per-container detail.",
                name="container-insights",
            ),
            Field(
                "serviceConnectDefaults",
                self.namespace,
                label="Default namespace",
                # botocore CreateClusterRequest.serviceConnectDefaults: "only applies to
                # new services that set the enabled parameter to true"
                help="New services created with Service Connect turned on join it (Cloud Map); "
                "services without Service Connect do not.",
                name="namespace",
            ),
            Field("tags", self.tags, label="Tags", name="tags"),
        ]
        # the explanation under the choice, not beside it: a long one squeezed the label (#16)
        chosen = self.field("capacityProviders").box
        chosen.children = (chosen.children[0], self.infra_help, *chosen.children[1:])
        boxes = [field.box for field in self.fields if field not in self.managed.fields]
        self.layout_children([*boxes[:3], self.managed.box, *boxes[3:], self.registration])
        self.watch(
            self.name,
            self.instance_type,
            self.desired,
            self.minimum,
            self.maximum,
            self.group,
            self.instances,
            self.days,
            self.insights,
            self.namespace,
            self.tags,
        )
        self._groups_read = False
        self.infrastructure.observe(self._infrastructure_changed, names="value")
        self.group.observe(self._group_changed, names="value")
        with self.holding():
            self.refresh_namespaces()
            self._infrastructure_changed()

    def on_create(self, callback: Any, remove: bool = False) -> None:
        """Call `callback(cluster)` after the cluster is created."""
        self._on(callback, remove)

    def refresh_groups(self) -> None:
        """List the account's Auto Scaling groups under "Auto Scaling group"."""
        groups = self.read(lambda: console.auto_scaling_groups(self.session), [])
        current = self.group.value
        self.group.options = [("Create a new group", NEW_GROUP)] + [(g, g) for g in groups]
        self.group.value = current if current in groups else NEW_GROUP

    def _group_changed(self, _: Any = None) -> None:
        self.new_group_box.layout.display = "" if self.group.value == NEW_GROUP else "none"

    def refresh_namespaces(self) -> None:
        spaces = self.read(lambda: console.namespaces(self.session), [])
        current = self.namespace.value
        options = [("None", ""), ("Create one named like the cluster", NEW_NAMESPACE)]
        options += [(n["name"], n["name"]) for n in spaces]
        self.namespace.options = options
        self.namespace.value = current if current in [v for _, v in options] else ""

    def _infrastructure_changed(self, _: Any = None) -> None:
        kind = self.infrastructure.value
        self.infra_help.value = (
            f'<span style="color:#555;font-size:12px">{escape(EXPLAIN[kind])}</span>'
        )
        self.field("ec2Capacity").box.layout.display = "" if kind == "EC2" else "none"
        self.field("externalInstances").box.layout.display = "" if kind == "EXTERNAL" else "none"
        self.managed.box.layout.display = "" if kind == "MANAGED_INSTANCES" else "none"
        if kind == "MANAGED_INSTANCES" and not self.managed.wanted:
            self.managed.refresh_lists()  # read once, when first wanted
        if kind == "EC2" and not self._groups_read:
            self._groups_read = True  # read once, when first wanted (refresh_groups() re-reads)
            self.refresh_groups()
        self._changed()

    @property
    def provider_name(self) -> str:
        return f"{self.name.value.strip()}-ec2"

    def build(self) -> dict[str, Any]:
        name = self.name.value.strip()
        body: dict[str, Any] = {"clusterName": name}
        kind = self.infrastructure.value
        if kind == "FARGATE":
            body["capacityProviders"] = ["FARGATE", "FARGATE_SPOT"]
        elif kind == "EC2":
            body["capacityProviders"] = [self.provider_name]
            if self.group.value == NEW_GROUP:  # an existing group keeps its own sizes
                self._check_new_group()
        elif kind == "MANAGED_INSTANCES":
            self.managed.body(name)  # made after the cluster; its problems shown now
        body["settings"] = [{"name": "containerInsights", "value": self.insights.value}]
        namespace = self.namespace.value
        if namespace:
            body["serviceConnectDefaults"] = {
                "namespace": name if namespace == NEW_NAMESPACE else namespace
            }
        tags = []
        for number, line in enumerate(self.tags.value.splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                self.bad("tags", f"Tag line {number} ({line.strip()!r}) needs the form key=value.")
                continue
            tags.append({"key": key.strip(), "value": value.strip()})
        if tags:
            body["tags"] = tags
        body.update(self.extra)
        return body

    def _check_new_group(self) -> None:
        if not self.instance_type.value.strip():
            self.bad("ec2Capacity", "EC2 capacity needs an instance type, like t3.micro.")
        if not self.minimum.value <= self.desired.value <= self.maximum.value:
            self.bad(
                "ec2Capacity",
                "EC2 capacity: desired must be between min and max "
                f"(now min {self.minimum.value}, desired {self.desired.value}, "
                f"max {self.maximum.value}).",
            )

    def fill(self, body: dict[str, Any]) -> None:
        known = ("clusterName", "capacityProviders", "settings", "serviceConnectDefaults", "tags")
        with self.holding():
            self.extra = {k: v for k, v in body.items() if k not in known}
            self.name.value = str(body.get("clusterName", ""))
            providers = body.get("capacityProviders") or []
            if any(p not in ("FARGATE", "FARGATE_SPOT") for p in providers):
                self.infrastructure.value = "EC2"
            else:
                self.infrastructure.value = "FARGATE"
            settings = {s.get("name"): s.get("value") for s in body.get("settings") or []}
            insights = settings.get("containerInsights", "disabled")
            if insights not in [v for _, v in INSIGHTS]:  # kept as loaded; the rules flag it
                self.insights.options = [*INSIGHTS, (str(insights), insights)]
            self.insights.value = insights
            namespace = (body.get("serviceConnectDefaults") or {}).get("namespace", "")
            if namespace and namespace not in [v for _, v in self.namespace.options]:
                self.namespace.options = [*self.namespace.options, (namespace, namespace)]
            self.namespace.value = namespace
            self.tags.value = "\n".join(
                f"{t.get('key', '')}={t.get('value', '')}" for t in body.get("tags") or []
            )

    def send_request(self, body: dict[str, Any]) -> Any:
        """Namespace, capacity, cluster, activation in order; on a failure, what this submit
        made is removed again, newest first (nothing half-made)."""
        name = body["clusterName"]
        kind = self.infrastructure.value
        made: ops.Made = []
        self.activation = None
        try:
            if self.namespace.value == NEW_NAMESPACE:
                self._new_namespace(name, made)
            provider = None
            if kind == "EC2" and self.group.value != NEW_GROUP:
                provider = capacity.use_auto_scaling_group(self.session, name, self.group.value)
            elif kind == "EC2":
                provider = capacity.create_ec2_capacity(
                    self.session,
                    name,
                    instance_type=self.instance_type.value.strip(),
                    desired=self.desired.value,
                    minimum=self.minimum.value,
                    maximum=self.maximum.value,
                )
            if provider is not None:
                new_group = self.group.value == NEW_GROUP
                made.append(
                    (
                        f"the capacity provider {provider}",
                        lambda: capacity.delete_ec2_capacity(
                            self.session, provider, group=new_group
                        ),
                    )
                )
            cluster = ops.create_cluster(self.session, body)
            made.append((f"the cluster {name}", lambda: ops.delete_cluster(self.session, name)))
            if kind == "MANAGED_INSTANCES":
                made_provider = self.managed.create(self.managed.body(name))
                made.append(
                    (
                        f"the capacity provider {made_provider}",
                        lambda: self.managed.delete(made_provider),
                    )
                )
            if kind == "EXTERNAL":
                try:
                    self.activation = capacity.create_activation(
                        self.session, name, instances=self.instances.value, days=self.days.value
                    )
                except ops.OpError as error:
                    raise ops.OpError(error.message, error.code, "externalInstances") from None
        except ops.OpError as error:
            raise ops.undone(made, error) from None
        return cluster

    def _new_namespace(self, name: str, made: ops.Made) -> None:
        """Create the namespace named like the cluster; noted for undoing if this made it."""
        there = any(row["name"] == name for row in console.namespaces(self.session))
        namespace = ops.create_namespace(self.session, name)
        if not there:
            made.append(
                (
                    f"the namespace {name}",
                    lambda: ops.delete_namespace(self.session, namespace["id"]),
                )
            )

    def done(self, answer: Any) -> str:
        name = answer["clusterName"]
        if self.infrastructure.value == "EXTERNAL":
            command = capacity.registration_command(self.session, name, self.activation)
            self.registration.value = (
                f"<b>Register external instances</b> (up to {self.instances.value}, within "
                f"{self.days.value} day{'s' if self.days.value > 1 else ''}): run on each "
                f"server, as root:<pre>{escape(command)}</pre>"
            )
        self.refresh_namespaces()
        return f'Created cluster <b class="ecskit-created">{escape(name)}</b>.'
