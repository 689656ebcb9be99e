"""What ServiceForm and RunTaskForm share: where tasks run, which revision, how they connect."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .. import console
from ._fields import Field
from ._form import Form

LAUNCH_CHOICES = [
    ("Launch type: AWS Fargate", "FARGATE"),
    ("Launch type: Amazon EC2", "EC2"),
    ("Launch type: External (ECS Anywhere)", "EXTERNAL"),
]
PROVIDER = "provider:"


def _rows(options: Any) -> int:
    """A list tall enough to show every choice (and so every selected one), up to 15."""
    return max(2, min(len(options), 15))


class DeploymentForm(Form):
    """Cluster, launch type or capacity provider, family + ACTIVE revision, awsvpc networking."""

    def __init__(self, session: Any = None, task_definition: str | None = None) -> None:
        super().__init__(session)
        self._described: dict[str, dict[str, Any]] = {}
        self._quiet = False
        self.cluster = widgets.Dropdown(options=[], layout={"width": "300px"})
        self.launch = widgets.Dropdown(options=LAUNCH_CHOICES, value="FARGATE")
        self.family = widgets.Dropdown(options=[], layout={"width": "300px"})
        self.revision = widgets.Dropdown(options=[], layout={"width": "300px"})
        # "vpc-0123456789abcdef0 172.31.0.0/16 (default)" whole
        self.vpc = widgets.Dropdown(options=[], layout={"width": "420px"})
        self.subnets = widgets.SelectMultiple(options=[], layout={"width": "420px"})
        self.security_groups = widgets.SelectMultiple(options=[], layout={"width": "420px"})
        self.public_ip = widgets.Checkbox(value=True, description="Public IP", indent=False)
        self.network_box = widgets.VBox()
        self.cluster_field = Field("cluster", self.cluster, label="Cluster")
        # botocore CreateServiceRequest.launchType and API_CapacityProviderStrategyItem.html
        self.launch_field = Field(
            "launchType",
            self.launch,
            label="Compute options",
            help="Managed Instances and Fargate Spot need a capacity provider strategy; FARGATE "
            "and FARGATE_SPOT must be associated with the cluster before a strategy uses them.",
            name="launch-type",
        )
        self.strategy_field = Field("capacityProviderStrategy", None, name="capacity-providers")
        self.family_field = Field("", self.family, label="Task definition family", name="family")
        self.revision_field = Field(
            "taskDefinition", self.revision, label="Revision (ACTIVE)", name="revision"
        )
        self.network_fields = [
            Field("networkConfiguration", None, name="network"),
            Field("", self.vpc, label="VPC", name="vpc"),
            Field(
                "networkConfiguration.awsvpcConfiguration.subnets",
                self.subnets,
                label="Subnets",
                name="subnets",
            ),
            Field(
                "networkConfiguration.awsvpcConfiguration.securityGroups",
                self.security_groups,
                label="Security groups",
                name="security-groups",
            ),
            Field(
                "networkConfiguration.awsvpcConfiguration.assignPublicIp",
                self.public_ip,
                label="Public IP",
                name="public-ip",
            ),
        ]
        self.network_box.children = [field.box for field in self.network_fields]
        self.cluster.observe(self._cluster_changed, names="value")
        self.family.observe(self._family_changed, names="value")
        self.vpc.observe(self._vpc_changed, names="value")
        self.watch(self.launch, self.revision, self.subnets, self.security_groups, self.public_ip)
        self.revision.observe(lambda _: self._network_shown(), names="value")
        self._wanted = task_definition

    def start(self) -> None:
        """Fill the lists from the account (subclasses call it once their fields exist)."""
        with self.holding():
            self.refresh_lists()
            if self._wanted:
                self.choose_revision(self._wanted)

    # --- lists from the account ----------------------------------------------------------

    def refresh_lists(self) -> None:
        s = self.session
        clusters = self.read(lambda: console.cluster_names(s), [])
        families = self.read(lambda: [row["family"] for row in console.families(s)], [])
        vpcs = self.read(lambda: s.ec2.describe_vpcs()["Vpcs"], [], "list VPCs")
        with self.holding():
            self._quiet = True  # each list's follow-up runs once, below
            try:
                self._keep(self.cluster, [(name, name) for name in clusters])
                self._keep(self.family, [(name, name) for name in families])
                self._keep(
                    self.vpc,
                    [
                        (
                            f"{v['VpcId']} {v.get('CidrBlock', '')}"
                            + (" (default)" if v.get("IsDefault") else ""),
                            v["VpcId"],
                        )
                        for v in vpcs
                    ],
                )
            finally:
                self._quiet = False
            self._cluster_changed()
            self._family_changed()
            self._vpc_changed()

    @staticmethod
    def _keep(dropdown: widgets.Dropdown, options: list[tuple[str, Any]]) -> None:
        current = dropdown.value
        dropdown.options = options
        values = [value for _, value in options]
        if current in values:
            dropdown.value = current
        elif values:
            dropdown.value = values[0]

    def _cluster_changed(self, _: Any = None) -> None:
        if self._quiet:
            return
        providers: list[str] = []
        if self.cluster.value:
            described = self.read(
                lambda: self.session.ecs.describe_clusters(clusters=[self.cluster.value])[
                    "clusters"
                ],
                [],
                f"read cluster {self.cluster.value}",
            )
            providers = list(described[0].get("capacityProviders") or []) if described else []
        with self.holding():
            self._keep(
                self.launch,
                LAUNCH_CHOICES + [(f"Capacity provider: {p}", PROVIDER + p) for p in providers],
            )

    def _family_changed(self, _: Any = None) -> None:
        if self._quiet:
            return
        rows = []
        if self.family.value:
            rows = self.read(
                lambda: console.revisions(self.session, self.family.value, "ACTIVE"), []
            )
        with self.holding():
            self._keep(self.revision, [(row["name"], row["name"]) for row in rows])
            self._network_shown()

    def _vpc_changed(self, _: Any = None) -> None:
        if self._quiet:
            return
        ec2, vpc = self.session.ec2, self.vpc.value
        where = [{"Name": "vpc-id", "Values": [vpc]}] if vpc else []
        subnets, groups = [], []
        if vpc:
            subnets = self.read(
                lambda: ec2.describe_subnets(Filters=where)["Subnets"], [], "list subnets"
            )
            groups = self.read(
                lambda: ec2.describe_security_groups(Filters=where)["SecurityGroups"],
                [],
                "list security groups",
            )
        with self.holding():
            for select, options in (
                (
                    self.subnets,
                    [
                        (f"{s['SubnetId']} {s.get('AvailabilityZone', '')}", s["SubnetId"])
                        for s in subnets
                    ],
                ),
                (
                    self.security_groups,
                    [(f"{g['GroupId']} {g.get('GroupName', '')}", g["GroupId"]) for g in groups],
                ),
            ):
                kept = tuple(v for v in select.value if v in [value for _, value in options])
                select.options = options
                select.value = kept
                select.rows = _rows(options)
            if not self.subnets.value:  # as the console does: every subnet of the VPC
                self.subnets.value = tuple(v for _, v in self.subnets.options)
            if not self.security_groups.value and groups:
                default = [g["GroupId"] for g in groups if g.get("GroupName") == "default"]
                self.security_groups.value = tuple(default[:1])

    def choose_revision(self, name: str) -> None:
        """Select `family:N` (or a family's latest ACTIVE revision)."""
        family = name.rsplit(":", 1)[0] if ":" in name else name
        with self.holding():
            if family not in [v for _, v in self.family.options]:
                self.family.options = [*self.family.options, (family, family)]
            self.family.value = family
            self._family_changed()
            values = [v for _, v in self.revision.options]
            if ":" in name and name not in values:
                self.revision.options = [*self.revision.options, (name, name)]
            if ":" in name:
                self.revision.value = name

    def described(self) -> dict[str, Any] | None:
        """The chosen revision's description (read once), for the rules and the network fields."""
        name = self.revision.value
        if not name:
            return None
        if name not in self._described:
            found = self.read(lambda: console.describe_task_definition(self.session, name), None)
            if found is None:
                return None
            self._described[name] = found
        return self._described[name]

    def _network_shown(self) -> None:
        described = self.described() or {}
        awsvpc = described.get("networkMode") == "awsvpc"
        self.network_box.layout.display = "" if awsvpc else "none"

    # --- the request ---------------------------------------------------------------------

    def validate_options(self) -> dict[str, Any]:
        return {"task_definition": self.described()}

    def placement(self) -> dict[str, Any]:
        """cluster, launchType or capacityProviderStrategy, taskDefinition, networkConfiguration."""
        body: dict[str, Any] = {"cluster": self.cluster.value or ""}
        choice = str(self.launch.value or "")
        if choice.startswith(PROVIDER):
            body["capacityProviderStrategy"] = [
                {"capacityProvider": choice[len(PROVIDER) :], "weight": 1}
            ]
        else:
            body["launchType"] = choice
        body["taskDefinition"] = self.revision.value or self.family.value or ""
        if not body["cluster"]:
            self.bad("cluster", "Choose a cluster (create one with ecskit.ClusterForm first).")
        if not body["taskDefinition"]:
            self.bad("taskDefinition", "Choose a task definition family and an ACTIVE revision.")
        elif (self.described() or {}).get("status") == "INACTIVE":
            self.bad(
                "taskDefinition",
                f"{body['taskDefinition']} is INACTIVE (deregistered): it can't run new tasks or "
                "services. Choose an ACTIVE revision, or register a new one.",
            )
        if (self.described() or {}).get("networkMode") == "awsvpc":
            body["networkConfiguration"] = {
                "awsvpcConfiguration": {
                    "subnets": list(self.subnets.value),
                    "securityGroups": list(self.security_groups.value),
                    "assignPublicIp": "ENABLED" if self.public_ip.value else "DISABLED",
                }
            }
        return body

    def load_placement(self, body: dict[str, Any]) -> None:
        if body.get("cluster"):
            name = console.resource_name(str(body["cluster"]))
            if name not in [v for _, v in self.cluster.options]:
                self.cluster.options = [*self.cluster.options, (name, name)]
            self.cluster.value = name
        strategy = body.get("capacityProviderStrategy")
        wanted = body.get("launchType")
        if strategy:
            wanted = PROVIDER + str(strategy[0].get("capacityProvider", ""))
        if wanted:
            # one the list lacks is offered anyway: the rules then say what is wrong with it
            if wanted not in [v for _, v in self.launch.options]:
                self.launch.options = [*self.launch.options, (wanted, wanted)]
            self.launch.value = wanted
        if body.get("taskDefinition"):
            self.choose_revision(console.resource_name(str(body["taskDefinition"])))
        vpc = (body.get("networkConfiguration") or {}).get("awsvpcConfiguration")
        if vpc:
            subnets = vpc.get("subnets") or []
            found = self.read(
                lambda: self.session.ec2.describe_subnets(SubnetIds=subnets)["Subnets"],
                [],
                "read the subnets",
            )
            if found:
                self.vpc.value = found[0]["VpcId"]
            for select, values in (
                (self.subnets, subnets),
                (self.security_groups, vpc.get("securityGroups") or []),
            ):
                known = [v for _, v in select.options]
                select.options = list(select.options) + [(v, v) for v in values if v not in known]
                select.value = tuple(values)
                select.rows = _rows(select.options)
            self.public_ip.value = vpc.get("assignPublicIp") == "ENABLED"

    def placement_fields(self) -> list[Field]:
        return [
            self.cluster_field,
            self.launch_field,
            self.strategy_field,
            self.family_field,
            self.revision_field,
            *self.network_fields,
        ]
