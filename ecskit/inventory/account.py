"""`Inventory`: everything one snapshot saw, as tables of typed records, plus how it was seen."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from html import escape

from .records import (
    CapacityProvider,
    Cluster,
    ContainerInstance,
    DiscoveryService,
    Ec2Instance,
    Family,
    LoadBalancer,
    LogGroup,
    Namespace,
    Record,
    Repository,
    Revision,
    Role,
    SecurityGroup,
    Service,
    ServiceDeployment,
    ServiceRevision,
    Subnet,
    TargetGroup,
    Task,
    TaskSet,
    Vpc,
)
from .scaling_records import Alarm, ExpressService, ScalableTarget, ScalingPolicy
from .tables import Table


@dataclass
class Inventory:
    """One snapshot of an account (or one cluster).

    Tables: `clusters`, `services`, `service_revisions`, `service_deployments` (deployments
    under way), `tasks`, `task_sets`, `container_instances`,
    `capacity_providers`, `families`, `revisions`, `roles`, `repositories`, `log_groups`,
    `vpcs`, `subnets`, `security_groups`, `load_balancers`, `target_groups`, `namespaces`,
    `discovery_services`; where the account has them, `ec2_instances` (under container
    instances), `scalable_targets`, `scaling_policies`, `alarms` and `express_services`.
    `notes` says what could not be seen and why; `calls` counts API calls by operation.
    """

    region: str = ""
    cluster: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    clusters: Table[Cluster] = field(default_factory=partial(Table, "clusters"))
    services: Table[Service] = field(default_factory=partial(Table, "services"))
    service_revisions: Table[ServiceRevision] = field(
        default_factory=partial(Table, "service revisions")
    )
    service_deployments: Table[ServiceDeployment] = field(
        default_factory=partial(Table, "service deployments")
    )
    tasks: Table[Task] = field(default_factory=partial(Table, "tasks"))
    task_sets: Table[TaskSet] = field(default_factory=partial(Table, "task sets"))
    container_instances: Table[ContainerInstance] = field(
        default_factory=partial(Table, "container instances")
    )
    capacity_providers: Table[CapacityProvider] = field(
        default_factory=partial(Table, "capacity providers")
    )
    families: Table[Family] = field(default_factory=partial(Table, "task definition families"))
    revisions: Table[Revision] = field(default_factory=partial(Table, "task definition revisions"))
    roles: Table[Role] = field(default_factory=partial(Table, "IAM roles"))
    repositories: Table[Repository] = field(default_factory=partial(Table, "ECR repositories"))
    log_groups: Table[LogGroup] = field(default_factory=partial(Table, "log groups"))
    vpcs: Table[Vpc] = field(default_factory=partial(Table, "VPCs"))
    subnets: Table[Subnet] = field(default_factory=partial(Table, "subnets"))
    security_groups: Table[SecurityGroup] = field(default_factory=partial(Table, "security groups"))
    load_balancers: Table[LoadBalancer] = field(default_factory=partial(Table, "load balancers"))
    target_groups: Table[TargetGroup] = field(default_factory=partial(Table, "target groups"))
    namespaces: Table[Namespace] = field(default_factory=partial(Table, "namespaces"))
    discovery_services: Table[DiscoveryService] = field(
        default_factory=partial(Table, "Cloud Map services")
    )
    ec2_instances: Table[Ec2Instance] = field(default_factory=partial(Table, "EC2 instances"))
    scalable_targets: Table[ScalableTarget] = field(
        default_factory=partial(Table, "scalable targets")
    )
    scaling_policies: Table[ScalingPolicy] = field(
        default_factory=partial(Table, "scaling policies")
    )
    alarms: Table[Alarm] = field(default_factory=partial(Table, "CloudWatch alarms"))
    express_services: Table[ExpressService] = field(
        default_factory=partial(Table, "Express services")
    )
    _tasks_by_service: tuple[int, dict[tuple[str, str | None], list[Task]]] = field(
        default=(-1, {}), repr=False, compare=False
    )

    TABLES = (
        "clusters",
        "services",
        "service_revisions",
        "service_deployments",
        "tasks",
        "task_sets",
        "container_instances",
        "capacity_providers",
        "families",
        "revisions",
        "roles",
        "repositories",
        "log_groups",
        "vpcs",
        "subnets",
        "security_groups",
        "load_balancers",
        "target_groups",
        "namespaces",
        "discovery_services",
        "ec2_instances",
        "scalable_targets",
        "scaling_policies",
        "alarms",
        "express_services",
    )

    def tables(self) -> dict[str, Table]:  # type: ignore[type-arg]
        return {name: getattr(self, name) for name in self.TABLES}

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def find(self, key: str) -> Record | None:
        """The record with this key (ARN, id, or `log-group:NAME`) in any table."""
        for table in self.tables().values():
            found = table._records.get(key)
            if found is not None:
                return found
        return None

    def services_in(self, cluster: Cluster | str) -> list[Service]:
        arn = cluster.arn if isinstance(cluster, Cluster) else cluster
        return [s for s in self.services if s.cluster_arn == arn]

    def tasks_of(self, service: Service) -> list[Task]:
        """The tasks a service started (its group is "service:NAME" in the same cluster)."""
        return list(self._task_index().get((service.cluster_arn, service.name), []))

    def standalone_tasks(self, cluster: Cluster | str) -> list[Task]:
        arn = cluster.arn if isinstance(cluster, Cluster) else cluster
        names = {s.name for s in self.services_in(arn)}
        return [t for t in self.tasks if t.cluster_arn == arn and t.service_name not in names]

    def _task_index(self) -> dict[tuple[str, str | None], list[Task]]:
        # rebuilt when the task table changes size (a picture asks once per service)
        if self._tasks_by_service[0] != len(self.tasks):
            index: dict[tuple[str, str | None], list[Task]] = {}
            for task in self.tasks:
                index.setdefault((task.cluster_arn, task.service_name), []).append(task)
            self._tasks_by_service = (len(self.tasks), index)
        return self._tasks_by_service[1]

    def summary(self) -> dict[str, int]:
        # task sets exist only under EXTERNAL and CODE_DEPLOY controllers, service revisions
        # and deployments only where the endpoint answers them: counted when there are
        optional = ("task_sets", "service_revisions", "service_deployments", *self.TABLES[-5:])
        return {
            name: len(table)
            for name, table in self.tables().items()
            if len(table) or name not in optional
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.summary().items() if n)
        scope = f"cluster {self.cluster}" if self.cluster else "account"
        return (
            f"<ecskit.Inventory of the {scope} in {self.region}: {counts or 'nothing'}; "
            f"{self.total_calls} API calls in {self.seconds:.2f} s; {len(self.notes)} notes>"
        )

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{escape(getattr(self, k).title)}</td><td>{n}</td></tr>"
            for k, n in self.summary().items()
        )
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        scope = f"cluster {self.cluster}" if self.cluster else "account"
        return (
            f'<div class="ecskit-inventory"><b>Inventory of the {escape(scope)} in '
            f"{escape(self.region)}</b> — {self.total_calls} API calls in {self.seconds:.2f} s"
            f"<table>{cells}</table>"
            + (f"<p>Not visible:</p><ul>{notes}</ul>" if notes else "")
            + "</div>"
        )
