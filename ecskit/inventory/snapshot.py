"""`snapshot()`: one pass over an account (or one cluster) and the resources it links to."""

from __future__ import annotations

import time
from typing import Any

from . import records as r
from .account import Inventory
from .crawl import BATCH, WORKERS, Batches, Crawl, chunks, in_notebook
from .linked import Linked

SERVICE_LINKED_PATH = "/aws-service-role/ecs.amazonaws.com/"


def snapshot(
    session: Any,
    cluster: str | None = None,
    *,
    progress: bool | None = None,
    workers: int = WORKERS,
    page_size: int | None = None,
) -> Inventory:
    """Everything ECS runs in this account (or in `cluster`), and what it links to.

    Args:
        session: an `ecskit.connect()` session.
        cluster: a cluster name or ARN to look at only that cluster (and the revisions it uses).
        progress: show a progress bar; by default only in a notebook.
        workers: how many calls run at once.
        page_size: ask for smaller pages than the APIs allow (to exercise paging).

    A permission or an API this endpoint lacks never fails the snapshot: what could not be seen
    is listed in `inventory.notes`.
    """
    started = time.perf_counter()
    inventory = Inventory(region=session.region, cluster=cluster)
    bar = None
    if progress or (progress is None and in_notebook()):
        from tqdm.auto import tqdm

        bar = tqdm(total=0, desc="ecskit snapshot", unit="call", leave=False)
    crawl = Crawl(session, inventory, workers, bar, page_size)
    try:
        ecs = EcsPass(crawl, cluster)
        ecs.start()
        crawl.run()
        ecs.finish()
        crawl.run()
        for step in (ecs.linked.network_first, ecs.linked.network_second):
            step()
            crawl.run()
        ecs.linked.network_third()
        crawl.run()
    finally:
        crawl.close()
    _families(inventory)
    inventory.calls = crawl.calls
    inventory.seconds = time.perf_counter() - started
    return inventory


class EcsPass:
    """Clusters, their services, tasks and instances; revisions; namespaces; repositories."""

    def __init__(self, crawl: Crawl, cluster: str | None) -> None:
        self.crawl = crawl
        self.inv = crawl.inv
        self.cluster = cluster
        self.linked = Linked(crawl)
        self.revisions_asked: set[str] = set()

    def start(self) -> None:
        crawl = self.crawl
        if self.cluster:
            self.describe_clusters([self.cluster])
        else:
            clusters = Batches(BATCH["DescribeClusters"], self.describe_clusters)
            crawl.pages(
                "ECS clusters", "ecs", "ListClusters", "clusterArns", clusters.add, clusters.done
            )
            for status in ("ACTIVE", "INACTIVE"):
                crawl.pages(
                    f"{status} task definitions", "ecs", "ListTaskDefinitions",
                    "taskDefinitionArns", self.describe_revisions, status=status,
                )  # fmt: skip
        crawl.pages(
            "Cloud Map namespaces", "servicediscovery", "ListNamespaces", "Namespaces",
            self.add_namespaces,
        )  # fmt: skip
        crawl.pages(
            "Cloud Map services", "servicediscovery", "ListServices", "Services",
            self.add_discovery_services,
        )  # fmt: skip
        crawl.pages(
            "ECR repositories", "ecr", "DescribeRepositories", "repositories",
            self.add_repositories,
        )  # fmt: skip
        crawl.pages(
            "the ECS service-linked role", "iam", "ListRoles", "Roles", self.linked.listed_role,
            PathPrefix=SERVICE_LINKED_PATH,
        )  # fmt: skip

    def finish(self) -> None:
        """What the first pass named but did not fetch: revisions in use, roles, registries."""
        used = {s.task_definition for s in self.inv.services}
        used |= {
            d["taskDefinition"] for s in self.inv.services for d in s.raw.get("deployments", [])
        }
        used |= {t.task_definition_arn for t in self.inv.tasks}
        self.describe_revisions(sorted(used - {""}))
        for service in self.inv.services:
            self.linked.role(service.role_arn)
        registries = {x for s in self.inv.services for x in s.registries}
        for arn in sorted(registries):
            known = self.inv.discovery_services.get(arn)
            if known is None or known.namespace_id is None:
                self.crawl.request(
                    "Cloud Map service of a service registry", "servicediscovery", "GetService",
                    self.add_discovery_service_details, Id=r.last_part(arn),
                )  # fmt: skip
        # The capacity providers the clusters use (asking for all of them is not answered by
        # every endpoint, and one unattached to a cluster runs nothing).
        names = sorted({n for c in self.inv.clusters for n in c.capacity_providers})
        for name in names:
            self.inv.capacity_providers.add(r.CapacityProvider(name=name))
        for batch in chunks(names, BATCH["DescribeCapacityProviders"]):
            self.crawl.request(
                    "capacity providers", "ecs", "DescribeCapacityProviders",
                    self.add_capacity_providers, capacityProviders=batch,
                )  # fmt: skip

    # -- clusters and what is in them ------------------------------------------------------
    def describe_clusters(self, arns: list[str]) -> None:
        for batch in chunks(arns, BATCH["DescribeClusters"]):
            self.crawl.request(
                "ECS clusters", "ecs", "DescribeClusters", self.add_clusters, clusters=batch,
                include=["SETTINGS", "STATISTICS", "TAGS"],
            )  # fmt: skip

    def add_clusters(self, answer: dict[str, Any]) -> None:
        for failure in answer.get("failures", []):
            self.crawl.note(f"cluster {failure.get('arn')}: {failure.get('reason')}")
        for item in answer.get("clusters", []):
            namespace = (item.get("serviceConnectDefaults") or {}).get("namespace")
            cluster = self.inv.clusters.add(
                r.Cluster(
                    raw=item,
                    arn=item["clusterArn"],
                    name=item.get("clusterName", ""),
                    status=item.get("status", ""),
                    capacity_providers=list(item.get("capacityProviders", [])),
                    namespace_arn=namespace,
                )
            )
            if self.cluster:
                self.inv.cluster = cluster.name
            self.look_inside(cluster)

    def look_inside(self, cluster: r.Cluster) -> None:
        crawl, arn, name = self.crawl, cluster.arn, cluster.name
        services = self.batches(arn, "DescribeServices", "services", self.add_services, 1)
        crawl.pages(
            f"services of cluster {name}", "ecs", "ListServices", "serviceArns",
            services.add, services.done, cluster=arn,
        )  # fmt: skip
        # RUNNING and STOPPED tasks are two lists; one set of batches describes both
        tasks = self.batches(arn, "DescribeTasks", "tasks", self.add_tasks, 2)
        for status in ("RUNNING", "STOPPED"):
            crawl.pages(
                f"{status} tasks of cluster {name}", "ecs", "ListTasks", "taskArns",
                tasks.add, tasks.done, cluster=arn, desiredStatus=status,
            )  # fmt: skip
        instances = self.batches(
            arn, "DescribeContainerInstances", "containerInstances", self.add_instances, 1
        )
        crawl.pages(
            f"container instances of cluster {name}", "ecs", "ListContainerInstances",
            "containerInstanceArns", instances.add, instances.done, cluster=arn,
        )  # fmt: skip

    def batches(self, cluster: str, operation: str, param: str, then: Any, lists: int) -> Batches:
        extra = {"include": ["TAGS"]} if operation in ("DescribeServices", "DescribeTasks") else {}

        def describe(batch: list[str]) -> None:
            self.crawl.request(
                f"ECS {param}", "ecs", operation, then, cluster=cluster, **{param: batch}, **extra
            )

        return Batches(BATCH[operation], describe, lists)

    def add_services(self, answer: dict[str, Any]) -> None:
        for item in answer.get("services", []):
            vpc = (item.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
            balancers = item.get("loadBalancers", [])
            connect = _service_connect(item)
            self.inv.services.add(
                r.Service(
                    raw=item,
                    arn=item["serviceArn"],
                    name=item.get("serviceName", ""),
                    cluster_arn=item.get("clusterArn", ""),
                    status=item.get("status", ""),
                    task_definition=item.get("taskDefinition", ""),
                    desired_count=item.get("desiredCount", 0),
                    running_count=item.get("runningCount", 0),
                    pending_count=item.get("pendingCount", 0),
                    launch_type=item.get("launchType", ""),
                    subnets=list(vpc.get("subnets", [])),
                    security_groups=list(vpc.get("securityGroups", [])),
                    target_groups=[
                        b["targetGroupArn"] for b in balancers if b.get("targetGroupArn")
                    ],
                    load_balancer_names=[
                        b["loadBalancerName"] for b in balancers if b.get("loadBalancerName")
                    ],
                    registries=[x["registryArn"] for x in item.get("serviceRegistries", [])],
                    namespace=connect.get("namespace") if connect.get("enabled") else None,
                    role_arn=item.get("roleArn"),
                )
            )

    def add_tasks(self, answer: dict[str, Any]) -> None:
        for item in answer.get("tasks", []):
            enis, subnets = [], []
            for attachment in item.get("attachments", []):
                details = {d.get("name"): d.get("value") for d in attachment.get("details", [])}
                if details.get("networkInterfaceId"):
                    enis.append(details["networkInterfaceId"])
                if details.get("subnetId"):
                    subnets.append(details["subnetId"])
            self.inv.tasks.add(
                r.Task(
                    raw=item,
                    arn=item["taskArn"],
                    cluster_arn=item.get("clusterArn", ""),
                    task_definition_arn=item.get("taskDefinitionArn", ""),
                    last_status=item.get("lastStatus", ""),
                    desired_status=item.get("desiredStatus", ""),
                    group=item.get("group", ""),
                    started_by=item.get("startedBy", ""),
                    launch_type=item.get("launchType", ""),
                    container_instance_arn=item.get("containerInstanceArn"),
                    network_interfaces=enis,
                    subnets=subnets,
                )
            )

    def add_instances(self, answer: dict[str, Any]) -> None:
        for item in answer.get("containerInstances", []):
            self.inv.container_instances.add(
                r.ContainerInstance(
                    raw=item,
                    arn=item["containerInstanceArn"],
                    cluster_arn=_cluster_of(item["containerInstanceArn"]),
                    ec2_instance_id=item.get("ec2InstanceId", ""),
                    status=item.get("status", ""),
                    running_tasks=item.get("runningTasksCount", 0),
                )
            )

    def add_capacity_providers(self, answer: dict[str, Any]) -> None:
        for item in answer.get("capacityProviders", []):
            self.inv.capacity_providers._records.pop(item.get("name", ""), None)
            self.inv.capacity_providers.add(
                r.CapacityProvider(
                    raw=item,
                    name=item.get("name", ""),
                    arn=item.get("capacityProviderArn", ""),
                    status=item.get("status", ""),
                    auto_scaling_group_arn=(item.get("autoScalingGroupProvider") or {}).get(
                        "autoScalingGroupArn"
                    ),
                )
            )

    # -- task definitions ------------------------------------------------------------------
    def describe_revisions(self, arns: list[str]) -> None:
        for arn in arns:
            if arn in self.revisions_asked:
                continue
            self.revisions_asked.add(arn)
            self.crawl.request(
                f"task definition {r.last_part(arn)}", "ecs", "DescribeTaskDefinition",
                self.add_revision, taskDefinition=arn, include=["TAGS"],
            )  # fmt: skip

    def add_revision(self, answer: dict[str, Any]) -> None:
        item = answer.get("taskDefinition") or {}
        containers = []
        for c in item.get("containerDefinitions", []):
            log = c.get("logConfiguration") or {}
            options = log.get("options") or {} if log.get("logDriver") == "awslogs" else {}
            container = r.Container(
                raw=c,
                name=c.get("name", ""),
                image=c.get("image", ""),
                log_group=options.get("awslogs-group"),
                log_region=options.get("awslogs-region"),
                **r.parse_image(c.get("image", "")),  # type: ignore[arg-type]
            )
            containers.append(container)
            self.linked.log_group(container.log_group, container.log_region)
        revision = self.inv.revisions.add(
            r.Revision(
                raw=item,
                arn=item["taskDefinitionArn"],
                family=item.get("family", ""),
                revision=item.get("revision", 0),
                status=item.get("status", ""),
                task_role_arn=item.get("taskRoleArn"),
                execution_role_arn=item.get("executionRoleArn"),
                network_mode=item.get("networkMode"),
                compatibilities=list(item.get("requiresCompatibilities", [])),
                containers=containers,
            )
        )
        self.linked.role(revision.task_role_arn)
        self.linked.role(revision.execution_role_arn)

    # -- account-level neighbours ----------------------------------------------------------
    def add_namespaces(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.inv.namespaces.add(
                r.Namespace(
                    raw=item,
                    id=item["Id"],
                    arn=item.get("Arn", ""),
                    name=item.get("Name", ""),
                    type=item.get("Type", ""),
                )
            )

    def add_discovery_services(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.inv.discovery_services.add(
                r.DiscoveryService(
                    raw=item,
                    id=item["Id"],
                    arn=item.get("Arn", ""),
                    name=item.get("Name", ""),
                    namespace_id=item.get("NamespaceId"),
                )
            )

    def add_discovery_service_details(self, answer: dict[str, Any]) -> None:
        item = answer.get("Service") or {}
        known = self.inv.discovery_services.get(item.get("Arn", ""))
        if known is None:
            self.add_discovery_services([item])
        else:
            known.raw, known.namespace_id = item, item.get("NamespaceId")

    def add_repositories(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.inv.repositories.add(
                r.Repository(
                    raw=item,
                    arn=item.get("repositoryArn", ""),
                    name=item.get("repositoryName", ""),
                    uri=item.get("repositoryUri", ""),
                )
            )


def _cluster_of(arn: str) -> str:
    """`arn:aws:ecs:R:A:container-instance/CLUSTER/ID` -> the cluster's ARN."""
    head, _, rest = arn.partition(":container-instance/")
    parts = rest.split("/")
    return f"{head}:cluster/{parts[0]}" if len(parts) == 2 else ""


def _families(inventory: Inventory) -> None:
    by_family: dict[str, list[r.Revision]] = {}
    for revision in inventory.revisions:
        by_family.setdefault(revision.family, []).append(revision)
    for name in sorted(by_family):
        revisions = sorted(by_family[name], key=lambda x: x.revision)
        inventory.families.add(
            r.Family(
                name=name,
                revisions=[x.arn for x in revisions],
                active=sum(x.status == "ACTIVE" for x in revisions),
                inactive=sum(x.status == "INACTIVE" for x in revisions),
            )
        )


def _service_connect(service: dict[str, Any]) -> dict[str, Any]:
    """A service's Service Connect settings: ECS answers them in its deployments (the PRIMARY
    one is what runs), not at the service's top level."""
    deployments = service.get("deployments") or []
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    found = (primary or {}).get("serviceConnectConfiguration")
    return found or service.get("serviceConnectConfiguration") or {}
