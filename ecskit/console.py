"""What the console's list views show, as plain rows (dicts): no widgets, easy to test.

>>> [row["family"] for row in families(session)]      # doctest: +SKIP
['web', 'worker']
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from .errors import plain_errors
from .inventory.crawl import BATCH, chunks

_REVISION_ARN = re.compile(r"task-definition/(?P<family>[^:]+):(?P<revision>\d+)$")


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    return [
        item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]
    ]


def deployment_status(services: list[dict[str, Any]]) -> str:
    """One line on the cluster's deployments, e.g. "2 completed, 1 in progress" ("—" if none)."""
    counts: dict[str, int] = {}
    for service in services:
        for deployment in service.get("deployments") or []:
            if deployment.get("status") != "PRIMARY":
                continue
            # rolloutState "is only returned for services that use the rolling update (ECS)
            # deployment type that aren't behind a Classic Load Balancer" (botocore model,
            # Deployment.rolloutState): its absence says nothing about progress
            state = str(deployment.get("rolloutState") or "NOT_REPORTED")
            counts[state] = counts.get(state, 0) + 1
    words = {
        "COMPLETED": "completed",
        "IN_PROGRESS": "in progress",
        "FAILED": "failed",
        "NOT_REPORTED": "without a rollout state",
    }
    return ", ".join(f"{n} {words.get(s, s.lower())}" for s, n in sorted(counts.items())) or "—"


def clusters(session: Any) -> list[dict[str, Any]]:
    """The clusters list: name, active services, running/pending tasks, deployments, insights."""
    ecs = session.ecs
    with plain_errors("list clusters"):
        arns = _pages(ecs, "list_clusters", "clusterArns")
        described = []
        for chunk in chunks(arns, BATCH["DescribeClusters"]):
            described += ecs.describe_clusters(clusters=chunk, include=["SETTINGS"])["clusters"]
        rows = []
        for cluster in sorted(described, key=_cluster_name):
            service_arns = _pages(
                ecs, "list_services", "serviceArns", cluster=cluster["clusterArn"]
            )
            services = []
            for chunk in chunks(service_arns, BATCH["DescribeServices"]):
                services += ecs.describe_services(cluster=cluster["clusterArn"], services=chunk)[
                    "services"
                ]
            settings = {s["name"]: s["value"] for s in cluster.get("settings") or []}
            rows.append(
                {
                    "name": _cluster_name(cluster),
                    "arn": cluster["clusterArn"],
                    "status": cluster.get("status", ""),
                    "services": int(cluster.get("activeServicesCount", 0)),
                    "running": int(cluster.get("runningTasksCount", 0)),
                    "pending": int(cluster.get("pendingTasksCount", 0)),
                    "deployments": deployment_status(services),
                    "container_insights": settings.get("containerInsights", "disabled"),
                }
            )
    return rows


def _cluster_name(cluster: dict[str, Any]) -> str:
    # a cluster described by its ARN alone (a List answer's record) has no clusterName
    return str(cluster.get("clusterName") or resource_name(cluster["clusterArn"]))


# Describe{ServiceDeployments,ServiceRevisions}: "You can specify a maximum of 20 ARNs."
# ListServiceDeployments.maxResults: 1-100 (botocore 1.44 ECS model)
# the Pending and Ongoing groups of service deployment states; the rest are Completed
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html
ONGOING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")


def cluster_names(session: Any) -> list[str]:
    """The clusters' names, sorted (one paginated call: for pickers, not the clusters view)."""
    with plain_errors("list clusters"):
        arns = _pages(session.ecs, "list_clusters", "clusterArns")
    return sorted(resource_name(arn) for arn in arns)


def service_names(session: Any, cluster: str) -> list[str]:
    """The names of a cluster's services, sorted (for pickers)."""
    with plain_errors(f"list the services of cluster {cluster}"):
        arns = _pages(session.ecs, "list_services", "serviceArns", cluster=cluster)
    return sorted(resource_name(arn) for arn in arns)


def auto_scaling_groups(session: Any) -> list[str]:
    """The Auto Scaling groups' names, sorted (for "use an existing group")."""
    with plain_errors("list Auto Scaling groups"):
        groups = _pages(session.autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups")
    return sorted(group["AutoScalingGroupName"] for group in groups)


def namespaces(session: Any) -> list[dict[str, Any]]:
    """The namespaces list: Cloud Map id, short name, created (newest first)."""
    with plain_errors("list namespaces"):
        found = _pages(session.servicediscovery, "list_namespaces", "Namespaces")
    rows = [
        {
            "id": item["Id"],
            "name": item["Name"],
            "arn": item["Arn"],
            "type": item.get("Type", ""),
            "created": item.get("CreateDate"),
        }
        for item in found
    ]
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return sorted(rows, key=lambda row: row["created"] or epoch, reverse=True)


def target_groups(session: Any) -> list[dict[str, Any]]:
    """The load balancer target groups (every page): name, arn, by name."""
    with plain_errors("list target groups"):
        found = _pages(session.elbv2, "describe_target_groups", "TargetGroups")
    rows = [{"name": g["TargetGroupName"], "arn": g["TargetGroupArn"]} for g in found]
    return sorted(rows, key=lambda row: row["name"])


def service_log_group(session: Any, cluster: str, service: str) -> str | None:
    """The awslogs group of a service's revision (None when there is no such service yet)."""
    ecs = session.ecs
    with plain_errors(f"read the service {service}"):
        try:
            found = ecs.describe_services(cluster=cluster, services=[service])["services"]
        except ecs.exceptions.ClusterNotFoundException:
            return None
    revision = _running_revision(found[0]) if found else None
    if not revision:
        return None
    described = describe_task_definition(session, revision)
    groups = log_groups_of(described)
    return groups[0] if groups else None


def _running_revision(service: dict[str, Any]) -> str | None:
    """The service's task definition, or its PRIMARY task set's: a service run by task sets
    (CodeDeploy or EXTERNAL, botocore model Service.taskSets) names none of its own; PRIMARY "is
    serving production traffic" (model, TaskSet.status)."""
    if service.get("taskDefinition"):
        return str(service["taskDefinition"])
    for task_set in service.get("taskSets") or []:
        if task_set.get("status") == "PRIMARY" and task_set.get("taskDefinition"):
            return str(task_set["taskDefinition"])
    return None


def log_groups_of(body: dict[str, Any]) -> list[str]:
    """The awslogs groups a task-definition body sends its logs to."""
    groups = []
    for container in body.get("containerDefinitions") or []:
        log = container.get("logConfiguration") or {}
        group = (log.get("options") or {}).get("awslogs-group")
        if log.get("logDriver") == "awslogs" and group and group not in groups:
            groups.append(group)
    return groups


def resource_name(arn: str) -> str:
    """The name an ARN ends with: "prod" from arn:aws:ecs:…:cluster/prod (a bare name as is)."""
    return arn.rsplit("/", 1)[-1]


def parse_revision_arn(arn: str) -> tuple[str, int]:
    """("web", 3) from arn:aws:ecs:…:task-definition/web:3."""
    found = _REVISION_ARN.search(arn)
    if not found:
        raise ValueError(f"{arn!r} is not a task definition revision ARN")
    return found["family"], int(found["revision"])


def families(session: Any) -> list[dict[str, Any]]:
    """Each family with an ACTIVE revision: family, latest ACTIVE revision, count of ACTIVE ones."""
    with plain_errors("list task definitions"):
        arns = _pages(session.ecs, "list_task_definitions", "taskDefinitionArns", status="ACTIVE")
    latest: dict[str, dict[str, Any]] = {}
    for arn in arns:
        family, revision = parse_revision_arn(arn)
        row = latest.setdefault(family, {"family": family, "revision": 0, "active": 0})
        row["active"] += 1
        if revision > row["revision"]:
            row.update(revision=revision, arn=arn, latest=f"{family}:{revision}")
    return [latest[name] for name in sorted(latest)]


def revisions(session: Any, family: str, status: str = "ALL") -> list[dict[str, Any]]:
    """The revisions of one family, newest first: revision, status ("ACTIVE"/"INACTIVE"), arn."""
    rows = []
    states = ("ACTIVE", "INACTIVE") if status == "ALL" else (status,)
    with plain_errors(f"list the revisions of {family}"):
        for state in states:
            arns = _pages(
                session.ecs,
                "list_task_definitions",
                "taskDefinitionArns",
                familyPrefix=family,
                status=state,
            )
            for arn in arns:
                name, revision = parse_revision_arn(arn)
                if name == family:  # familyPrefix also matches longer names
                    rows.append(
                        {
                            "revision": revision,
                            "status": state,
                            "arn": arn,
                            "name": f"{name}:{revision}",
                        }
                    )
    return sorted(rows, key=lambda row: row["revision"], reverse=True)


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """{"containerDefinitions[0].image": "nginx", ...}: every leaf of a JSON value by its path."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{path}[{index}]"))
        return out
    return {path: value}


def diff_revisions(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """The paths whose values differ between two revisions (output-only keys ignored), in order.

    Each row: {"path", "a", "b", "change"}: "changed", "added" or "removed" (that side is None).
    """
    from .rules.command import unwrap

    # what was registered, not what ECS added (ARN, revision, status, dates)
    left, right = flatten(unwrap(a)), flatten(unwrap(b))
    rows = []
    missing = object()
    for path in sorted(set(left) | set(right), key=_path_key):
        old, new = left.get(path, missing), right.get(path, missing)
        if old != new:
            rows.append(
                {
                    "path": path,
                    "a": None if old is missing else old,
                    "b": None if new is missing else new,
                    "change": "added"
                    if old is missing
                    else "removed"
                    if new is missing
                    else "changed",
                }
            )
    return rows


def _path_key(path: str) -> list[Any]:
    # containerDefinitions[10] sorts after containerDefinitions[9]
    return [int(part) if part.isdigit() else part for part in re.split(r"\[(\d+)\]", path)]


def describe_task_definition(session: Any, revision: str) -> dict[str, Any]:
    """The full description of `family:N` (or `family` for its latest ACTIVE revision)."""
    with plain_errors(f"read task definition {revision}"):
        return session.ecs.describe_task_definition(taskDefinition=revision)["taskDefinition"]


def _trusts_ecs_tasks(document: Any) -> bool:
    if isinstance(document, str):
        from urllib.parse import unquote

        try:
            document = json.loads(unquote(document))
        except ValueError:
            return False
    statements = (document or {}).get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        service = (statement.get("Principal") or {}).get("Service") or []
        if "ecs-tasks.amazonaws.com" in ([service] if isinstance(service, str) else service):
            return True
    return False


def task_roles(session: Any) -> list[dict[str, str]]:
    """The account's roles that ECS tasks may assume: [{"name", "arn"}], by name."""
    with plain_errors("list IAM roles"):
        roles = []
        for page in session.iam.get_paginator("list_roles").paginate():
            for role in page["Roles"]:
                if _trusts_ecs_tasks(role.get("AssumeRolePolicyDocument")):
                    roles.append({"name": role["RoleName"], "arn": role["Arn"]})
    return sorted(roles, key=lambda role: role["name"])
