"""One account made of every ECS resource AWS published in its examples, merged by ARN.

Each record is the published JSON as it was answered (never completed or corrected): a service
behind a Classic Load Balancer keeps its missing `rolloutState`, an old short ARN stays short.
The few things a record does not say itself — which cluster it is in — come from its ARN or
the command that answered it (`aws ecs list-tasks --cluster default`), else the `default`
cluster (ECS's own default when a call names none).

ARNs that only a List answer names have no description anywhere: they are served as the bare
ARN, so the snapshot meets records with every other field missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from published_answers import Answer, Published

# kind -> (the key that names a record, the output keys that hold one or a list of them)
KINDS = {
    "clusters": ("clusterArn", ("cluster", "clusters")),
    "services": ("serviceArn", ("service", "services")),
    "tasks": ("taskArn", ("task", "tasks")),
    "taskDefinitions": ("taskDefinitionArn", ("taskDefinition", "taskDefinitions")),
    "containerInstances": ("containerInstanceArn", ("containerInstance", "containerInstances")),
    "capacityProviders": ("capacityProviderArn", ("capacityProvider", "capacityProviders")),
    "taskSets": ("taskSetArn", ("taskSet", "taskSets")),
}
# List answers: operation -> (kind, output key)
LISTS = {
    "ListClusters": ("clusters", "clusterArns"),
    "ListServices": ("services", "serviceArns"),
    "ListTasks": ("tasks", "taskArns"),
    "ListTaskDefinitions": ("taskDefinitions", "taskDefinitionArns"),
    "ListContainerInstances": ("containerInstances", "containerInstanceArns"),
}
# ARN resource types whose long form names the cluster: `service/CLUSTER/NAME`
CLUSTER_SCOPED = ("service", "task", "container-instance", "task-set")


@dataclass
class Record:
    kind: str
    arn: str
    item: dict[str, Any]
    cluster: str = ""  # the ARN of its cluster, for cluster-scoped kinds
    rank: int = 0
    sources: list[str] = field(default_factory=list)


def _rank(operation: str) -> int:
    # a Describe answer is the record as it stands; later writes beat earlier ones
    if operation.startswith("Describe"):
        return 3
    if operation.startswith(("Delete", "Deregister", "Stop")):
        return 2
    return 1


def arn_parts(arn: str) -> tuple[str, str, list[str]]:
    """`arn:aws:ecs:R:A:service/c/s` -> ("arn:aws:ecs:R:A", "service", ["c", "s"])."""
    head, _, resource = arn.partition("/")
    prefix, _, kind = head.rpartition(":")
    return prefix, kind, resource.split("/")


def cluster_arn(name: str, like: str) -> str:
    """A cluster named by name or ARN, as an ARN in the account and region of `like`."""
    if name.startswith("arn:"):
        return name
    prefix, _, _ = arn_parts(like)
    return f"{prefix}:cluster/{name}"


class PublishedAccount:
    """The merged records, by kind and ARN; `listed` holds ARNs only a List answer names."""

    def __init__(self, published: Published) -> None:
        self.records: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        self.listed: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for answer in published.of_service("ecs"):
            self._add_described(answer)
        for answer in published.of_service("ecs"):
            self._add_listed(answer)
        self._add_named_clusters()

    # -- building ------------------------------------------------------------------------------
    def _add_described(self, answer: Answer) -> None:
        for kind, (key, names) in KINDS.items():
            for name in names:
                value = answer.output.get(name)
                items = value if isinstance(value, list) else [value]
                for item in items:
                    if isinstance(item, dict) and isinstance(item.get(key), str):
                        self._put(kind, item[key], item, answer)

    def _put(self, kind: str, arn: str, item: dict[str, Any], answer: Answer) -> None:
        rank = _rank(answer.operation)
        known = self.records[kind].get(arn)
        if known is not None and known.rank > rank:
            known.sources.append(answer.source)
            return
        record = Record(kind, arn, item, self._cluster_of(kind, arn, item, answer), rank)
        record.sources = [*(known.sources if known else []), answer.source]
        self.records[kind][arn] = record

    def _add_listed(self, answer: Answer) -> None:
        if answer.operation not in LISTS:
            return
        kind, name = LISTS[answer.operation]
        key = KINDS[kind][0]
        for arn in answer.output.get(name, []):
            if arn not in self.records[kind]:
                self.listed[kind].add(arn)
                self._put(kind, arn, {key: arn}, answer)

    def _add_named_clusters(self) -> None:
        """Clusters that hold published resources but were never described themselves."""
        named = {r.cluster for kind in self.records.values() for r in kind.values() if r.cluster}
        for arn in sorted(named - set(self.records["clusters"])):
            self.listed["clusters"].add(arn)
            self.records["clusters"][arn] = Record("clusters", arn, {"clusterArn": arn})

    def _cluster_of(self, kind: str, arn: str, item: dict[str, Any], answer: Answer) -> str:
        if kind not in ("services", "tasks", "containerInstances", "taskSets"):
            return ""
        if item.get("clusterArn"):
            return str(item["clusterArn"])
        _, arn_kind, parts = arn_parts(arn)
        # the long form names the cluster first: service/CLUSTER/NAME, task-set/CLUSTER/SERVICE/ID
        if arn_kind in CLUSTER_SCOPED and len(parts) >= (3 if arn_kind == "task-set" else 2):
            return cluster_arn(parts[0], arn)
        named = answer.params.get("cluster")
        return cluster_arn(named if isinstance(named, str) else "default", arn)

    # -- reading -------------------------------------------------------------------------------
    def of(self, kind: str, cluster: str | None = None) -> list[Record]:
        found = self.records[kind].values()
        return [r for r in found if cluster is None or r.cluster == cluster]

    def find(self, kind: str, ref: str, cluster: str | None = None) -> Record | None:
        """The record an ARN, a name or an id names (ECS accepts all three)."""
        for record in self.of(kind, cluster):
            if ref in (record.arn, arn_parts(record.arn)[2][-1], _name(record)):
                return record
        return None

    def service_of(self, task_set: Record) -> str:
        if task_set.item.get("serviceArn"):
            return str(task_set.item["serviceArn"])
        prefix, _, parts = arn_parts(task_set.arn)
        return f"{prefix}:service/{parts[0]}/{parts[1]}"

    def cluster_named(self, ref: str | None) -> Record | None:
        ref = ref or "default"
        return next(
            (r for r in self.of("clusters") if ref in (r.arn, arn_parts(r.arn)[2][-1])), None
        )


def _name(record: Record) -> str:
    for key in ("clusterName", "serviceName", "name"):
        if record.item.get(key):
            return str(record.item[key])
    return ""
