"""`snapshot()`: one pass over an account (or one cluster) and the resources it links to."""

from __future__ import annotations

import time
from typing import Any

from . import readers
from . import records as r
from .account import Inventory
from .crawl import BATCH, WORKERS, Batches, Crawl, chunks, in_notebook
from .deployments import Deployments
from .linked import Linked
from .scaling import Scaling

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
        ecs.deployments.describe_more()  # answered beside the network's first step
        ecs.scaling.describe_alarms()
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
        self.scaling = Scaling(crawl, self.linked.role)
        self.deployments = Deployments(crawl, self._failures, self.describe_revisions)
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
            # every status ListTaskDefinitions filters by (botocore's TaskDefinitionStatus): a
            # revision being deleted (DeleteTaskDefinitions) is still there until it is gone
            for status in ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"):
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
        self.deployments.done()
        self.scaling.start()
        used = {s.task_definition for s in self.inv.services}
        used |= {x for s in self.inv.services for x in s.older_revisions}
        used |= {x.task_definition for x in self.inv.task_sets}
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
        names = {n for c in self.inv.clusters for n in c.capacity_providers}
        names |= {n for s in self.inv.services for n in s.capacity_providers}
        names |= {t.capacity_provider for t in self.inv.tasks if t.capacity_provider}
        names |= {i.capacity_provider for i in self.inv.container_instances if i.capacity_provider}
        for name in sorted(names):
            self.inv.capacity_providers.add(r.CapacityProvider(name=name))
        for batch in chunks(sorted(names), BATCH["DescribeCapacityProviders"]):
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
        self._failures("cluster", answer)
        for item in self.crawl.each("cluster", answer.get("clusters")):
            cluster = self.crawl.read("cluster", item, self._cluster)
            if cluster is None:
                continue
            if self.cluster:
                self.inv.cluster = cluster.name
            self.look_inside(cluster)

    def _cluster(self, item: dict[str, Any]) -> r.Cluster:
        arn = str(item["clusterArn"])
        namespace = (item.get("serviceConnectDefaults") or {}).get("namespace")
        return self.inv.clusters.add(
            r.Cluster(
                raw=item,
                arn=arn,
                name=str(item.get("clusterName") or readers.arn_resource(arn)[-1]),
                status=str(item.get("status", "")),
                capacity_providers=[str(x) for x in item.get("capacityProviders") or []],
                namespace_arn=namespace,
            )
        )

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
                f"ECS {param}", "ecs", operation, lambda answer: then(answer, cluster),
                cluster=cluster, **{param: batch}, **extra,
            )  # fmt: skip

        return Batches(BATCH[operation], describe, lists)

    def add_services(self, answer: dict[str, Any], cluster: str) -> None:
        self._failures("service", answer)
        for item in self.crawl.each("service", answer.get("services")):
            found = self.crawl.read("service", item, lambda x: readers.service(x, cluster))
            if found is None:
                continue
            service = self.inv.services.add(found)
            self.deployments.add(service, item)
            for raw in self.crawl.each(f"task set of service {service.name}", item.get("taskSets")):
                self.crawl.read(
                    f"task set of service {service.name}", raw,
                    lambda x, s=service: self.inv.task_sets.add(readers.task_set(x, s)),
                )  # fmt: skip

    def add_tasks(self, answer: dict[str, Any], cluster: str) -> None:
        self._failures("task", answer)
        for item in self.crawl.each("task", answer.get("tasks")):
            self.crawl.read("task", item, lambda x: self.inv.tasks.add(readers.task(x, cluster)))

    def add_instances(self, answer: dict[str, Any], cluster: str) -> None:
        self._failures("container instance", answer)
        for item in self.crawl.each("container instance", answer.get("containerInstances")):
            self.crawl.read(
                "container instance", item,
                lambda x: self.inv.container_instances.add(readers.container_instance(x, cluster)),
            )  # fmt: skip

    def add_capacity_providers(self, answer: dict[str, Any], retry: bool = True) -> None:
        failures = [f for f in self.crawl.each("capacity provider", answer.get("failures"))]
        missing = {r.last_part(str(f.get("arn", ""))) for f in failures}
        # A Managed Instances provider "becomes available only within the specified cluster"
        # (botocore's CreateCapacityProvider.cluster): asked again with its cluster.
        again = {
            c.arn: [n for n in c.capacity_providers if n in missing]
            for c in self.inv.clusters
            if retry and missing & set(c.capacity_providers)
        }
        if not again:
            self._failures("capacity provider", answer)
        for cluster, names in again.items():
            self.crawl.request(
                "capacity providers of a cluster", "ecs", "DescribeCapacityProviders",
                lambda answer: self.add_capacity_providers(answer, retry=False),
                capacityProviders=names, cluster=cluster,
            )  # fmt: skip
        for item in self.crawl.each("capacity provider", answer.get("capacityProviders")):
            found = self.crawl.read("capacity provider", item, readers.capacity_provider)
            if found is not None:
                self.inv.capacity_providers._records.pop(found.name, None)
                self.inv.capacity_providers.add(found)
                self.linked.role(found.infrastructure_role)

    def _failures(self, kind: str, answer: dict[str, Any]) -> None:
        """A describe's `failures`: what ECS could not describe, and why (MISSING, ...)."""
        for failure in self.crawl.each(f"{kind} failure", answer.get("failures")):
            reason = failure.get("reason") or "not described"
            detail = f" ({failure['detail']})" if failure.get("detail") else ""
            self.crawl.note(f"{kind} {failure.get('arn')}: {reason}{detail}")

    # -- task definitions ------------------------------------------------------------------
    def describe_revisions(self, arns: list[str]) -> None:
        for arn in arns:
            if arn in self.revisions_asked:
                continue
            self.revisions_asked.add(arn)
            self.crawl.request(
                f"task definition {readers.arn_resource(arn)[-1]}", "ecs", "DescribeTaskDefinition",
                lambda answer, asked=arn: self.add_revision(answer, asked),
                taskDefinition=arn, include=["TAGS"],
            )  # fmt: skip

    def add_revision(self, answer: dict[str, Any], asked: str) -> None:
        item = answer.get("taskDefinition")
        revision = self.crawl.read(
            f"task definition {readers.arn_resource(asked)[-1]}",
            item if isinstance(item, dict) else {},
            lambda x: self.inv.revisions.add(readers.revision(x, asked)),
        )  # fmt: skip
        if revision is None:
            return
        for container in revision.containers:
            self.linked.log_group(container.log_group, container.log_region)
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
