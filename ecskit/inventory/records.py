"""Typed records of one snapshot: the fields a picture or a table needs, plus the API's own JSON.

Each record keeps `raw`, the dict the describe call answered, so details are never lost; the
typed fields are what ecskit reads. `key` is a stable id (an ARN, or an id where there is none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

# ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]; REPO may contain slashes.
ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[a-z0-9._/-]+?)(?::(?P<tag>[\w.-]+)|@(?P<digest>sha256:[0-9a-f]+))?$"
)


def last_part(arn: str) -> str:
    """`arn:...:service/cluster/name` -> `name`; an id stays as it is."""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1] if arn.startswith("arn:") else arn


@dataclass
class Record:
    """Common to every record: what kind of resource it is, its key and its API JSON."""

    kind: ClassVar[str] = "resource"
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> str:
        return str(getattr(self, "arn", "") or getattr(self, "id", "") or getattr(self, "name", ""))

    def row(self) -> dict[str, Any]:
        """One table row: the typed fields, without raw and without nested lists of records."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            if name == "raw":
                continue
            value = getattr(self, name)
            if isinstance(value, list) and value and isinstance(value[0], Record):
                value = ", ".join(getattr(v, "name", v.key) for v in value)
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            out[name] = value
        return out


@dataclass
class Cluster(Record):
    kind: ClassVar[str] = "cluster"
    arn: str = ""
    name: str = ""
    status: str = ""
    capacity_providers: list[str] = field(default_factory=list)
    namespace_arn: str | None = None


@dataclass
class Service(Record):
    kind: ClassVar[str] = "service"
    arn: str = ""
    name: str = ""
    cluster_arn: str = ""
    status: str = ""
    task_definition: str = ""
    desired_count: int = 0
    running_count: int = 0
    pending_count: int = 0
    launch_type: str = ""
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    load_balancer_names: list[str] = field(default_factory=list)
    registries: list[str] = field(default_factory=list)
    namespace: str | None = None
    role_arn: str | None = None
    deployment_controller: str = "ECS"
    # revisions of its other (ACTIVE) deployments: old tasks still running during a rollout
    older_revisions: list[str] = field(default_factory=list)
    capacity_providers: list[str] = field(default_factory=list)
    # DescribeServices' currentServiceDeployment and currentServiceRevisions (absent before 2024)
    current_deployment: str | None = None
    current_revisions: list[str] = field(default_factory=list)
    traffic_shifts: list[TrafficShift] = field(default_factory=list)
    # resourceManagementType: "ECS" for an Express service (botocore's Service shape)
    managed_by: str = ""
    deployment_alarms: list[str] = field(default_factory=list)  # alarm names


@dataclass(frozen=True)
class TrafficShift:
    """One of a service's `loadBalancers[]` with `advancedConfiguration`: during a blue/green,
    linear or canary deployment the blue revision is behind `target_group` and the green one
    behind `alternate_target_group` ("A primary target group for the blue service revision
    (current production traffic); an alternate target group for the green service revision",
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html).
    """

    target_group: str
    alternate_target_group: str
    production_listener_rule: str | None = None
    test_listener_rule: str | None = None

    def __str__(self) -> str:
        return f"{last_part(self.target_group)} / {last_part(self.alternate_target_group)}"


@dataclass
class ServiceRevision(Record):
    """What a service runs, recorded by ECS at each deployment; counts from DescribeServices."""

    kind: ClassVar[str] = "service revision"
    arn: str = ""
    service_arn: str = ""
    cluster_arn: str = ""
    task_definition: str = ""  # "" until known
    requested_count: int = 0
    running_count: int = 0
    pending_count: int = 0

    @property
    def name(self) -> str:
        return last_part(self.arn)


@dataclass
class ServiceDeployment(Record):
    """A service's live deployment (DescribeServiceDeployments): from source revisions to a
    target revision, with the traffic each is asked to serve (0.0 to 100.0) while it shifts."""

    kind: ClassVar[str] = "service deployment"
    arn: str = ""
    service_arn: str = ""
    cluster_arn: str = ""
    status: str = ""
    status_reason: str = ""
    stage: str = ""  # lifecycleStage, absent on rolling deployments
    target_revision: str = ""
    source_revisions: list[str] = field(default_factory=list)
    rollback_revision: str | None = None
    production_weights: dict[str, float] = field(default_factory=dict)
    test_weights: dict[str, float] = field(default_factory=dict)
    # production listener rule (or NLB listener) -> {target group: weight}, as ELB forwards now
    forwards: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return last_part(self.arn)


@dataclass
class TaskSet(Record):
    """One set of a service's tasks under an EXTERNAL or CODE_DEPLOY deployment controller."""

    kind: ClassVar[str] = "task set"
    arn: str = ""
    id: str = ""
    service_arn: str = ""
    cluster_arn: str = ""
    status: str = ""
    task_definition: str = ""
    launch_type: str = ""
    running_count: int = 0
    desired_count: int = 0
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.id or last_part(self.arn)


@dataclass
class Task(Record):
    kind: ClassVar[str] = "task"
    arn: str = ""
    cluster_arn: str = ""
    task_definition_arn: str = ""
    last_status: str = ""
    desired_status: str = ""
    group: str = ""
    started_by: str = ""
    launch_type: str = ""
    container_instance_arn: str | None = None
    capacity_provider: str | None = None
    network_interfaces: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return last_part(self.arn)

    @property
    def service_name(self) -> str | None:
        """The service that started it, from its group ("service:NAME")."""
        return self.group[len("service:") :] if self.group.startswith("service:") else None


@dataclass
class ContainerInstance(Record):
    kind: ClassVar[str] = "container instance"
    arn: str = ""
    cluster_arn: str = ""
    ec2_instance_id: str = ""
    status: str = ""
    running_tasks: int = 0
    capacity_provider: str | None = None  # capacityProviderName: Managed Instances, an ASG's


@dataclass
class Ec2Instance(Record):
    """The EC2 instance under a container instance (EC2, Managed Instances; none for ECS
    Anywhere's external instances, whose ids start with `mi-`)."""

    kind: ClassVar[str] = "EC2 instance"
    id: str = ""
    type: str = ""
    state: str = ""
    subnet_id: str = ""


@dataclass
class CapacityProvider(Record):
    kind: ClassVar[str] = "capacity provider"
    name: str = ""
    arn: str = ""
    status: str = ""
    type: str = ""
    auto_scaling_group_arn: str | None = None
    # managedInstancesProvider: what ECS launches Managed Instances with
    infrastructure_role: str | None = None
    instance_profile: str | None = None
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)


@dataclass
class Container(Record):
    """One container definition of a revision. Its label is its name and image, never its env."""

    kind: ClassVar[str] = "container"
    name: str = ""
    image: str = ""
    log_group: str | None = None
    log_region: str | None = None
    repository: str | None = None
    repository_account: str | None = None
    repository_region: str | None = None
    tag: str | None = None


@dataclass
class Revision(Record):
    kind: ClassVar[str] = "revision"
    arn: str = ""
    family: str = ""
    revision: int = 0
    status: str = ""
    task_role_arn: str | None = None
    execution_role_arn: str | None = None
    network_mode: str | None = None
    compatibilities: list[str] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.family}:{self.revision}"


@dataclass
class Family(Record):
    kind: ClassVar[str] = "task definition"
    name: str = ""
    revisions: list[str] = field(default_factory=list)
    active: int = 0
    inactive: int = 0


@dataclass
class Policy(Record):
    kind: ClassVar[str] = "policy"
    name: str = ""
    arn: str | None = None
    inline: bool = False
    role: str = ""

    @property
    def key(self) -> str:
        return self.arn or f"{self.role}/inline/{self.name}"


@dataclass
class Role(Record):
    kind: ClassVar[str] = "role"
    arn: str = ""
    name: str = ""
    path: str = "/"
    visible: bool = True
    policies: list[Policy] = field(default_factory=list)


@dataclass
class Repository(Record):
    kind: ClassVar[str] = "ECR repository"
    arn: str = ""
    name: str = ""
    uri: str = ""


@dataclass
class LogGroup(Record):
    kind: ClassVar[str] = "log group"
    name: str = ""
    arn: str = ""
    visible: bool = True

    @property
    def key(self) -> str:
        return f"log-group:{self.name}"


@dataclass
class Vpc(Record):
    kind: ClassVar[str] = "VPC"
    id: str = ""
    cidr: str = ""
    name: str = ""


@dataclass
class Subnet(Record):
    kind: ClassVar[str] = "subnet"
    id: str = ""
    vpc_id: str = ""
    availability_zone: str = ""
    cidr: str = ""
    name: str = ""


@dataclass
class SecurityGroup(Record):
    kind: ClassVar[str] = "security group"
    id: str = ""
    name: str = ""
    vpc_id: str = ""


@dataclass
class LoadBalancer(Record):
    kind: ClassVar[str] = "load balancer"
    arn: str = ""
    name: str = ""
    type: str = ""
    vpc_id: str = ""
    dns_name: str = ""


@dataclass
class TargetGroup(Record):
    kind: ClassVar[str] = "target group"
    arn: str = ""
    name: str = ""
    vpc_id: str = ""
    target_type: str = ""
    load_balancer_arns: list[str] = field(default_factory=list)


@dataclass
class Namespace(Record):
    kind: ClassVar[str] = "namespace"
    id: str = ""
    arn: str = ""
    name: str = ""
    type: str = ""


@dataclass
class DiscoveryService(Record):
    kind: ClassVar[str] = "Cloud Map service"
    id: str = ""
    arn: str = ""
    name: str = ""
    namespace_id: str | None = None


def parse_image(image: str) -> dict[str, str | None]:
    """The ECR parts of an image URI, or {} for images from elsewhere (Docker Hub, ...)."""
    found = ECR_IMAGE.match(image or "")
    if not found:
        return {}
    return {
        "repository": found["repository"],
        "repository_account": found["account"],
        "repository_region": found["region"],
        "tag": found["tag"] or found["digest"],
    }
