"""ECS's service scheduler over moto's stored services: desiredCount tasks, rolling deployments.

A service keeps `desiredCount` tasks (group `service:NAME`, startedBy its deployment's id).
UpdateService with a new revision (or forceNewDeployment) makes a new PRIMARY deployment; the
old one, now ACTIVE, is drained while the service stays within minimumHealthyPercent and
maximumPercent; `rolloutState` goes IN_PROGRESS -> COMPLETED, and the service's events say so in
ECS's words. (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html)
Starting tasks is task_launches.py; what a service shows (deployments, counts, events) is
service_status.py; deployment records and rollbacks are deployment_records.py.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from .clock import Clock
from .deployment_records import DeploymentRecords
from .health import Health
from .lifecycle import Lifecycle
from .service_status import (
    DEFAULT_DEPLOYMENT_CONFIGURATION,
    ServiceStatus,
    count_cluster,
    scale_reason,
    stopped_message,
)
from .task_launches import LAUNCH_STEP, TaskLaunches, service_of

log = logging.getLogger(__name__)


class Scheduler(TaskLaunches, ServiceStatus, DeploymentRecords):
    """Reconciles each service that has something to do, on every tick of the sandbox."""

    def __init__(self, clock: Clock, lifecycle: Lifecycle) -> None:
        self.clock = clock
        self.lifecycle = lifecycle
        self.dirty: dict[int, Any] = {}  # id(service) -> service with work to do
        self.members: dict[int, list[Any]] = {}  # id(service) -> its tasks (found once)
        self.dirty_clusters: dict[int, tuple[Any, Any]] = {}  # id(cluster) -> (backend, cluster)
        # hooks (task, service) called when a service's task starts RUNNING or begins to stop
        self.on_running: list[Callable[[Any, Any], None]] = []
        self.on_stopping: list[Callable[[Any, Any], None]] = []
        lifecycle.listeners.append(self._task_changed)
        self._records_init()
        # health checks, exits and target health of RUNNING tasks (health.py)
        self.health = Health(clock, lifecycle, self, service_of)

    def reset(self) -> None:
        self.members.clear()
        self.dirty.clear()
        self.dirty_clusters.clear()
        self.health.reset()
        self.history.reset()
        for arn in list(self.hook_results):
            self.hook_results.quietly(arn, None)

    @property
    def idle(self) -> bool:
        return not self.dirty and not self.dirty_clusters and not self.health.due

    # -- what the layer tells the scheduler -----------------------------------------------
    def created(self, backend: Any, service: Any, body: dict[str, Any]) -> None:
        """A service moto just stored: ECS's defaults, its first deployment IN_PROGRESS."""
        from moto.moto_api._internal import mock_random

        now = self.clock.datetime()
        # drawn in the CreateService request's seed: a service made again under the same name
        # gets ids of its own
        service._ecskit_basis = f"{service.arn}/{mock_random.getrandbits(64):016x}"
        service.deployment_configuration = {
            **DEFAULT_DEPLOYMENT_CONFIGURATION,
            **(body.get("deploymentConfiguration") or {}),
        }
        service.created_at = now
        service.capacity_provider_strategy = body.get("capacityProviderStrategy")
        if body.get("capacityProviderStrategy") and not body.get("launchType"):
            service.launch_type = None
        service.health_check_grace_period_seconds = body.get("healthCheckGracePeriodSeconds")
        service.enable_execute_command = bool(body.get("enableExecuteCommand", False))
        service.running_count = 0
        service.pending_count = 0
        service.events = []
        service._ecskit_backend = backend
        service._ecskit_steady = False
        service.deployments = []
        if service.deployment_controller.get("type", "ECS") == "ECS" and service.task_definition:
            service.deployments = [self._deployment(service)]
            self.record_start(service, [])
        self.touch(service)

    def updated(self, backend: Any, service: Any, body: dict[str, Any], before: str | None) -> None:
        """After moto's UpdateService: a new PRIMARY deployment if the revision changed."""
        service._ecskit_backend = backend
        if body.get("taskDefinition"):
            service.task_definition = backend.describe_task_definition(body["taskDefinition"]).arn
        conf = body.get("deploymentConfiguration")
        if conf:
            service.deployment_configuration = {
                **getattr(service, "deployment_configuration", DEFAULT_DEPLOYMENT_CONFIGURATION),
                **conf,
            }
        new_revision = service.task_definition != before
        if service.deployments and (new_revision or body.get("forceNewDeployment")):
            for old in service.deployments:
                if old["status"] == "PRIMARY":
                    old["status"] = "ACTIVE"
                    old["updatedAt"] = self.clock.datetime()
            service.deployments.insert(0, self._deployment(service))
            self.record_start(service, service.deployments[1:])
        elif service.deployments:
            service.deployments[0]["desiredCount"] = service.desired_count
            service.deployments[0]["updatedAt"] = self.clock.datetime()
        service._ecskit_steady = False
        self.touch(service)

    def deleted(self, service: Any) -> None:
        """DeleteService: DRAINING while its tasks stop, then INACTIVE."""
        service.status = "DRAINING"
        service.desired_count = 0
        for deployment in service.deployments:
            deployment["desiredCount"] = 0
        self.touch(service)

    def touch(self, service: Any) -> None:
        self.dirty[id(service)] = service
        backend = getattr(service, "_ecskit_backend", None) or service._backend
        cluster = backend.clusters.get(service.cluster_name)
        if cluster is not None:
            self.dirty_clusters[id(cluster)] = (backend, cluster)

    def _task_changed(self, task: Any, old: str, new: str) -> None:
        backend = task._backend
        cluster = backend.clusters.get(task.cluster_name)
        if cluster is not None:
            self.dirty_clusters[id(cluster)] = (backend, cluster)
        if new == "STOPPED" and task.container_instance_arn:
            _release(backend, task)
        service = service_of(task)
        if service is None:
            return
        self.dirty[id(service)] = service
        if new == "STOPPED" and task.stop_code == "TaskFailedToStart":
            self._failed_to_start(task, service)
        if new == "RUNNING":
            for hook in self.on_running:
                _safely(hook, task, service)
        elif old == "RUNNING" and new != "RUNNING":
            for hook in self.on_stopping:
                _safely(hook, task, service)

    # -- the work ------------------------------------------------------------------------
    def tick(self, deadline: float | None = None) -> bool:
        """Reconcile every service with work to do; True if any task was started or stopped.
        With a `deadline` (time.monotonic()), services left over wait for the next tick."""
        changed = self.health.tick()
        for key, service in list(self.dirty.items()):
            if deadline is not None and changed and time.monotonic() > deadline:
                break
            busy, acted = self.reconcile(service)
            changed |= acted
            if not busy:
                self.dirty.pop(key, None)
        for key, (backend, cluster) in list(self.dirty_clusters.items()):
            count_cluster(backend, cluster)
            self.dirty_clusters.pop(key, None)
        return changed

    def reconcile(self, service: Any) -> tuple[bool, bool]:
        """One pass of the scheduler over one service: (still busy, started or stopped any)."""
        backend = getattr(service, "_ecskit_backend", None) or service._backend
        members = self.tasks_of(backend, service)
        live = [t for t in members if t.desired_status == "RUNNING"]
        acted = False
        if service.status in ("DRAINING", "INACTIVE"):
            for task in live:
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", scale_reason(service))
                acted = True
            if live:
                self._event(service, stopped_message(service, live))
            if all(t.last_status == "STOPPED" for t in members):
                service.status = "INACTIVE"
                self.history.forget(service)
                self._count(service, members)
                return False, acted
            self._count(service, members)
            return True, acted
        if not service.deployments:
            self._count(service, members)
            return False, False
        self.record_progress(service)
        engine = getattr(service, "_ecskit_traffic", None)
        if engine is not None and engine.active:  # blue/green, canary, linear
            busy, acted = engine.reconcile()
            if busy:
                return True, acted
            members = self.tasks_of(backend, service)
            live = [t for t in members if t.desired_status == "RUNNING"]
        primary = service.deployments[0]
        desired = service.desired_count
        conf = getattr(service, "deployment_configuration", DEFAULT_DEPLOYMENT_CONFIGURATION)
        max_total = math.floor(desired * conf.get("maximumPercent", 200) / 100)
        min_healthy = math.ceil(desired * conf.get("minimumHealthyPercent", 100) / 100)
        mine = [t for t in live if t.started_by == primary["id"]]
        old = [t for t in live if t.started_by != primary["id"]]

        # scale in: the newest first (ECS picks by placement; any choice is documented-valid)
        if len(mine) > desired:
            extra = sorted(mine, key=lambda t: (t.last_status == "RUNNING", t.created_at))
            extra = extra[: len(mine) - desired]
            for task in extra:
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", scale_reason(service))
            self._event(service, stopped_message(service, extra))
            gone = {id(t) for t in extra}
            live = [t for t in live if id(t) not in gone]
            mine = [t for t in mine if id(t) not in gone]
            acted = True

        room = max(max_total, desired) - len(live)
        wanted = min(desired - len(mine), room)
        if primary.get("rolloutState") == "FAILED":
            wanted = 0  # the circuit breaker stopped this deployment
        elif self.clock.now() < getattr(service, "_ecskit_backoff", 0.0):
            wanted = 0  # tasks failed to start a moment ago: wait, as ECS throttles
            self.dirty[id(service)] = service
        if wanted > 0:
            # a bounded step; the service stays dirty and starts the rest on the next tick
            started = self._start(backend, service, primary, min(wanted, LAUNCH_STEP))
            if started:
                live += started
                mine += started
                acted = True

        # drain the old deployments without going under minimumHealthyPercent
        if old:
            # a task counts once it passes its health checks (health.py)
            running = sum(1 for t in live if self.health.healthy(t))
            stopping = []
            for task in sorted(old, key=lambda t: t.last_status == "RUNNING"):
                if task.last_status != "RUNNING":
                    stopping.append(task)
                elif running - 1 >= min_healthy:
                    stopping.append(task)
                    running -= 1
            for task in stopping:
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", scale_reason(service))
            if stopping:
                self._event(service, stopped_message(service, stopping))
                acted = True
        known = {id(t) for t in members}  # a set: a list's `in` made this quadratic
        self._count(service, members + [t for t in mine if id(t) not in known])

        # deployments with nothing left are done; a lone PRIMARY at its count has COMPLETED
        members[:] = [t for t in members if t.last_status != "STOPPED"]  # forget the stopped
        left = {t.started_by for t in members}
        service.deployments = [
            d for d in service.deployments if d["status"] == "PRIMARY" or d["id"] in left
        ]
        steady = (
            len(service.deployments) == 1
            and service.running_count == desired
            and service.pending_count == 0
            and all(t.last_status in ("RUNNING", "STOPPED") for t in members)
            and all(self.health.healthy(t) for t in members if t.last_status == "RUNNING")
        )
        if steady:
            self.record_steady(service, primary)
            if primary.get("rolloutState") == "IN_PROGRESS":
                primary["rolloutState"] = "COMPLETED"
                primary["rolloutStateReason"] = "ECS deployment completed successfully."
                primary["updatedAt"] = self.clock.datetime()
                self._event(
                    service,
                    f"(service {service.name}) (deployment {primary['id']}) deployment completed.",
                )
            if not getattr(service, "_ecskit_steady", False):
                service._ecskit_steady = True
                self._event(service, f"(service {service.name}) has reached a steady state.")
            return False, acted
        service._ecskit_steady = False
        return True, acted


def _release(backend: Any, task: Any) -> None:
    """Give a stopped task's CPU, memory and ports back to its container instance."""
    instances = backend.container_instances.get(task.cluster_name, {})
    instance = instances.get(task.container_instance_arn.split("/")[-1])
    if instance is not None and task.resource_requirements and not getattr(task, "_released", 0):
        backend.update_container_instance_resources(
            instance, task.resource_requirements, removing=True
        )
        task._released = True


def _safely(hook: Callable[[Any, Any], None], task: Any, service: Any) -> None:
    try:
        hook(task, service)
    except Exception:  # a target group or Cloud Map hiccup must not stop ECS
        log.debug("sandbox hook %s failed for %s", hook, task.task_arn, exc_info=True)
