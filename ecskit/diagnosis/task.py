"""A task's diagnosis: its stoppedReason, stopCode and containers' reasons, exit codes and health
(DescribeTasks), read against the known causes, plus what its configuration shows."""

from __future__ import annotations

from typing import Any

from ..errors import plain_errors
from . import causes
from .configuration import findings
from .result import Diagnosis

# botocore's Task.stopCode values that are no failure of the task's own
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html)
_NOT_FAILURES = {
    "UserInitiated": "someone stopped it (a StopTask call)",
    "ServiceSchedulerInitiated": "the service scheduler stopped it",
}
STARTING = ("PROVISIONING", "PENDING", "ACTIVATING")


def describe(session: Any, cluster: str, task: str) -> dict[str, Any]:
    """DescribeTasks for one task; a clear ValueError when ECS does not know it."""
    with plain_errors(f"describe task {task} in cluster {cluster}"):
        answer = session.ecs.describe_tasks(cluster=cluster, tasks=[task])
    if not answer.get("tasks"):
        raise ValueError(
            f"task={task!r}: cluster {cluster} has no such task. ECS keeps a stopped task for at "
            "least an hour only; list them with session.ecs.list_tasks(cluster=..., "
            "desiredStatus='STOPPED')."
        )
    return dict(answer["tasks"][0])


def task_definition(session: Any, arn: str) -> dict[str, Any]:
    try:
        return dict(session.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"])
    except Exception:  # deleted revision, or no right to read it: diagnose without it
        return {}


def evidence(task: dict[str, Any]) -> list[str]:
    """ECS's own words about the task, one line each, quoted as DescribeTasks gives them."""
    lines = [f"lastStatus {task.get('lastStatus')}, desiredStatus {task.get('desiredStatus')}"]
    if task.get("stopCode"):
        lines.append(f"stopCode: {task['stopCode']}")
    if task.get("stoppedReason"):
        lines.append(f"stoppedReason: {task['stoppedReason']}")
    for container in task.get("containers") or []:
        said = [f"lastStatus {container.get('lastStatus')}"]
        if container.get("exitCode") is not None:
            said.append(f"exitCode {container['exitCode']}")
        if container.get("healthStatus") not in (None, "UNKNOWN"):
            said.append(f"healthStatus {container['healthStatus']}")
        reason = container.get("reason")
        if reason and reason != task.get("stoppedReason"):
            said.append(f"reason: {reason}")
        lines.append(f"container {container.get('name')}: " + ", ".join(said))
    return lines


def _cause_of(task: dict[str, Any]) -> causes.Cause | None:
    """The most specific known cause among the stoppedReason and the containers' reasons (an
    OutOfMemoryError in a container's reason beats "Essential container in task exited")."""
    texts = [str(task.get("stoppedReason") or "")]
    texts += [str(c.get("reason") or "") for c in task.get("containers") or []]
    found = [c for c in (causes.recognise(t) for t in texts) if c is not None]
    return min(found, key=causes.CAUSES.index) if found else None


def _exits(task: dict[str, Any]) -> str:
    codes = [
        f"{c.get('name')} exited with code {c['exitCode']}"
        for c in task.get("containers") or []
        if c.get("exitCode") is not None
    ]
    return "; ".join(codes)


def _subject(task: dict[str, Any]) -> str:
    name = str(task.get("taskArn", "")).rsplit("/", 1)[-1]
    revision = str(task.get("taskDefinitionArn", "")).rsplit("/", 1)[-1]
    group = task.get("group") or ""
    return f"task {name} ({revision}{', ' + group if group else ''})"


def _network(task: dict[str, Any], service: dict[str, Any] | None) -> tuple[list[str], bool | None]:
    """The task's subnets (its ENI attachment) and whether it has a public IP (the service's
    setting; None when unknown, as for a standalone task that has stopped)."""
    subnets: list[str] = []
    for attachment in task.get("attachments") or []:
        details = {d.get("name"): d.get("value") for d in attachment.get("details") or []}
        if details.get("subnetId"):
            subnets.append(str(details["subnetId"]))
    network = (service or {}).get("networkConfiguration") or task.get("overrides", {}).get(
        "networkConfiguration"
    )
    awsvpc = (network or {}).get("awsvpcConfiguration") or {}
    if not subnets:
        subnets = list(awsvpc.get("subnets") or [])
    public = awsvpc.get("assignPublicIp")
    return subnets, (None if public is None else public == "ENABLED")


def diagnose_task(
    session: Any, task: dict[str, Any], service: dict[str, Any] | None = None
) -> Diagnosis:
    """Why this (described) task stopped, or how it is doing; `service` lends its network."""
    definition = task_definition(session, str(task.get("taskDefinitionArn", "")))
    subnets, public_ip = _network(task, service)
    seen = findings(session, definition, subnets, public_ip) if definition else []
    last, desired = task.get("lastStatus"), task.get("desiredStatus")
    status = f"{last}" + (f" (stopping: {task.get('stopCode')})" if desired == "STOPPED" and
                          last != "STOPPED" else "")  # fmt: skip
    said = evidence(task)
    if desired != "STOPPED" and last not in ("STOPPED",):
        return _live(task, status, said, seen)
    cause = _cause_of(task)
    if cause is not None:
        exits = _exits(task) if cause.id == "essential-container-exited" else ""
        return Diagnosis(
            _subject(task), status, cause.id,
            cause.title + (f" ({exits})" if exits else ""),
            cause.explanation, cause.fix, cause.docs, said, seen,
            recognised=True, healthy=not cause.failure,
        )  # fmt: skip
    ordinary = _NOT_FAILURES.get(str(task.get("stopCode") or ""))
    if ordinary:
        return Diagnosis(
            _subject(task), status, "stopped-on-purpose", ordinary,
            "Nothing failed: the task was stopped on purpose.", "Nothing to fix.",
            causes.STOPPED_TASK_ERROR_CODES, said, seen, recognised=True, healthy=True,
        )  # fmt: skip
    return Diagnosis(
        _subject(task), status, "not-recognised",
        "not recognised: ecskit does not know this reason",
        "Read ECS's words below against the developer guide's troubleshooting pages.",
        "Look up the stoppedReason and the containers' reasons in the troubleshooting pages; "
        "the container's logs often say more.",
        causes.TROUBLESHOOTING, said, seen, recognised=False,
    )  # fmt: skip


def _live(task: dict[str, Any], status: str, said: list[str], seen: list[str]) -> Diagnosis:
    if task.get("healthStatus") == "UNHEALTHY":
        cause = next(c for c in causes.CAUSES if c.id == "container-health-check")
        return Diagnosis(
            _subject(task), status, cause.id, cause.title, cause.explanation, cause.fix,
            cause.docs, said, seen,
        )  # fmt: skip
    if task.get("lastStatus") in STARTING:
        return Diagnosis(
            _subject(task), status, "starting", "still starting",
            "ECS has not finished starting the task; look again in a moment.", "",
            causes.STOPPED_TASK_ERRORS, said, seen, healthy=True,
        )  # fmt: skip
    return Diagnosis(
        _subject(task), status, "running", "running: nothing stopped it", "", "", "",
        said, seen, healthy=True,
    )  # fmt: skip
