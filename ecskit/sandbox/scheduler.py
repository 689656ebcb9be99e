"""ECS's service scheduler over moto's stored services: desiredCount tasks, rolling deployments.

A service keeps `desiredCount` tasks (group `service:NAME`, startedBy its deployment's id).
UpdateService with a new revision (or forceNewDeployment) makes a new PRIMARY deployment; the
old one, now ACTIVE, is drained while the service stays within minimumHealthyPercent and
maximumPercent; `rolloutState` goes IN_PROGRESS -> COMPLETED, and the service's events say so in
ECS's words. (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html)
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from . import placement
from .clock import Clock
from .deployment_records import DeploymentRecords, breaker_threshold
from .health import Health
from .lifecycle import PENDING_STATES, Lifecycle, _dt
from .recording import derived_uuid, seeded

log = logging.getLogger(__name__)

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
MAX_EVENTS = 100
# Tasks one reconcile pass starts for a service: the sandbox's own step, so that no request
# waits long for a large service (ECS itself launches at most 500 tasks a minute per Fargate
# service: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html).
LAUNCH_STEP = 50
FAILURE_BACKOFF = 60.0  # seconds of sandbox time before a failing service tries again


def new_deployment_id(key: str) -> str:
    """`ecs-svc/` and 19 digits, as ECS shows them; the same for the same `key` (snapshots)."""
    return "ecs-svc/" + str(10**18 + derived_uuid(key).int % (9 * 10**18))


def _serial(service: Any, kind: str) -> str:
    """A key for the service's n-th thing of `kind` (deployment, event, launch): what the
    scheduler makes draws its ids from it, whichever tick makes it (snapshots replay to it)."""
    counts = service.__dict__.setdefault("_ecskit_serials", {})
    counts[kind] = counts.get(kind, 0) + 1
    return f"{getattr(service, '_ecskit_basis', service.arn)}/{kind}/{counts[kind]}"


def short_id(task: Any) -> str:
    return task.task_arn.split("/")[-1]


class Scheduler(DeploymentRecords):
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
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", _scale_reason(service))
                acted = True
            if live:
                self._event(service, _stopped_message(service, live))
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
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", _scale_reason(service))
            self._event(service, _stopped_message(service, extra))
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
                self.lifecycle.stop(task, "ServiceSchedulerInitiated", _scale_reason(service))
            if stopping:
                self._event(service, _stopped_message(service, stopping))
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

    def _start(self, backend: Any, service: Any, deployment: dict[str, Any], count: int) -> list:
        refused = _role_refused(backend, deployment["taskDefinition"])
        if refused:
            # ECS cannot assume a role given for the task: nothing launches, an event says why
            self._event(
                service, f"service {service.name} failed to launch a task with (error {refused})."
            )
            return []
        group = f"service:{service.name}"
        strategy = getattr(service, "capacity_provider_strategy", None)
        started: list[Any] = []
        # with a capacity provider strategy: each provider's share (moto runs a call's tasks on
        # the first provider it is given, so each share is its own call)
        shares: list[tuple[Any, int]] = [(strategy, count)]
        if strategy:
            live = Counter(
                t.capacity_provider_name
                for t in self.tasks_of(backend, service)
                if t.desired_status != "STOPPED"
            )
            shares = [
                ([{"capacityProvider": name, "weight": 1}], n)
                for name, n in placement.over_providers(strategy, live, count)
            ]
        try:
            for share, wanted in shares:
                done = 0
                while done < wanted:
                    batch = min(10, wanted - done)
                    with seeded(_serial(service, "launch")):
                        tasks = backend.run_task(
                            service.cluster_name,
                            deployment["taskDefinition"],
                            batch,
                            None,
                            deployment["id"],
                            service.tags if service.propagate_tags == "SERVICE" else None,
                            None if strategy else service.launch_type,
                            service.network_configuration or None,
                            group,
                            service.platform_version,
                            share,
                        )
                    started += tasks
                    done += len(tasks)
                    if len(tasks) < batch:
                        raise _Unplaceable(backend, service, deployment["taskDefinition"])
        except _Unplaceable as why:
            self._event(service, why.message)
        except Exception as exc:  # ECS reports placement trouble as an event
            self._event(
                service,
                f"(service {service.name}) was unable to place a task because no container "
                f"instance met all of its requirements. Reason: {exc}.",
            )
        if started:
            self.tasks_of(backend, service).extend(started)
            ids = " ".join(f"(task {short_id(t)})" for t in started)
            self._event(
                service, f"(service {service.name}) has started {len(started)} tasks: {ids}."
            )
        return started

    def tasks_of(self, backend: Any, service: Any) -> list[Any]:
        """The service's tasks: looked up in the store once, then kept as the scheduler starts
        them (stopped ones are dropped once every deployment has forgotten them)."""
        key = id(service)
        known = self.members.get(key)
        if known is None or getattr(service, "_ecskit_backend", backend) is not backend:
            known = self.members[key] = tasks_of(backend, service)
        return known

    def _failed_to_start(self, task: Any, service: Any) -> None:
        """Count the failure on its deployment; back off; the circuit breaker may stop it."""
        deployment = next((d for d in service.deployments if d["id"] == task.started_by), None)
        if deployment is None:
            return
        # ECS throttles a service whose tasks keep failing; the sandbox waits a minute
        service._ecskit_backoff = self.clock.now() + FAILURE_BACKOFF
        self._event(
            service,
            f"(service {service.name}) is unable to consistently start tasks successfully. "
            "For more information, see the Troubleshooting section of the Amazon ECS "
            "Developer Guide.",
        )
        self.count_failure(task, service)

    def count_failure(self, task: Any, service: Any) -> None:
        """One more failed task on its deployment (failed to start, or replaced for failing
        health checks: the circuit breaker's two stages); FAILED at the threshold."""
        deployment = next((d for d in service.deployments if d["id"] == task.started_by), None)
        if deployment is None:
            return
        deployment["failedTasks"] = deployment.get("failedTasks", 0) + 1
        conf = getattr(service, "deployment_configuration", {}) or {}
        breaker = conf.get("deploymentCircuitBreaker") or {}
        self.record_failure(service, deployment)
        if breaker.get("enable") and deployment["failedTasks"] >= breaker_threshold(
            conf, service.desired_count
        ):
            deployment["rolloutState"] = "FAILED"
            deployment["rolloutStateReason"] = (
                "ECS deployment circuit breaker: tasks failed to start."
            )
            self._event(
                service,
                f"(service {service.name}) (deployment {deployment['id']}) deployment failed: "
                "tasks failed to start.",
            )
            # with rollback: a new PRIMARY deployment of the last revision that worked
            wants = bool(breaker.get("rollback")) and deployment["status"] == "PRIMARY"
            self.record_tripped(service, deployment, wants)

    def _deployment(self, service: Any) -> dict[str, Any]:
        now = self.clock.datetime()
        deployment_id = new_deployment_id(_serial(service, "deployment"))
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
        event_id = str(derived_uuid(_serial(service, "event")))
        service.events.insert(
            0, {"id": event_id, "createdAt": self.clock.datetime(), "message": message}
        )
        del service.events[MAX_EVENTS:]


def _role_refused(backend: Any, task_definition: str) -> str | None:
    """ECS's words when a role of the revision (execution or task role) is missing or does not
    trust ecs-tasks.amazonaws.com (execution_role.launch_error has the sources)."""
    from .execution_role import launch_error

    revision = backend.describe_task_definition(task_definition)
    for arn in (
        getattr(revision, "execution_role_arn", None),
        getattr(revision, "task_role_arn", None),
    ):
        refused = launch_error(backend.account_id, arn) if arn else None
        if refused:
            return refused
    return None


class _Unplaceable(Exception):
    def __init__(self, backend: Any, service: Any, task_definition: str) -> None:
        from .placement import unplaceable_reason

        reason = unplaceable_reason(backend, service.cluster_name, task_definition)
        self.message = (
            f"(service {service.name}) was unable to place a task because no container instance "
            f"met all of its requirements. {reason}"
        )
        super().__init__(self.message)


def service_of(task: Any) -> Any:
    group = task.group or ""
    if not group.startswith("service:"):
        return None
    return task._backend.services.get(f"{task.cluster_name}:{group[len('service:') :]}")


def tasks_of(backend: Any, service: Any) -> list[Any]:
    group = f"service:{service.name}"
    return [t for t in backend.tasks.get(service.cluster_name, {}).values() if t.group == group]


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


def _scale_reason(service: Any) -> str:
    primary = service.deployments[0]["id"] if service.deployments else "ecs-svc"
    return f"Scaling activity initiated by (deployment {primary})"


def _stopped_message(service: Any, tasks: list[Any]) -> str:
    ids = " ".join(f"(task {short_id(t)})" for t in tasks)
    return f"(service {service.name}) has stopped {len(tasks)} running tasks: {ids}."


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


_ = _dt  # re-exported for hooks that stamp times
