"""The `AWS/ECS` metrics ECS publishes for services and clusters, from a load the user sets.

What a container does once started the sandbox cannot know, so the user says how busy each
service is (`Sandbox.load`); every minute of sandbox time, with Container Insights' cadence
(integrations.py), the sandbox publishes what ECS would, then evaluates CloudWatch alarms
(alarms.py) and lets Application Auto Scaling act on them (auto_scaling.py).

ECS's metrics (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html):
one-minute intervals, only for resources with RUNNING tasks, unit Percent.
- Service level (ClusterName, ServiceName): CPU (memory) used by the service's tasks x 100 /
  CPU (memory) reserved for them (service_utilization.html), Fargate and EC2 alike.
- Cluster level (ClusterName): used (reserved) by tasks / registered by the ACTIVE or DRAINING
  EC2 container instances, for tasks on EC2 instances only: CPUUtilization, MemoryUtilization,
  CPUReservation, MemoryReservation.
With a load balancer, the target group's `AWS/ApplicationELB` RequestCount and
RequestCountPerTarget (dimension TargetGroup; Sum is its only valid statistic, itself an average
per target: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html)
are published too: what ALBRequestCountPerTarget target tracking reads.
"""

from __future__ import annotations

import math
from typing import Any

from . import alarms, auto_scaling
from .integrations import CPU_USED, MEMORY_USED
from .lifecycle import _dt

NAMESPACE = "AWS/ECS"
ALB_NAMESPACE = "AWS/ApplicationELB"
# The steady low load of a service nobody set a load for: Container Insights' quiet container.
DEFAULT = {"cpu": CPU_USED * 100, "memory": MEMORY_USED * 100, "requests": 60.0}
LIMIT = 1000.0  # percent: the work of ten times the tasks set for, at most


class LoadError(ValueError):
    """A load the sandbox cannot apply (the message names the field and the fix)."""


class ServiceLoad:
    """How busy each service is, as the user set it, and what ECS would publish from it."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.loads: dict[tuple[str, str, str], dict[str, float]] = {}
        self.metrics = alarms.Recent()
        self.alarms = alarms.Alarms(layer.clock, self.metrics)
        self.scaling = auto_scaling.AutoScaling(layer)
        self.listeners: list[Any] = []  # told after each minute's metrics (MonitoringView)

    def reset(self) -> None:
        self.listeners.clear()  # views of the state before: they follow nothing now
        self.loads.clear()
        self.metrics.clear()
        self.scaling.reset()

    # -- the user's load -------------------------------------------------------------------
    def set(self, region: str, cluster: str, service: str, values: dict[str, Any]) -> dict:
        """Check and keep a load (`Sandbox.load`); recorded so snapshots replay it."""
        from moto.ecs.models import ecs_backends

        from .wire import WARM_ACCOUNT

        found = ecs_backends[WARM_ACCOUNT][region].services.get(f"{cluster}:{service}")
        if found is None or found.status != "ACTIVE":
            raise LoadError(
                f"load(cluster={cluster!r}, service={service!r}): there is no active service "
                f"{service!r} in cluster {cluster!r} (region {region}); create the service first "
                "or check both names."
            )
        load = dict(self.loads.get((region, cluster, service)) or {**DEFAULT, "tasks": 0})
        for field in ("cpu", "memory", "requests"):
            value = values.get(field)
            if value is None:
                continue
            top = LIMIT if field != "requests" else 1e9
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (0 <= value <= top)
            ):
                unit = "requests a minute" if field == "requests" else "percent"
                raise LoadError(
                    f"load({field}={value!r}): give a number from 0 to {top:g} ({unit})."
                )
            load[field] = float(value)
        # percent of what the tasks reserve at the desired count now: the work stays, shared
        load["tasks"] = float(max(found.desired_count, 1))
        self.apply(region, cluster, service, load)
        layer = self.layer
        if not layer.replaying:
            with layer.lock:
                layer.recording.append(
                    {"kind": "load", "at": layer.clock.now(), "region": region,
                     "cluster": cluster, "service": service, "load": dict(load)}
                )  # fmt: skip
        return self.get(region, cluster, service)

    def apply(self, region: str, cluster: str, service: str, load: dict[str, float]) -> None:
        self.loads[(region, cluster, service)] = dict(load)

    def replay(self, event: dict[str, Any]) -> None:
        self.apply(event["region"], event["cluster"], event["service"], event["load"])

    def get(self, region: str, cluster: str, service: str) -> dict[str, float]:
        load = self.loads.get((region, cluster, service))
        if load is None:
            return {**DEFAULT, "tasks": 1.0}
        return dict(load)

    def shares(self, region: str, cluster: str, service: str | None, running: int) -> tuple:
        """(CPU, memory) each task of `service` uses, as fractions of what it reserves."""
        if service is None:
            return CPU_USED, MEMORY_USED
        load = self.loads.get((region, cluster, service))
        if load is None:
            return CPU_USED, MEMORY_USED
        per_task = load["tasks"] / max(running, 1)
        return min(1.0, load["cpu"] * per_task / 100), min(1.0, load["memory"] * per_task / 100)

    # -- each minute -------------------------------------------------------------------------
    def publish(self) -> None:
        """One minute's AWS/ECS (and ALB) metrics, then alarms, then scaling policies."""
        from moto.cloudwatch.models import cloudwatch_backends
        from moto.ecs.models import ecs_backends

        now = self.layer.clock.now()
        at = _dt(now).replace(tzinfo=None)  # moto compares naive UTC datetimes
        for account, regions in list(ecs_backends.items()):
            for region in list(regions.keys()):
                backend = regions[region]
                data: dict[str, list[dict[str, Any]]] = {}
                for cluster in list(backend.clusters.values()):
                    if cluster.status == "ACTIVE":
                        self._cluster(backend, region, cluster, at, data)
                if data:
                    cw = cloudwatch_backends[account][region]
                    for namespace, items in data.items():
                        for start in range(0, len(items), 500):
                            cw.put_metric_data(namespace, items[start : start + 500])
                        self.metrics.add(account, region, namespace, items, now)
        fired = self.alarms.evaluate()
        for backend, alarm, action, value in fired:
            self.scaling.invoke(backend, alarm, action, value)
        for listener in list(self.listeners):
            listener()

    def _cluster(
        self, backend: Any, region: str, cluster: Any, at: Any, data: dict[str, list]
    ) -> None:
        by_service: dict[str | None, list[Any]] = {}
        for task in backend.tasks.get(cluster.name, {}).values():
            if task._status == "RUNNING":
                group = task.group or ""
                name = group[len("service:") :] if group.startswith("service:") else None
                by_service.setdefault(name, []).append(task)
        used = {"CPU": 0.0, "MEMORY": 0.0}
        reserved = {"CPU": 0.0, "MEMORY": 0.0}
        base = [{"Name": "ClusterName", "Value": cluster.name}]
        for name, tasks in by_service.items():
            cpu_share, memory_share = self.shares(region, cluster.name, name, len(tasks))
            for task in tasks:
                if task.container_instance_arn:  # cluster figures count EC2 tasks only
                    reserved["CPU"] += float(task.cpu or 0)
                    reserved["MEMORY"] += float(task.memory or 0)
                    used["CPU"] += float(task.cpu or 0) * cpu_share
                    used["MEMORY"] += float(task.memory or 0) * memory_share
            if name is None:
                continue
            dims = [*base, {"Name": "ServiceName", "Value": name}]
            data.setdefault(NAMESPACE, []).extend(
                [
                    _datum("CPUUtilization", dims, at, round(cpu_share * 100, 2), "Percent"),
                    _datum("MemoryUtilization", dims, at, round(memory_share * 100, 2), "Percent"),
                ]
            )
            service = backend.services.get(f"{cluster.name}:{name}")
            if service is not None:
                self._requests(region, cluster.name, service, len(tasks), at, data)
        registered = _registered(backend, cluster.name)
        if registered["CPU"] and registered["MEMORY"]:
            for metric, figures in (("Utilization", used), ("Reservation", reserved)):
                for resource, label in (("CPU", "CPU"), ("MEMORY", "Memory")):
                    value = round(figures[resource] * 100 / registered[resource], 2)
                    data.setdefault(NAMESPACE, []).append(
                        _datum(f"{label}{metric}", base, at, value, "Percent")
                    )

    def _requests(
        self, region: str, cluster: str, service: Any, running: int, at: Any, data: dict
    ) -> None:
        """The service's requests a minute, spread over its target groups' running targets."""
        groups = [lb["targetGroupArn"] for lb in service.load_balancers or [] if lb.get(
            "targetGroupArn")]  # fmt: skip
        if not groups or not running:
            return
        requests = self.get(region, cluster, service.name)["requests"] / len(groups)
        for arn in groups:
            dims = [
                {"Name": "TargetGroup", "Value": "targetgroup/" + arn.split(":targetgroup/")[-1]}
            ]
            data.setdefault(ALB_NAMESPACE, []).extend(
                [
                    _datum("RequestCount", dims, at, requests, "Count"),
                    _datum(
                        "RequestCountPerTarget", dims, at, math.floor(requests / running), "Count"
                    ),
                ]
            )


def _datum(name: str, dims: list[dict[str, str]], at: Any, value: float, unit: str) -> dict:
    return {"MetricName": name, "Dimensions": dims, "Timestamp": at, "Value": value, "Unit": unit}


def _registered(backend: Any, cluster: str) -> dict[str, float]:
    """CPU units and MiB registered by the cluster's ACTIVE or DRAINING container instances."""
    found = {"CPU": 0.0, "MEMORY": 0.0}
    for instance in backend.container_instances.get(cluster, {}).values():
        if instance.status in ("ACTIVE", "DRAINING"):
            for resource in instance.registered_resources or []:
                if resource.get("name") in found:
                    found[resource["name"]] += float(resource.get("integerValue") or 0)
    return found


def install(layer: Any) -> ServiceLoad:
    auto_scaling.patch_moto()
    load = ServiceLoad(layer)
    layer.service_load = load
    return load
