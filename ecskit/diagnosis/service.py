"""A service's diagnosis: steady or not, and why — its deployments (rolloutState, the circuit
breaker's reason), its newest failed task, its events — from DescribeServices, ListTasks and
DescribeTasks, paged with botocore's paginators."""

from __future__ import annotations

from typing import Any

from ..errors import plain_errors
from ..inventory.crawl import chunks
from . import causes
from .configuration import findings
from .event_causes import EVENT_CAUSES
from .result import Diagnosis
from .task import diagnose_task, task_definition

DESCRIBE_TASKS_AT_ONCE = 100  # botocore DescribeTasks.tasks: "up to 100 tasks"
EVENTS_SHOWN = 5
# botocore DeploymentCircuitBreaker: "Rolling update", the page the circuit breaker's words send to
CIRCUIT_BREAKER_DOCS = causes.GUIDE + "deployment-type-ecs.html"


def describe(session: Any, cluster: str, service: str) -> dict[str, Any]:
    """DescribeServices for one service; a clear ValueError when ECS does not know it."""
    with plain_errors(f"describe service {service} in cluster {cluster}"):
        answer = session.ecs.describe_services(cluster=cluster, services=[service])
    found = [s for s in answer.get("services") or [] if s.get("status") != "INACTIVE"]
    if not found:
        raise ValueError(
            f"service={service!r}: cluster {cluster} has no such service; list them with "
            f"session.ecs.list_services(cluster={cluster!r})."
        )
    return dict(found[0])


def stopped_tasks(session: Any, cluster: str, service: str) -> list[dict[str, Any]]:
    """The service's stopped tasks ECS still remembers, newest first."""
    ecs = session.ecs
    arns: list[str] = []
    pages = ecs.get_paginator("list_tasks").paginate(
        cluster=cluster, serviceName=service, desiredStatus="STOPPED"
    )
    for page in pages:
        arns += page.get("taskArns") or []
    described: list[dict[str, Any]] = []
    for chunk in chunks(arns, DESCRIBE_TASKS_AT_ONCE):
        described += ecs.describe_tasks(cluster=cluster, tasks=chunk)["tasks"]
    return sorted(described, key=_when, reverse=True)


def _when(task: dict[str, Any]) -> Any:
    return task.get("stoppingAt") or task.get("stoppedAt") or task.get("createdAt") or 0


def _deployment_lines(service: dict[str, Any]) -> list[str]:
    lines = []
    for d in service.get("deployments") or []:
        line = (
            f"deployment {d.get('id')} ({d.get('status')}, "
            f"{str(d.get('taskDefinition', '')).rsplit('/', 1)[-1]}): rolloutState "
            f"{d.get('rolloutState', '—')}, {d.get('runningCount', 0)} running of "
            f"{d.get('desiredCount', 0)}, {d.get('failedTasks', 0)} failed"
        )
        if d.get("rolloutStateReason"):
            line += f" — {d['rolloutStateReason']}"
        lines.append(line)
    return lines


def _steady(service: dict[str, Any]) -> bool:
    deployments = service.get("deployments") or []
    return (
        len(deployments) == 1
        and deployments[0].get("rolloutState", "COMPLETED") == "COMPLETED"
        and service.get("runningCount") == service.get("desiredCount")
    )


def _breaker(service: dict[str, Any]) -> str:
    """What the circuit breaker did, in plain words ("" when it did nothing)."""
    failed = [d for d in service.get("deployments") or [] if d.get("rolloutState") == "FAILED"]
    if not failed:
        return ""
    revision = str(failed[0].get("taskDefinition", "")).rsplit("/", 1)[-1]
    primary = next(
        (d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"), {}
    )
    back = str(primary.get("taskDefinition", "")).rsplit("/", 1)[-1]
    if primary and primary is not failed[0] and back != revision:
        return f"the deployment circuit breaker stopped {revision} and rolled back to {back}"
    return f"the deployment circuit breaker stopped the deployment of {revision}"


def _worth_a_look(service: dict[str, Any]) -> bool:
    """Not steady, or its deployment counts failed tasks (botocore Deployment.failedTasks: tasks
    that could not launch, never reached RUNNING, or failed a health check and were stopped)."""
    failed = any(d.get("failedTasks") for d in service.get("deployments") or [])
    return failed or not _steady(service)


def diagnose_service(session: Any, cluster: str, service: dict[str, Any]) -> Diagnosis:
    """Why this (described) service is not steady — or that it is."""
    name = service.get("serviceName", "")
    subject = f"service {name}"
    status = (
        f"{service.get('runningCount', 0)} of {service.get('desiredCount', 0)} tasks running, "
        f"{service.get('pendingCount', 0)} pending"
    )
    events = [f"event: {e.get('message')}" for e in (service.get("events") or [])[:EVENTS_SHOWN]]
    said = _deployment_lines(service) + events
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    definition = task_definition(session, str(service.get("taskDefinition", "")))
    public = network.get("assignPublicIp", "DISABLED") == "ENABLED"
    seen = findings(session, definition, list(network.get("subnets") or []), public)
    breaker = _breaker(service)
    steady = _steady(service) and not breaker
    with plain_errors(f"list the stopped tasks of service {name}"):
        stopped = stopped_tasks(session, cluster, name)
    # a steady service can still be failing: its tasks start, run, then stop and are replaced
    # (botocore, Task.startedBy: "If an Amazon ECS service started the task, the startedBy
    # parameter contains the deployment ID of that service")
    deployments = service.get("deployments") or []
    primary = [d.get("id") for d in deployments if d.get("status") == "PRIMARY"]
    for task in stopped:
        if steady and task.get("startedBy") not in primary:
            continue  # an earlier deployment's task: not what happens now
        found = diagnose_task(session, task, service)
        if found.healthy:
            continue  # scaled in or stopped on purpose: not why the service is unsteady
        found.subject = f"{subject} (its task {found.subject.split(' ', 2)[1]})"
        found.status = status + (": its tasks start, then stop" if steady else "")
        found.evidence = said + [f"newest failed task — {line}" for line in found.evidence]
        found.findings = seen
        if breaker:
            found.cause = f"{found.cause}; {breaker}"
        return found
    if steady:
        return Diagnosis(
            subject, status, "steady", "steady: every task the service wants is running",
            docs=causes.GUIDE + "service-event-messages.html", evidence=said, findings=seen,
            healthy=True,
        )  # fmt: skip
    for line in events:
        cause = causes.recognise(line, EVENT_CAUSES)
        if cause is not None:
            return Diagnosis(
                subject, status, cause.id, cause.title, cause.explanation, cause.fix,
                cause.docs, said, seen,
            )  # fmt: skip
    if breaker:
        return Diagnosis(
            subject, status, "circuit-breaker", breaker,
            "The deployment's tasks kept failing, so ECS stopped the deployment.",
            "Find why its tasks failed (their stoppedReason); ECS keeps stopped tasks for at "
            "least an hour.", CIRCUIT_BREAKER_DOCS, said, seen,
        )  # fmt: skip
    if not any(d.get("failedTasks") for d in service.get("deployments") or []):
        return Diagnosis(
            subject, status, "in-progress", "not steady yet: a deployment is under way",
            "No task has failed; the scheduler is still starting or stopping tasks.",
            "Wait, then look again.", causes.GUIDE + "service-event-messages.html", said, seen,
            healthy=True,
        )  # fmt: skip
    return Diagnosis(
        subject, status, "not-recognised", "not recognised: ecskit cannot tell why",
        "Read the deployments and events below against the developer guide.",
        "Look at the service's events and its stopped tasks' stoppedReason.",
        causes.TROUBLESHOOTING, said, seen, recognised=False,
    )  # fmt: skip


def last_failure(session: Any, cluster: str, service: str) -> Diagnosis | None:
    """The newest failed task of the service ECS still remembers, diagnosed (None if none):
    why a deployment that stopped or rolled back failed, once the service is steady again."""
    with plain_errors(f"list the stopped tasks of service {service}"):
        stopped = stopped_tasks(session, cluster, service)
    for task in stopped:
        found = diagnose_task(session, task)
        if not found.healthy:
            return found
    return None


def attention(session: Any, cluster: str) -> list[Diagnosis]:
    """The diagnoses a cluster view shows: each service that is not steady or whose deployment
    counts failed tasks, and each standalone task that failed."""
    ecs = session.ecs
    found: list[Diagnosis] = []
    with plain_errors(f"read the services of cluster {cluster}"):
        arns: list[str] = []
        for page in ecs.get_paginator("list_services").paginate(cluster=cluster):
            arns += page.get("serviceArns") or []
        services: list[dict[str, Any]] = []
        for chunk in chunks(arns, 10):  # botocore DescribeServices: "up to 10 services"
            services += ecs.describe_services(cluster=cluster, services=chunk)["services"]
        for service in sorted(services, key=lambda s: s.get("serviceName", "")):
            if not _worth_a_look(service):
                continue  # steady, nothing failed: spare a large account the reads
            diagnosis = diagnose_service(session, cluster, service)
            if not diagnosis.ok:
                found.append(diagnosis)
        standalone: list[str] = []
        pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="STOPPED")
        for page in pages:
            standalone += page.get("taskArns") or []
        tasks: list[dict[str, Any]] = []
        for chunk in chunks(standalone, DESCRIBE_TASKS_AT_ONCE):
            tasks += ecs.describe_tasks(cluster=cluster, tasks=chunk)["tasks"]
    for task in sorted(tasks, key=_when, reverse=True):
        if str(task.get("group", "")).startswith("service:"):
            continue  # its service's diagnosis covers it
        diagnosis = diagnose_task(session, task)
        if not diagnosis.healthy:
            found.append(diagnosis)
    where = cluster.rsplit("/", 1)[-1]
    for diagnosis in found:
        diagnosis.subject = f"{diagnosis.subject} in cluster {where}"
    return found
