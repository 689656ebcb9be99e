"""What ECS does in the services around it: target groups, Cloud Map, CloudWatch, Logs.

- A service's tasks are registered in its load balancers' target groups while RUNNING (the task's
  IP for awsvpc, its instance and host port otherwise) and deregistered when they stop.
- Service discovery (`serviceRegistries`) registers each RUNNING task as a Cloud Map instance
  (cloud_map.py); Service Connect is service_connect.py's.
- With Container Insights on, the cluster's tasks publish to `ECS/ContainerInsights` each minute
  of sandbox time, with the documented dimensions (ClusterName; ClusterName+ServiceName;
  ClusterName+TaskDefinitionFamily): CPU and memory, network (bridge and awsvpc tasks) and
  storage, task, service, deployment and container instance counts.
- awslogs containers write a start and a stop line to `prefix/container/task-id`.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timezone
from typing import Any

from . import service_connect
from .cloud_map import ec2_instance_of, instance_attributes, servicediscovery
from .cloud_map import task_ip as _eni_ip
from .lifecycle import PENDING_STATES, _dt
from .strategies.traffic import group_for

log = logging.getLogger(__name__)

NAMESPACE = "ECS/ContainerInsights"
PERIOD = 60.0  # Container Insights publishes per minute


class Integrations:
    """Hooks the layer and scheduler call; each talks to moto's backend of that service."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.next_publish = 0.0

    # -- load balancers and Cloud Map ------------------------------------------------------
    def running(self, task: Any, service: Any) -> None:
        backend = task._backend
        for lb in service.load_balancers or []:
            if lb.get("targetGroupArn"):
                target = _target(task, lb)
                if target is not None:
                    group = group_for(service, task.started_by, lb["targetGroupArn"])
                    _elbv2(backend).register_targets(group, [target])
        for registry in _registries(backend, service):
            sd, service_id, port = registry
            attributes = instance_attributes(task, service, port)
            sd.register_instance(service_id, task.id, task.id, attributes)

    def stopping(self, task: Any, service: Any) -> None:
        backend = task._backend
        for lb in service.load_balancers or []:
            if lb.get("targetGroupArn"):
                target = _target(task, lb)
                if target is not None:
                    group = group_for(service, task.started_by, lb["targetGroupArn"])
                    _elbv2(backend).deregister_targets(group, [target])
        for sd, service_id, _port in _registries(backend, service):
            with contextlib.suppress(Exception):  # already gone: nothing to undo
                sd.deregister_instance(service_id, task.id)

    # -- logs ----------------------------------------------------------------------------
    def task_changed(self, task: Any, old: str, new: str) -> None:
        if new == "RUNNING":
            self._log(task, lambda c: f"Container {c['name']} started (image {c.get('image')}).")
        elif new == "STOPPING":
            reason = task.stopped_reason or "stopped"
            self._log(task, lambda c: f"Container {c['name']} stopped: {reason}.")

    def _log(self, task: Any, line: Any) -> None:
        from moto.logs.models import logs_backends

        td = task._backend.describe_task_definition(task.task_definition_arn)
        logs = logs_backends[task._account_id][task.region_name]
        for container in td.container_definitions:
            conf = container.get("logConfiguration") or {}
            options = conf.get("options") or {}
            if conf.get("logDriver") != "awslogs" or not options.get("awslogs-group"):
                continue
            group = options["awslogs-group"]
            if group not in logs.groups:
                if str(options.get("awslogs-create-group", "")).lower() != "true":
                    continue  # ECS would fail to log; the task still runs
                logs.create_log_group(group, {})
            prefix = options.get("awslogs-stream-prefix")
            stream = f"{prefix}/{container['name']}/{task.id}" if prefix else task.id
            if stream not in logs.groups[group].streams:
                logs.create_log_stream(group, stream)
            millis = int(self.layer.clock.now() * 1000)
            logs.groups[group].put_log_events(
                stream, [{"timestamp": millis, "message": line(container)}]
            )

    # -- Container Insights ------------------------------------------------------------------
    def due(self) -> bool:
        return self.layer.clock.now() >= self.next_publish

    def publish(self) -> None:
        """One minute's Container Insights metrics for every cluster that has them on."""
        from moto.cloudwatch.models import cloudwatch_backends
        from moto.ecs.models import ecs_backends

        now = self.layer.clock.now()
        self.next_publish = now + PERIOD
        for account, regions in list(ecs_backends.items()):
            for region in list(regions.keys()):
                backend = regions[region]
                data = []
                for cluster in backend.clusters.values():
                    if cluster.status == "ACTIVE" and _insights_on(cluster):
                        data += _cluster_metrics(backend, cluster, now, self._shares(region))
                if data:
                    cw = cloudwatch_backends[account][region]
                    for start in range(0, len(data), 500):
                        cw.put_metric_data(NAMESPACE, data[start : start + 500])

    def _shares(self, region: str) -> Any:
        """What each service's tasks use of what they reserve: the load the user set for it
        (service_metrics.py), so Container Insights and AWS/ECS tell the same story."""
        load = getattr(self.layer, "service_load", None)
        if load is None:
            return lambda cluster, service, running: (CPU_USED, MEMORY_USED)
        return lambda cluster, service, running: load.shares(region, cluster, service, running)


def install(layer: Any) -> None:
    hooks = Integrations(layer)
    layer.hooks.append(hooks)
    layer.integrations = hooks
    layer.scheduler.on_running.append(hooks.running)
    layer.scheduler.on_stopping.append(hooks.stopping)
    layer.lifecycle.listeners.append(_guarded(hooks.task_changed))
    service_connect.install(layer)


# -- target health (health.py decides when; ELB's words from the TargetHealth API reference:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html)
FAILED_CHECKS = (
    "unhealthy",
    "Target.FailedHealthChecks",
    "The load balancer received an error while establishing a connection to the target or the "
    "target response was malformed",
)


def check_settings(task: Any, service: Any, lb: dict[str, Any]) -> tuple[float, int] | None:
    """(HealthCheckIntervalSeconds, UnhealthyThresholdCount) of the task's target group."""
    group = _target_group(task, service, lb)
    if group is None or not group.health_check_enabled:
        return None
    return float(group.health_check_interval_seconds), int(group.unhealthy_threshold_count)


def target_unhealthy(task: Any, service: Any, lb: dict[str, Any]) -> None:
    """The task's target fails its health checks: DescribeTargetHealth says so."""
    group, target = _target_group(task, service, lb), _target(task, lb)
    entry = group.targets.get(target["Id"]) if group is not None and target else None
    if entry is not None:
        entry["_ecskit_health"] = FAILED_CHECKS
        _report_target_health()


def group_of(task: Any, service: Any, lb: dict[str, Any]) -> str:
    return group_for(service, task.started_by, lb["targetGroupArn"])


def instance_of(task: Any) -> str | None:
    """The EC2 instance id of a task on a container instance (None for awsvpc on Fargate)."""
    return None if _eni_ip(task) else ec2_instance_of(task)


def _target_group(task: Any, service: Any, lb: dict[str, Any]) -> Any:
    if not lb.get("targetGroupArn"):
        return None
    return _elbv2(task._backend).target_groups.get(group_of(task, service, lb))


def _report_target_health() -> None:
    """moto 5.2.5 calls every registered target healthy: a target health.py marked answers
    with its own state (patched once, in moto's FakeTargetGroup.health_for)."""
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    if getattr(FakeTargetGroup.health_for, "_ecskit", False):
        return
    original = FakeTargetGroup.health_for

    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        entry = self.targets.get(target["Id"])
        marked = entry.get("_ecskit_health") if entry else None
        if marked is None:
            return original(self, target, ec2_backend)
        state, reason, description = marked
        return FakeHealthStatus(
            entry["Id"], entry["Port"], self.health_check_port, state, reason, description
        )

    health_for._ecskit = True  # type: ignore[attr-defined]
    FakeTargetGroup.health_for = health_for  # type: ignore[method-assign]


def _guarded(listener: Any) -> Any:
    def call(task: Any, old: str, new: str) -> None:
        try:
            listener(task, old, new)
        except Exception:  # logs are a nicety: never fail a task over them
            log.debug("sandbox: %s failed for %s", listener, task.task_arn, exc_info=True)

    return call


def _insights_on(cluster: Any) -> bool:
    return any(
        s.get("name") == "containerInsights" and s.get("value") in ("enabled", "enhanced")
        for s in cluster.settings or []
    )


# A quiet container, since nothing loads it in a sandbox: a steady share of what its task reserves,
# a trickle of network traffic, and disk reads and writes that add up while it runs.
CPU_USED, MEMORY_USED = 0.10, 0.25
RX_PER_SECOND, TX_PER_SECOND = 2048.0, 1024.0
READ_PER_SECOND, WRITE_PER_SECOND = 512.0, 256.0
# CloudWatch's units (the Container Insights metrics reference): storage is in Bytes/Second even
# though the values are cumulative bytes, as the reference notes.
UNITS = {
    "CpuReserved": "None",
    "CpuUtilized": "None",
    "MemoryReserved": "Megabytes",
    "MemoryUtilized": "Megabytes",
    "NetworkRxBytes": "Bytes/Second",
    "NetworkTxBytes": "Bytes/Second",
    "StorageReadBytes": "Bytes/Second",
    "StorageWriteBytes": "Bytes/Second",
}


def _cluster_metrics(
    backend: Any, cluster: Any, now: float, shares: Any = None
) -> list[dict[str, Any]]:
    """Container Insights' cluster, service and family metrics: CPU, memory, network, storage,
    task, service, deployment and container instance counts."""
    groups: dict[tuple[tuple[str, str], ...], dict[str, float]] = {}
    running_in: dict[str | None, int] = {}
    for task in backend.tasks.get(cluster.name, {}).values():
        if task._status == "RUNNING":
            name = task.group[len("service:") :] if task.group.startswith("service:") else None
            running_in[name] = running_in.get(name, 0) + 1
    base = (("ClusterName", cluster.name),)
    network_modes: dict[str, str] = {}

    def add(key: tuple[tuple[str, str], ...], name: str, value: float) -> None:
        groups.setdefault(key, {}).setdefault(name, 0.0)
        groups[key][name] += value

    def network_mode(arn: str) -> str:
        if arn not in network_modes:
            try:
                mode = backend.describe_task_definition(arn).network_mode
            except Exception:  # a revision gone from the store: no network figures for it
                mode = "none"
            network_modes[arn] = mode or "bridge"  # ECS's default on EC2
        return network_modes[arn]

    at = _dt(now).replace(tzinfo=None)  # moto compares naive UTC datetimes
    for task in backend.tasks.get(cluster.name, {}).values():
        status = task._status
        service = task.group[len("service:") :] if task.group.startswith("service:") else None
        family = task.task_definition_arn.split("/")[-1].split(":")[0]
        keys = [base, (*base, ("TaskDefinitionFamily", family))]
        if service:
            keys.append((*base, ("ServiceName", service)))
        for key in keys:
            add(key, "TaskCount", 0)
            if status == "RUNNING":
                cpu, memory = float(task.cpu or 0), float(task.memory or 0)
                add(key, "RunningTaskCount", 1)
                add(key, "TaskCount", 1)
                add(key, "CpuReserved", cpu)
                cpu_used, memory_used = (
                    shares(cluster.name, service, running_in.get(service, 0))
                    if shares
                    else (CPU_USED, MEMORY_USED)
                )
                add(key, "CpuUtilized", round(cpu * cpu_used, 2))
                add(key, "MemoryReserved", memory)
                add(key, "MemoryUtilized", round(memory * memory_used, 2))
                # network figures only for bridge and awsvpc tasks (the metrics reference)
                if network_mode(task.task_definition_arn) in ("bridge", "awsvpc"):
                    add(key, "NetworkRxBytes", RX_PER_SECOND)
                    add(key, "NetworkTxBytes", TX_PER_SECOND)
                running = _seconds_since(getattr(task, "started_at", None), now)
                add(key, "StorageReadBytes", round(running * READ_PER_SECOND))
                add(key, "StorageWriteBytes", round(running * WRITE_PER_SECOND))
            elif status in PENDING_STATES:
                add(key, "PendingTaskCount", 1)
    services = [s for s in backend.services.values() if s.cluster_name == cluster.name]
    add(base, "ServiceCount", sum(1 for s in services if s.status == "ACTIVE"))
    instances = backend.container_instances.get(cluster.name, {}).values()
    add(base, "ContainerInstanceCount", sum(1 for i in instances if i.status == "ACTIVE"))
    for service in services:
        if service.status == "ACTIVE":
            key = (*base, ("ServiceName", service.name))
            add(key, "DesiredTaskCount", service.desired_count)
            add(key, "DeploymentCount", len(service.deployments or []))
    data = []
    for key, values in groups.items():
        dimensions = [{"Name": n, "Value": v} for n, v in key]
        for name, value in values.items():
            data.append(
                {
                    "MetricName": name,
                    "Dimensions": dimensions,
                    "Timestamp": at,
                    "Value": value,
                    "Unit": UNITS.get(name, "Count"),
                }
            )
    return data


def _seconds_since(when: Any, now: float) -> float:
    if not isinstance(when, datetime):
        return 0.0
    if when.tzinfo is None:  # moto's own datetimes are naive UTC
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, now - when.timestamp())


def _elbv2(backend: Any) -> Any:
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends[backend.account_id][backend.region_name]


def _target(task: Any, lb: dict[str, Any]) -> dict[str, Any] | None:
    """The target group entry for a task: its IP (awsvpc) or instance id and host port."""
    port = lb.get("containerPort")
    ip = _eni_ip(task)
    if ip:
        return {"Id": ip, "Port": port}
    if not task.container_instance_arn:
        return None
    instances = task._backend.container_instances.get(task.cluster_name, {})
    instance = instances.get(task.container_instance_arn.split("/")[-1])
    if instance is None:
        return None
    td = task._backend.describe_task_definition(task.task_definition_arn)
    host = port
    for container in td.container_definitions:
        if container.get("name") == lb.get("containerName"):
            for mapping in container.get("portMappings") or []:
                if mapping.get("containerPort") == port and mapping.get("hostPort"):
                    host = mapping["hostPort"]
    return {"Id": instance.ec2_instance_id, "Port": host}


def _registries(backend: Any, service: Any) -> list[tuple[Any, str, Any]]:
    """(Cloud Map backend, service id, port) for each service registry of the service."""
    sd = servicediscovery(backend)
    found = []
    for registry in service.service_registries or []:
        arn = registry.get("registryArn", "")
        service_id = arn.split("/")[-1]
        if service_id in sd.services:
            found.append((sd, service_id, registry.get("port") or registry.get("containerPort")))
    return found
