"""How the scheduler starts a service's tasks, and what it does when they fail to start.

A mixin of `Scheduler` (scheduler.py): it uses the scheduler's clock, `members`, `_event` and
the deployment records (`record_failure`, `record_tripped`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import placement
from .history import breaker_threshold
from .recording import seeded
from .service_status import serial, short_id

# Tasks one reconcile pass starts for a service: the sandbox's own step, so that no request
# waits long for a large service (ECS itself launches at most 500 tasks a minute per Fargate
# service: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html).
LAUNCH_STEP = 50
FAILURE_BACKOFF = 60.0  # seconds of sandbox time before a failing service tries again


class TaskLaunches:
    """Starting a service's tasks; counting those that fail to start."""

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
                    with seeded(serial(service, "launch")):
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
