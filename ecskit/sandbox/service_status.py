"""What DescribeServices and DescribeClusters show of the scheduler's work: a service's
deployments, its running and pending counts, its events, and its cluster's counts.

A mixin of `Scheduler` (scheduler.py): it uses the scheduler's clock and history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .lifecycle import PENDING_STATES
from .recording import derived_uuid

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
MAX_EVENTS = 100


def new_deployment_id(key: str) -> str:
    """`ecs-svc/` and 19 digits, as ECS shows them; the same for the same `key` (snapshots)."""
    return "ecs-svc/" + str(10**18 + derived_uuid(key).int % (9 * 10**18))


def serial(service: Any, kind: str) -> str:
    """A key for the service's n-th thing of `kind` (deployment, event, launch): what the
    scheduler makes draws its ids from it, whichever tick makes it (snapshots replay to it)."""
    counts = service.__dict__.setdefault("_ecskit_serials", {})
    counts[kind] = counts.get(kind, 0) + 1
    return f"{getattr(service, '_ecskit_basis', service.arn)}/{kind}/{counts[kind]}"


def short_id(task: Any) -> str:
    return task.task_arn.split("/")[-1]


class ServiceStatus:
    """The deployments, counts and events a service shows."""

    def _deployment(self, service: Any) -> dict[str, Any]:
        now = self.clock.datetime()
        deployment_id = new_deployment_id(serial(service, "deployment"))
        strategy = getattr(service, "capacity_provider_strategy", None)
        deployment = {
            "id": deployment_id,
            "status": "PRIMARY",
            "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count,
            "pendingCount": 0,
            "runningCount": 0,
            "failedTasks": 0,
            "createdAt": now,
            "updatedAt": now,
            "launchType": None if strategy else service.launch_type,
            "capacityProviderStrategy": strategy,
            "platformVersion": service.platform_version,
            "networkConfiguration": service.network_configuration or None,
            # Service Connect is a deployment's setting (DescribeServices shows it there only)
            "serviceConnectConfiguration": getattr(service, "service_connect_configuration", None)
            or None,
            # EBS volumes configured at launch are a deployment's setting too (Deployment shape)
            "volumeConfigurations": getattr(service, "volume_configurations", None) or None,
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": "ECS deployment in progress.",
        }
        if service.launch_type == "FARGATE" or any(
            s.get("capacityProvider", "").startswith("FARGATE") for s in strategy or []
        ):
            deployment["platformVersion"] = service.platform_version or "LATEST"
            deployment["platformFamily"] = "Linux"
        return {k: v for k, v in deployment.items() if v is not None}

    def _count(self, service: Any, members: Iterable[Any]) -> None:
        running = pending = 0
        per: dict[str, list[int]] = {}
        for task in members:
            if task.desired_status != "RUNNING" and task.last_status != "RUNNING":
                continue
            counts = per.setdefault(task.started_by, [0, 0])
            if task.last_status == "RUNNING":
                running += 1
                counts[0] += 1
            elif task.last_status in PENDING_STATES:
                pending += 1
                counts[1] += 1
        service.running_count = running
        service.pending_count = pending
        for deployment in service.deployments:
            counts = per.get(deployment["id"], [0, 0])
            deployment["runningCount"], deployment["pendingCount"] = counts
            if deployment["status"] == "PRIMARY":
                deployment["desiredCount"] = service.desired_count
            else:
                deployment["desiredCount"] = counts[0] + counts[1]
        # DescribeServices' currentServiceRevisions: the revisions the service runs now
        service.current_service_revisions = [
            {
                "arn": self.history.revision_arn(service, d["id"]),
                "requestedTaskCount": d["desiredCount"],
                "runningTaskCount": d["runningCount"],
                "pendingTaskCount": d["pendingCount"],
            }
            for d in service.deployments
        ]

    def _event(self, service: Any, message: str) -> None:
        if service.events and service.events[0]["message"] == message:
            return
        event_id = str(derived_uuid(serial(service, "event")))
        service.events.insert(
            0, {"id": event_id, "createdAt": self.clock.datetime(), "message": message}
        )
        del service.events[MAX_EVENTS:]


def scale_reason(service: Any) -> str:
    primary = service.deployments[0]["id"] if service.deployments else "ecs-svc"
    return f"Scaling activity initiated by (deployment {primary})"


def stopped_message(service: Any, tasks: list[Any]) -> str:
    ids = " ".join(f"(task {short_id(t)})" for t in tasks)
    return f"(service {service.name}) has stopped {len(tasks)} running tasks: {ids}."


def count_cluster(backend: Any, cluster: Any) -> None:
    """runningTasksCount, pendingTasksCount, activeServicesCount as ECS counts them."""
    running = pending = 0
    instances = backend.container_instances.get(cluster.name, {})
    per_instance: dict[str, list[int]] = {key: [0, 0] for key in instances}
    for task in backend.tasks.get(cluster.name, {}).values():
        status = task._status
        where = per_instance.get((task.container_instance_arn or "").split("/")[-1])
        if status == "RUNNING":
            running += 1
            if where is not None:
                where[0] += 1
        elif status in PENDING_STATES:
            pending += 1
            if where is not None:
                where[1] += 1
    for key, (on, coming) in per_instance.items():
        instances[key].running_tasks_count, instances[key].pending_tasks_count = on, coming
    cluster.running_tasks_count = running
    cluster.pending_tasks_count = pending
    cluster.active_services_count = sum(
        1
        for s in backend.services.values()
        if s.cluster_name == cluster.name and s.status == "ACTIVE"
    )
    cluster.registered_container_instances_count = sum(
        1 for ci in instances.values() if ci.status != "INACTIVE"
    )
