"""The errors ECS answers with, and the checks moto leaves out, worded as ECS words them.

Each check reads moto's stored state (the sandbox's store) and the request body, and raises
`EcsError(code, message)`; the layer answers it as ECS does (HTTP 400, `__type` and `message`),
so boto3 raises `client.exceptions.<code>` exactly as against AWS.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Batch sizes ECS accepts (API reference: DescribeServices "up to 10", DescribeTasks "up to 100").
DESCRIBE_LIMITS = {
    "DescribeServices": ("services", 10),
    "DescribeTasks": ("tasks", 100),
    "DescribeClusters": ("clusters", 100),
    "DescribeContainerInstances": ("containerInstances", 100),
}
RUN_TASK_MAX = 10
# Tasks per service (the desired count): 5,000, or 1,000 with service discovery; the error
# ECS answers past it (docs/sandbox-errors.md, question 6: the ECS service quotas page and
# https://github.com/aws/containers-roadmap/issues/768).
TASKS_PER_SERVICE = 5000
TASKS_PER_SERVICE_WITH_DISCOVERY = 1000


class EcsError(Exception):
    """An ECS error response: `code` is the `__type` boto3 turns into an exception class."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def cluster_name(value: str | None) -> str:
    return (value or "default").split("/")[-1]


def find_cluster(backend: Any, value: str | None) -> Any:
    cluster = backend.clusters.get(cluster_name(value))
    if cluster is None:
        raise EcsError("ClusterNotFoundException", "Cluster not found.")
    return cluster


def find_task_definition(backend: Any, value: str | None, *, active: bool = True) -> Any:
    """The revision `family`, `family:rev` or ARN names; ECS's errors if missing or INACTIVE."""
    if not value:
        raise EcsError("ClientException", "TaskDefinition is required.")
    name = value.split("/")[-1]
    family, _, rev = name.partition(":")
    revisions = backend.task_definitions.get(family) or {}
    if rev:
        if not rev.isdigit() or int(rev) not in revisions:
            raise EcsError("ClientException", "Unable to describe task definition.")
        found = revisions[int(rev)]
    else:
        live = [td for td in revisions.values() if td.status == "ACTIVE"]
        if not live:
            raise EcsError("ClientException", "Unable to describe task definition.")
        found = max(live, key=lambda td: td.revision)
    if active and found.status != "ACTIVE":
        raise EcsError("ClientException", "TaskDefinition is inactive")
    return found


def check_describe_limit(operation: str, body: dict[str, Any]) -> None:
    key, limit = DESCRIBE_LIMITS[operation]
    names = body.get(key) or []
    if len(names) > limit:
        raise EcsError(
            "InvalidParameterException",
            f"{key} can have at most {limit} items; got {len(names)}. Ask in batches of {limit}.",
        )


def check_run_count(body: dict[str, Any]) -> None:
    count = body.get("count", 1)
    if not isinstance(count, int) or not 1 <= count <= RUN_TASK_MAX:
        raise EcsError(
            "InvalidParameterException",
            f"count must be between 1 and {RUN_TASK_MAX}; got {count!r}. "
            "Run more tasks with several RunTask calls or a service.",
        )


def check_delete_cluster(backend: Any, body: dict[str, Any]) -> None:
    cluster = find_cluster(backend, body.get("cluster"))
    name = cluster.name
    if any(
        s.cluster_name == name and s.status in ("ACTIVE", "DRAINING")
        for s in backend.services.values()
    ):
        raise EcsError(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        )
    if any(ci.status != "INACTIVE" for ci in backend.container_instances.get(name, {}).values()):
        raise EcsError(
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        )
    if any(t.last_status != "STOPPED" for t in backend.tasks.get(name, {}).values()):
        raise EcsError(
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        )


def check_create_service(backend: Any, body: dict[str, Any]) -> None:
    cluster = find_cluster(backend, body.get("cluster"))
    name = body.get("serviceName")
    existing = backend.services.get(f"{cluster.name}:{name}")
    if existing is not None and existing.status in ("ACTIVE", "DRAINING"):
        raise EcsError("InvalidParameterException", "Creation of service was not idempotent.")
    if body.get("taskDefinition"):
        find_task_definition(backend, body["taskDefinition"])
    check_desired_count(body.get("desiredCount"), bool(body.get("serviceRegistries")))
    check_strategy_associated(cluster, body)


def check_desired_count(count: int | None, discovery: bool) -> None:
    if count is None:
        return
    if count < 0:
        raise EcsError("InvalidParameterException", "desiredCount can't be less than 0.")
    limit = TASKS_PER_SERVICE_WITH_DISCOVERY if discovery else TASKS_PER_SERVICE
    if count > limit:
        raise EcsError("InvalidParameterException", "Desired count exceeds limit.")


def check_update_service(backend: Any, body: dict[str, Any]) -> Any:
    cluster = find_cluster(backend, body.get("cluster"))
    name = (body.get("service") or "").split("/")[-1]
    service = backend.services.get(f"{cluster.name}:{name}")
    if service is None:
        raise EcsError("ServiceNotFoundException", "Service not found.")
    if service.status != "ACTIVE":
        raise EcsError("ServiceNotActiveException", "Service was not ACTIVE.")
    if body.get("taskDefinition"):
        find_task_definition(backend, body["taskDefinition"])
    registries = body.get("serviceRegistries", getattr(service, "service_registries", None))
    check_desired_count(body.get("desiredCount"), bool(registries))
    check_strategy_associated(cluster, body)
    return service


def check_run_task(backend: Any, body: dict[str, Any]) -> Any:
    check_run_count(body)
    check_strategy_associated(find_cluster(backend, body.get("cluster")), body)
    return find_task_definition(backend, body.get("taskDefinition"))


# ECS's words when a strategy names a provider the cluster does not have, FARGATE and FARGATE_SPOT
# included (https://github.com/dask/dask-cloudprovider/issues/328; botocore's
# CreateCluster.capacityProviders: "A capacity provider must be associated with a cluster before
# it can be ... used in a capacity provider strategy when calling the CreateService or RunTask
# actions.")
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify a "
    "valid capacity provider and try again."
)


def check_strategy_associated(cluster: Any, body: dict[str, Any]) -> None:
    associated = set(getattr(cluster, "capacity_providers", None) or [])
    for item in body.get("capacityProviderStrategy") or []:
        if isinstance(item, dict) and item.get("capacityProvider") not in associated:
            raise EcsError("InvalidParameterException", NOT_ASSOCIATED)


# -- ecskit.rules: the same rules the forms show ------------------------------------------

# ECS's own words for a rule (ecskit.rules id -> error code, message), where known; other
# problems read "<path>: <message>" with the rules' own explanation.
ECS_WORDS = {
    "fargate.cpu-memory": (
        "ClientException",
        "No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
        "See the Amazon ECS documentation for the valid values.",
    ),
    "fargate.network-mode": ("ClientException", "Fargate only supports network mode 'awsvpc'."),
}


def check_rules(kind: str, body: dict[str, Any], *, task_definition: Any = None) -> None:
    """Reject what `ecskit.rules.validate` calls an error, as ECS's ClientException."""
    try:
        from ecskit.rules import validate
    except ImportError:  # the rules package is not there: moto's own checks only
        return
    td_body = None
    if task_definition is not None:
        td_body = {
            "family": task_definition.family,
            "containerDefinitions": task_definition.container_definitions,
            "networkMode": task_definition.network_mode,
            "requiresCompatibilities": task_definition.requires_compatibilities,
            "cpu": task_definition.cpu,
            "memory": task_definition.memory,
        }
        td_body = {k: v for k, v in td_body.items() if v is not None}
    try:
        problems = validate(kind, body, task_definition=td_body)
    except Exception:  # a broken rule must not break the sandbox
        log.debug(
            "ecskit.rules.validate(%s) failed; the request goes on unchecked", kind, exc_info=True
        )
        return
    errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
    if not errors:
        return
    for problem in errors:
        words = ECS_WORDS.get(str(getattr(problem, "rule", "")))
        if words is not None:
            code, template = words
            raise EcsError(code, template.format(cpu=body.get("cpu"), memory=body.get("memory")))
    message = "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in errors)
    raise EcsError("ClientException", message)
