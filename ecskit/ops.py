"""The few writes ecskit makes, each one boto3 call (or a short, ordered few), errors made plain.

Every function takes an `ecskit.Session` first and raises `OpError` — never a botocore
traceback — with `.message` a beginner can act on, `.code` (AWS's error code) and `.field`
(the request path concerned, when it can be known).

>>> ops.register_task_definition(session, body)["revision"]   # doctest: +SKIP
1
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

# writes read through console, never the reverse; OpError, plain_errors and log_groups_of
# stay importable from ops, where users and widgets have always found them
from . import console
from .console import log_groups_of, resource_name
from .errors import OpError, plain_errors

# the role writes live in roles.py; ops is where notebooks and users have always called them
from .roles import (  # noqa: F401
    ECS_TASKS_TRUST,
    EXECUTION_ROLE_NAME,
    EXECUTION_ROLE_POLICY,
    EXECUTION_ROLE_RIGHTS,
    create_task_execution_role,
    service_role,
    trust_policy,
)

# CreateLogGroup's name rules (length, characters), as botocore's Logs model holds them
LOG_GROUP_API = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
)
# how often a Cloud Map operation is asked whether it has finished
POLL_SECONDS = 1.0


def _members(session: Any, operation: str) -> list[str]:
    """The request keys of an ECS operation, from botocore's own service model."""
    model = session.ecs.meta.service_model.operation_model(operation)
    return list(model.input_shape.members)


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    """The body without None values (a request never carries them)."""
    return {key: value for key, value in body.items() if value is not None}


# --- task definitions --------------------------------------------------------------------


def register_task_definition(
    session: Any, body: dict[str, Any], *, create_log_groups: bool | Iterable[str] = False
) -> dict[str, Any]:
    """Register `body` (RegisterTaskDefinition's JSON); the new revision's description.

    With `create_log_groups` (True: every awslogs group of the body; or the names to make), the
    groups are created before registering (as the console's "awslogs-create-group" does), so the
    first task's logs have somewhere to go. Nothing half-made: the body is checked with ecskit's
    rules and each group name with CloudWatch Logs' model first (a refusal names its field, its
    `code` is the rule's id, and nothing is created); if ECS still refuses the body, the groups
    this call created are deleted again (groups that were there before are left alone).
    """
    action = f"register task definition {body.get('family', '')!r}"
    wanted = log_groups_of(body) if create_log_groups is True else list(create_log_groups or [])
    made: Made = []
    if wanted:
        _refuse_what_rules_refuse(body, wanted, action)
    try:
        for group in wanted:
            if not _log_group_exists(session, group):
                create_log_group(session, group)
                made.append(
                    (
                        f"the log group {group}",
                        lambda g=group: session.logs.delete_log_group(logGroupName=g),
                    )
                )
        with plain_errors(action, _members(session, "RegisterTaskDefinition")):
            return session.ecs.register_task_definition(**_clean(body))["taskDefinition"]
    except OpError as error:
        raise undone(made, error) from None


def _refuse_what_rules_refuse(body: dict[str, Any], groups: list[str], action: str) -> None:
    """Raise the rules' errors for `body` (and Logs' for its group names) before anything."""
    from .rules import validate
    from .rules.model import check_request

    problems = [p for p in validate("task-definition", body) if p.severity == "error"]
    where = _log_group_paths(body)
    for group in groups:
        for problem in check_request("logs", "CreateLogGroup", {"logGroupName": group}):
            message = problem.message.replace("logGroupName", f"The log group name {group!r}")
            problems.append(
                replace(problem, path=where.get(group, ""), message=message, source=LOG_GROUP_API)
            )
    if problems:
        said = "; ".join(
            p.message if p.message.startswith(p.path) else f"{p.path or 'body'}: {p.message}"
            for p in problems
        )
        raise OpError(
            f"Could not {action}: {said} Nothing was created.", problems[0].rule, problems[0].path
        )


def _log_group_paths(body: dict[str, Any]) -> dict[str, str]:
    """Where each awslogs group is named in the body (its first container's option)."""
    paths: dict[str, str] = {}
    for index, container in enumerate(body.get("containerDefinitions") or []):
        options = ((container or {}).get("logConfiguration") or {}).get("options") or {}
        group = options.get("awslogs-group")
        if isinstance(group, str):
            paths.setdefault(
                group, f"containerDefinitions[{index}].logConfiguration.options.awslogs-group"
            )
    return paths


def _log_group_exists(session: Any, name: str) -> bool:
    with plain_errors(f"read the log group {name}"):
        pages = session.logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
        return any(g["logGroupName"] == name for page in pages for g in page["logGroups"])


# what a call made, to remove if a later step fails: (what it is, in words; how to remove it)
Made = list[tuple[str, Callable[[], Any]]]


def undone(made: Made, error: OpError) -> OpError:
    """`error`, once what was `made` is removed, newest first (what could not be, it names)."""
    left = []
    for what, remove in reversed(made):
        try:
            with plain_errors(f"remove {what}"):
                remove()
        except OpError:
            left.append(what)
    if not left:
        return error
    return OpError(
        f"{error.message} Could not remove {', '.join(left)}, made for it: delete it yourself.",
        error.code,
        error.field,
    )


def deregister_task_definition(session: Any, revision: str) -> dict[str, Any]:
    """Make `family:N` INACTIVE; tasks and services already using it keep running."""
    with plain_errors(f"deregister {revision}"):
        return session.ecs.deregister_task_definition(taskDefinition=revision)["taskDefinition"]


# --- log groups, namespaces --------------------------------------------------------------


def create_log_group(session: Any, name: str) -> str:
    """Create the CloudWatch Logs group `name` unless it exists; its name."""
    logs = session.logs
    exists = logs.exceptions.ResourceAlreadyExistsException
    with plain_errors(f"create the log group {name}"), contextlib.suppress(exists):
        logs.create_log_group(logGroupName=name)
    return name


def create_namespace(
    session: Any, name: str, description: str = "", *, wait_seconds: float = 60.0
) -> dict[str, str]:
    """Create a Cloud Map HTTP namespace (as ECS makes for Service Connect); its id, arn, name.

    Cloud Map creates it asynchronously: the operation is polled until SUCCESS (at most
    `wait_seconds`), a FAIL or a timeout is an OpError.
    """
    for row in console.namespaces(session):
        if row["name"] == name:
            return {"id": row["id"], "arn": row["arn"], "name": name}
    sd = session.servicediscovery
    with plain_errors(f"create the namespace {name}"):
        extra = {"Description": description} if description else {}
        operation_id = sd.create_http_namespace(Name=name, **extra)["OperationId"]
        operation = _finished(sd, operation_id, f"create the namespace {name}", wait_seconds)
    namespace_id = (operation.get("Targets") or {}).get("NAMESPACE")
    for row in console.namespaces(session):
        if row["id"] == namespace_id or row["name"] == name:
            return {"id": row["id"], "arn": row["arn"], "name": name}
    raise OpError(f"Could not create the namespace {name}: Cloud Map did not report it.")


def delete_namespace(session: Any, namespace_id: str, *, wait_seconds: float = 60.0) -> None:
    """Delete a Cloud Map namespace by its id, polled until Cloud Map says SUCCESS."""
    sd = session.servicediscovery
    action = f"delete the namespace {namespace_id}"
    with plain_errors(action):
        operation_id = sd.delete_namespace(Id=namespace_id)["OperationId"]
        _finished(sd, operation_id, action, wait_seconds)


def _finished(sd: Any, operation_id: str, action: str, wait_seconds: float) -> dict[str, Any]:
    """The Cloud Map operation once it has succeeded (polled every POLL_SECONDS)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        operation = sd.get_operation(OperationId=operation_id)["Operation"]
        status = operation.get("Status")
        if status == "SUCCESS":
            return dict(operation)
        if status == "FAIL":
            code = str(operation.get("ErrorCode") or "FAIL")
            reason = operation.get("ErrorMessage") or "Cloud Map reported that it failed"
            raise OpError(f"Could not {action}: {reason} ({code})", code)
        if time.monotonic() >= deadline:
            raise OpError(
                f"Could not {action}: Cloud Map had not finished after {wait_seconds:g} s "
                f"(operation {operation_id} is {status}). It may still appear: look again soon.",
                "Timeout",
            )
        time.sleep(POLL_SECONDS)


# --- clusters ----------------------------------------------------------------------------


def create_cluster(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Create a cluster from CreateCluster's JSON; its description."""
    with plain_errors(
        f"create cluster {body.get('clusterName', '')!r}", _members(session, "CreateCluster")
    ):
        return session.ecs.create_cluster(**_clean(body))["cluster"]


def update_cluster(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    with plain_errors(
        f"update cluster {body.get('cluster', '')!r}", _members(session, "UpdateCluster")
    ):
        return session.ecs.update_cluster(**_clean(body))["cluster"]


def delete_cluster(session: Any, cluster: str) -> dict[str, Any]:
    with plain_errors(f"delete cluster {cluster!r}"):
        return session.ecs.delete_cluster(cluster=cluster)["cluster"]


# --- services and tasks ------------------------------------------------------------------


def create_service(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    with plain_errors(
        f"create service {body.get('serviceName', '')!r}", _members(session, "CreateService")
    ):
        return session.ecs.create_service(**_clean(body))["service"]


def update_service(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    with plain_errors(
        f"update service {body.get('service', '')!r}", _members(session, "UpdateService")
    ):
        return session.ecs.update_service(**_clean(body))["service"]


def scale_service(session: Any, cluster: str, service: str, desired: int) -> dict[str, Any]:
    return update_service(
        session, {"cluster": cluster, "service": service, "desiredCount": int(desired)}
    )


def delete_service(session: Any, cluster: str, service: str) -> dict[str, Any]:
    """Scale `service` to 0 and delete it (the console's "Delete" with force)."""
    with plain_errors(f"delete service {service!r}"):
        return session.ecs.delete_service(cluster=cluster, service=service, force=True)["service"]


def run_task(session: Any, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Run tasks from RunTask's JSON; the tasks started. A task ECS could not place is an error."""
    with plain_errors(f"run task {body.get('taskDefinition', '')!r}", _members(session, "RunTask")):
        answer = session.ecs.run_task(**_clean(body))
    if answer.get("failures") and not answer.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')} {f.get('detail', '')}".strip()
            for f in answer["failures"]
        )
        raise OpError(f"Could not run task: ECS placed none: {reasons}", "PlacementFailure")
    return list(answer.get("tasks", []))


def stop_task(session: Any, cluster: str, task: str, reason: str = "Stopped from ecskit") -> Any:
    with plain_errors(f"stop task {task}"):
        return session.ecs.stop_task(cluster=cluster, task=task, reason=reason)["task"]


# --- service deployments -----------------------------------------------------------------

# ContinueServiceDeployment's actions (botocore model, DeploymentLifecycleHookAction)
HOOK_ACTIONS = ("CONTINUE", "ROLLBACK")


def roll_back_deployment(session: Any, arn: str) -> str:
    """Roll an unfinished service deployment back to the previous service revision (the console's
    Roll back: StopServiceDeployment, stopType ROLLBACK, "even if you didn't configure the
    service deployment for the rollback option", botocore model); the deployment's ARN."""
    with plain_errors(f"roll back deployment {resource_name(arn)}"):
        answer = session.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    return str(answer["serviceDeploymentArn"])


def continue_deployment(session: Any, arn: str, hook_id: str, action: str = "CONTINUE") -> str:
    """Answer a PAUSE hook a deployment waits at: CONTINUE to its next lifecycle stage, or
    ROLLBACK to the previous service revision (ContinueServiceDeployment); the deployment's ARN."""
    what = f"{'continue' if action == 'CONTINUE' else 'roll back'} deployment {resource_name(arn)}"
    if action not in HOOK_ACTIONS:
        raise OpError(
            f"Could not {what}: action must be CONTINUE or ROLLBACK, not {action!r}. "
            "Nothing was sent.",
            "InvalidParameterException",
            "action",
        )
    if not hook_id:
        raise OpError(
            f"Could not {what}: hookId is empty. DescribeServiceDeployments lists each paused "
            "hook's hookId in lifecycleHookDetails. Nothing was sent.",
            "InvalidParameterException",
            "hookId",
        )
    with plain_errors(what, _members(session, "ContinueServiceDeployment")):
        answer = session.ecs.continue_service_deployment(
            serviceDeploymentArn=arn, hookId=hook_id, action=action
        )
    return str(answer["serviceDeploymentArn"])
