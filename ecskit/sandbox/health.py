"""What happens to a RUNNING task over sandbox time: container health checks, target health,
essential-container exits and out-of-memory kills, as the containers' behaviours say.

When a task reaches RUNNING, its timeline is worked out once (health_checks.py): when each container
turns HEALTHY or UNHEALTHY, when one exits, when its load balancer target turns unhealthy. Only
tasks with a health check or a behaviour are watched, so the tick costs nothing for the rest.
The facts and their sources: docs/container-behaviour.md.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Callable
from typing import Any

from . import integrations
from .behaviour import BehaviourError
from .health_checks import Container, Happening, check_parameters, timeline

log = logging.getLogger(__name__)

# https://repost.aws/knowledge-center/ecs-task-stopped
EXITED = "Essential container in task exited"
# startedAt is kept to the microsecond: a happening due "now" may be a hair later than now
SLACK = 1e-3
FAILED_CONTAINER_CHECKS = "Task failed container health checks"


class Health:
    """Watches RUNNING tasks that have a health check or a behaviour (the scheduler ticks it)."""

    def __init__(self, clock: Any, lifecycle: Any, scheduler: Any, service_of: Callable) -> None:
        self.clock = clock
        self.lifecycle = lifecycle
        self.scheduler = scheduler
        self.service_of = service_of
        self.watched: dict[int, tuple[Any, list[Happening]]] = {}  # id(task) -> its timeline
        self.next_due = math.inf
        self.checks: dict[str, tuple[dict[str, Any], ...]] = {}  # definitions by revision ARN
        self.plain: set[str] = set()  # revisions with no health check, label or variable
        lifecycle.listeners.append(self._task_changed)

    def reset(self) -> None:
        self.watched.clear()
        self.checks.clear()
        self.plain.clear()
        self.next_due = math.inf

    @property
    def due(self) -> bool:
        if not self.watched:
            return False
        if self.clock.now() + SLACK >= self.next_due:
            return True
        # the instant clock and settle(): a passing check takes no time (a failing one does)
        return self.clock.duration() == 0 and any(_passes(h) for _, h in self.watched.values())

    # -- a task starts or stops ------------------------------------------------------------
    def _task_changed(self, task: Any, old: str, new: str) -> None:
        if new == "RUNNING" and task.desired_status == "RUNNING":
            containers = self._containers(task)
            if containers:
                task._ecskit_essential = frozenset(c.name for c in containers if c.essential)
                service = self.service_of(task)
                started = task.started_at.timestamp()
                happenings = timeline(containers, started, *_load_balancing(task, service))
                # counted towards minimumHealthyPercent only once its checks pass
                checked = any(c.check and c.essential for c in containers)
                never = any(h.kind == "target" and h.detail["at_once"] for h in happenings)
                task._ecskit_never_healthy = never
                task._ecskit_proven = not (checked or never)
                if happenings:
                    heapq.heapify(happenings)
                    self.watched[id(task)] = (task, happenings)
                    self.next_due = min(self.next_due, happenings[0].at)
        elif old == "RUNNING" and id(task) in self.watched:
            self.watched.pop(id(task), None)

    def _containers(self, task: Any) -> list[Container]:
        arn = task.task_definition_arn
        said = self.lifecycle.behaviours
        if arn in self.plain and not said:
            return []  # the common case, decided once per revision
        definitions = self.checks.get(arn)
        if definitions is None:
            found = task._backend.describe_task_definition(arn).container_definitions
            definitions = self.checks[arn] = tuple(found)
        found = []
        for definition in definitions:
            try:
                behaviour = said.for_container(definition)
            except BehaviourError as error:  # a label the sandbox cannot read: healthy
                log.warning("sandbox: %s; the container is taken as healthy", error)
                behaviour = None
            check = check_parameters(definition.get("healthCheck"))
            if behaviour is not None or check is not None:
                found.append(
                    Container(definition["name"], definition.get("essential", True) is not False,
                              check, behaviour)
                )  # fmt: skip
        if not found and not said:
            self.plain.add(arn)
        if found:  # the task's health is over all its essential containers
            names = {c.name for c in found}
            found += [
                Container(d["name"], d.get("essential", True) is not False, None, None)
                for d in definitions
                if d["name"] not in names
            ]
        return found

    # -- time passes -----------------------------------------------------------------------
    def tick(self) -> bool:
        """Apply every happening that is due; True if anything changed."""
        if not self.due:
            return False
        now = self.clock.now() + SLACK
        rush = self.clock.duration() == 0
        changed = False
        for key, (task, happenings) in list(self.watched.items()):
            while (
                happenings
                and (happenings[0].at <= now or (rush and _passes(happenings)))
                and key in self.watched
            ):
                self._apply(task, heapq.heappop(happenings), happenings)
                changed = True
            if not happenings:
                self.watched.pop(key, None)
        self.next_due = min((h[0].at for _, h in self.watched.values() if h), default=math.inf)
        return changed

    def _apply(self, task: Any, happening: Happening, rest: list[Happening]) -> None:
        detail = happening.detail
        if happening.kind == "container-health":
            container = _container(task, detail["name"])
            container.health_status = detail["status"]
            before = task.health_status
            task.health_status = _task_health(task)
            task.version = getattr(task, "version", 1) + 1
            if task.health_status == "HEALTHY":
                task._ecskit_ever_healthy = True
                task._ecskit_proven = not getattr(task, "_ecskit_never_healthy", False)
                service = self.service_of(task)
                if service is not None:
                    self._reset_failures(task, service)
                    self.scheduler.touch(service)  # it may now count as healthy
            elif task.health_status == "UNHEALTHY" and before != "UNHEALTHY":
                service = self.service_of(task)
                if service is not None:  # a RunTask task runs on, whatever its health
                    at = max(happening.at, task.started_at.timestamp() + _grace(service))
                    heapq.heappush(rest, Happening(at, -1, "health-stop"))
        elif happening.kind == "exit":
            self._exited(task, detail)
        elif happening.kind == "target":
            service = self.service_of(task)
            if service is not None:
                integrations.target_unhealthy(task, service, detail["lb"])
        elif happening.kind in ("elb-stop", "health-stop"):
            self._stop_unhealthy(task, happening.kind, detail)

    def _reset_failures(self, task: Any, service: Any) -> None:
        """resetOnHealthyTask (default true): "a task that reaches a healthy state resets the
        failure count to 0" (DeploymentCircuitBreaker in botocore's ECS model)."""
        conf = getattr(service, "deployment_configuration", None) or {}
        breaker = conf.get("deploymentCircuitBreaker") or {}
        deployment = next((d for d in service.deployments if d["id"] == task.started_by), None)
        if deployment is None or breaker.get("resetOnHealthyTask", True) is False:
            return
        if deployment.get("rolloutState") == "IN_PROGRESS" and deployment.get("failedTasks"):
            deployment["failedTasks"] = 0
            self.scheduler.record_failure(service, deployment)

    @staticmethod
    def healthy(task: Any) -> bool:
        """Whether the scheduler counts a RUNNING task as healthy: with an essential container's
        health check, once the task is HEALTHY; behind a load balancer, once its target passes
        (DeploymentConfiguration.minimumHealthyPercent in botocore's ECS model)."""
        return task.last_status == "RUNNING" and getattr(task, "_ecskit_proven", True)

    def _exited(self, task: Any, detail: dict[str, Any]) -> None:
        container = _container(task, detail["name"])
        container.last_status = "STOPPED"
        container.exit_code = container.exitCode = detail["code"]
        if detail.get("reason"):
            container.reason = detail["reason"]
        task.version = getattr(task, "version", 1) + 1
        if not detail["essential"] or task.desired_status != "RUNNING":
            return  # a non-essential container's exit does not affect the rest of the task
        service = self.service_of(task)
        counts = service is not None and not getattr(task, "_ecskit_ever_healthy", False)
        self.lifecycle.stop(task, "EssentialContainerExited", EXITED)
        if counts:  # it never passed its health checks: the circuit breaker counts it
            self.scheduler.count_failure(task, service)

    def _stop_unhealthy(self, task: Any, kind: str, detail: dict[str, Any]) -> None:
        service = self.service_of(task)
        if service is None or task.desired_status != "RUNNING":
            return
        task_id = task.task_arn.split("/")[-1]
        if kind == "elb-stop":
            lb = detail["lb"]
            group = integrations.group_of(task, service, lb)
            instance = integrations.instance_of(task)
            where = f" (instance {instance})" if instance else ""
            self.scheduler.event(
                service,
                f"(service {service.name}) (task {task_id}){where} (port {lb.get('containerPort')})"
                f" is unhealthy in (target-group {group}) due to (reason Health checks failed).",
            )
            reason = f"Task failed ELB health checks in (target-group {group})"
        else:
            self.scheduler.event(
                service,
                f"(service {service.name}) (task {task_id}) failed container health checks.",
            )
            reason = FAILED_CONTAINER_CHECKS
        self.lifecycle.stop(task, "ServiceSchedulerInitiated", reason)
        self.scheduler.event(service, self.scheduler.stopped_message(service, [task]))
        self.scheduler.count_failure(task, service)


def _load_balancing(task: Any, service: Any) -> tuple[list[tuple[dict, float, int]], float]:
    """(each load balancer with its target group's check interval and unhealthy threshold,
    the end of the service's health check grace period)."""
    if service is None:
        return [], 0.0
    targets = []
    for lb in service.load_balancers or []:
        settings = integrations.check_settings(task, service, lb)
        if settings is not None:
            targets.append((lb, *settings))
    return targets, _grace(service)


def _grace(service: Any) -> float:
    # healthCheckGracePeriodSeconds: default 0 (botocore's ECS model, CreateServiceRequest)
    return float(getattr(service, "health_check_grace_period_seconds", None) or 0)


def _passes(happenings: list[Happening]) -> bool:
    first = happenings[0] if happenings else None
    return (
        first is not None
        and first.kind == "container-health"
        and first.detail["status"] == "HEALTHY"
    )


def _container(task: Any, name: str) -> Any:
    return next(c for c in task.containers if c.name == name)


def _task_health(task: Any) -> str:
    """UNHEALTHY > UNKNOWN > HEALTHY over the essential containers (HealthCheck in the model)."""
    essential = getattr(task, "_ecskit_essential", frozenset())
    statuses = [c.health_status for c in task.containers if c.name in essential]
    if "UNHEALTHY" in statuses:
        return "UNHEALTHY"
    if not statuses or "UNKNOWN" in statuses:
        return "UNKNOWN"
    return "HEALTHY"
