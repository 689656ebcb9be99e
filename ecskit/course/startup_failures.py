"""Chapter 08's exercises: six services that cannot start or cannot stay up, each fixed by the
learner; the check says what is still wrong and which AWS page to read.

>>> check("08-log-group", session)                   # doctest: +SKIP
Exercise 08-log-group (a log group that is not there): 1 of 3 right.
  ✘ service shop-logs is steady — ...

The pages each item sends to are the ones `ecskit.diagnose` cites for the same cause
(ecskit/diagnosis/causes.py has the sources).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from ..diagnosis import causes
from ..diagnosis.network import check_path
from ..diagnosis.service import diagnose_service
from ..rules import fargate_memory_options
from .catch_up import CLUSTER, web_task_definition
from .exercises import exercise
from .result import Result

GUIDE = causes.GUIDE
# what the report job of 08-memory needs, as the chapter's story says (the sandbox cannot run it)
REPORT_NEEDS_MIB = 700
BROKEN_RELEASE = "my-app:4"  # 08-health-check: the release whose /health answers 500
SECRET = "shop/db-password"
WAYS = {"public-ip": "internet gateway", "nat": "NAT gateway", "endpoints": "VPC endpoints"}


def shop_task(session: Any, family: str, tag: str = "3", **changes: Any) -> dict[str, Any]:
    """The body of chapter 02's `web` task definition under another family (and `changes`)."""
    body = web_task_definition(session, tag=tag)
    body.update(family=family, **changes)
    return body


def report_task(session: Any, task_memory: str = "512", container_memory: int = 400) -> dict:
    """The report job's task definition. The sandbox cannot run it, so this says what it would do:
    it needs about 700 MiB, and with less its container is killed for memory (the sandbox's
    `ecskit.sandbox/behaviour` Docker label, which does nothing on AWS:
    docs/container-behaviour.md)."""
    body = shop_task(session, "shop-report", memory=str(task_memory))
    container = body["containerDefinitions"][0]
    container.update(name="report", memory=int(container_memory), portMappings=[])
    if int(container_memory) < REPORT_NEEDS_MIB:
        container["dockerLabels"] = {"ecskit.sandbox/behaviour": "out-of-memory after=30"}
    return body


# -- what every check reads ------------------------------------------------------------------
def _service(session: Any, name: str) -> dict[str, Any] | None:
    found = session.ecs.describe_services(cluster=CLUSTER, services=[name])["services"]
    live = [s for s in found if s.get("status") == "ACTIVE"]
    return live[0] if live else None


def _settle(session: Any, name: str) -> None:
    """Let the sandbox finish what it started; on the manual clock, let up to five minutes pass
    while the service is not steady (a service whose tasks failed waits before retrying)."""
    sandbox = getattr(session, "sandbox", None)
    if sandbox is None:
        return
    sandbox.settle()
    for _ in range(10 if sandbox.clock == "manual" else 0):
        service = _service(session, name)
        if service is None or _is_steady(service):
            return
        sandbox.advance(30)


def _is_steady(service: dict[str, Any]) -> bool:
    deployments = service.get("deployments") or []
    return (
        len(deployments) == 1
        and deployments[0].get("rolloutState", "COMPLETED") == "COMPLETED"
        and service.get("runningCount") == service.get("desiredCount")
    )


def _start(
    session: Any, result: Result, name: str, made_in: str, later: tuple[str, ...]
) -> dict[str, Any] | None:
    """The service, after the sandbox has finished what it started; an item either way. Without
    the service, the exercise's `later` items are listed as not checked yet (a stable score)."""
    _settle(session, name)
    service = _service(session, name)
    result.add(
        service is not None,
        f"service {name} exists in cluster {CLUSTER}",
        f"run the cell under '{made_in}' that creates it",
    )
    if service is None:
        for what in (*later, f"service {name} is steady"):
            result.waiting(what, f"create service {name} (the cell under '{made_in}')")
    return service


def _steady(session: Any, result: Result, service: dict[str, Any], page: str) -> bool:
    """Steady as `ecskit.diagnose` sees it: one finished deployment, every task running, and no
    task of that deployment failing (a task that starts, then stops, is replaced for ever)."""
    name = service["serviceName"]
    found = diagnose_service(session, CLUSTER, service)
    return result.add(
        found.cause_id == "steady",
        f"service {name} is steady ({service.get('runningCount')} of "
        f"{service.get('desiredCount')} running, one deployment, no task failing)",
        f"not yet — ecskit.diagnose says: {found.cause}; read {found.docs or page}",
    )


def _definition(session: Any, service: dict[str, Any]) -> dict[str, Any]:
    arn = service["taskDefinition"]
    return dict(session.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"])


def _container(definition: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in definition.get("containerDefinitions") or [] if c.get("name") == name]
    return found[0] if found else {}


# -- the six exercises -----------------------------------------------------------------------
@exercise(
    "08-no-route",
    "a subnet with no way to the registry",
    "Give service shop-private a way to ECR (and CloudWatch Logs), and say which way you chose: "
    "check('08-no-route', session, way='public-ip' | 'nat' | 'endpoints').",
    answers=("way",),
)
def _no_route(session: Any, result: Result, way: Any = None) -> None:
    page = causes.PULL_ERRORS
    service = _start(
        session,
        result,
        "shop-private",
        "No route to the registry",
        ("its subnets give the tasks a way out", "the way you said is the way the network shows"),
    )
    if service is None:
        return
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    public = network.get("assignPublicIp") == "ENABLED"
    path = check_path(session, network.get("subnets") or [], public, _definition(session, service))
    result.add(
        path is not None and path.ok,
        "its subnets give the tasks a way out"
        + (f": {path.text}" if path is not None and path.ok else ""),
        (path.text + " " + path.fix if path is not None else "the subnets cannot be read")
        + f" Read {page}",
    )
    chose = WAYS.get(str(way))
    result.add(
        chose is not None and path is not None and path.ok and chose in path.text,
        f"you said way={way!r}, and the network shows it",
        "way is 'public-ip' (internet gateway + assignPublicIp ENABLED), 'nat' (default route "
        "to a NAT gateway) or 'endpoints' (VPC endpoints); say the one your fix uses",
    )
    _steady(session, result, service, page)


@exercise(
    "08-log-group",
    "a log group that is not there",
    "Make service shop-logs start: its tasks stop because their awslogs group does not exist.",
)
def _log_group(session: Any, result: Result) -> None:
    page = causes.INIT_ERRORS
    service = _start(
        session, result, "shop-logs", "A log group that is not there", ("its log group exists",)
    )
    if service is None:
        return
    options = (_container(_definition(session, service), "web").get("logConfiguration") or {}).get(
        "options"
    ) or {}
    group = options.get("awslogs-group", "")
    listed = (
        session.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] if group else []
    )
    exists = any(g["logGroupName"] == group for g in listed)
    creates = str(options.get("awslogs-create-group", "")).lower() == "true"
    result.add(
        exists or creates,
        f"its log group {group} exists" + (" (awslogs-create-group makes it)" if creates else ""),
        f"create the group the task definition names, or set awslogs-create-group; read {page}",
    )
    _steady(session, result, service, page)


@exercise(
    "08-secret",
    "a secret the execution role cannot read",
    f"Let the execution role of service shop-secret read the secret {SECRET}, and nothing more.",
)
def _secret(session: Any, result: Result) -> None:
    page = GUIDE + "task_execution_IAM_role.html"
    service = _start(
        session,
        result,
        "shop-secret",
        "A secret the role cannot read",
        (
            "its execution role may read the secret",
            "the role names the one secret, not every secret",
        ),
    )
    if service is None:
        return
    definition = _definition(session, service)
    role = str(definition.get("executionRoleArn", "")).rsplit("/", 1)[-1]
    secret = session.client("secretsmanager").describe_secret(SecretId=SECRET)["ARN"]
    resources = _allowed_resources(session, role, "secretsmanager:GetSecretValue")
    result.add(
        any(r != "*" and fnmatchcase(secret, r) for r in resources),
        f"role {role} may call secretsmanager:GetSecretValue on the secret's ARN",
        f"add an inline policy to {role} allowing secretsmanager:GetSecretValue with the "
        f"secret's ARN as its Resource (the developer guide's example); read {page}",
    )
    result.add(
        "*" not in resources,
        f'role {role} may not read every secret (no Resource "*")',
        "name the one secret: a role that may read every secret gives a leaked task all of them",
    )
    _steady(session, result, service, page)


def _allowed_resources(session: Any, role: str, action: str) -> list[str]:
    """The Resource values of the role's Allow statements (inline and attached) naming `action`."""
    iam = session.iam
    documents = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        documents.append(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
        )
        documents.append(version["PolicyVersion"]["Document"])
    found: list[str] = []
    for document in documents:
        if isinstance(document, str):
            document = json.loads(document)
        statements = document.get("Statement") or []
        for statement in [statements] if isinstance(statements, dict) else statements:
            actions = statement.get("Action") or []
            actions = [actions] if isinstance(actions, str) else actions
            if statement.get("Effect") == "Allow" and any(fnmatchcase(action, a) for a in actions):
                resources = statement.get("Resource") or []
                found += [resources] if isinstance(resources, str) else resources
    return found


@exercise(
    "08-health-check",
    "a release that fails its health check",
    f"Service shop-health's release {BROKEN_RELEASE} fails its container health check. Run "
    "the fixed release my-app:5 with the health check kept, and let the circuit breaker roll "
    "back the next bad release by itself.",
)
def _health_check(session: Any, result: Result) -> None:
    page = causes.REPOST + "ecs-task-stopped"
    service = _start(
        session,
        result,
        "shop-health",
        "A failing health check",
        (
            "it runs my-app:5",
            "its container keeps a health check",
            "the deployment circuit breaker is on, with rollback",
        ),
    )
    if service is None:
        return
    container = _container(_definition(session, service), "web")
    image = str(container.get("image", ""))
    result.add(
        image.endswith("/my-app:5"),
        f"it runs my-app:5 (now {image.rsplit('/', 1)[-1] or 'nothing'})",
        "push and register the fixed release, then update the service to it",
    )
    result.add(
        bool(container.get("healthCheck")),
        "its container keeps a health check",
        "removing the health check hides a broken release instead of catching it; keep it",
    )
    breaker = (service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    result.add(
        bool(breaker.get("enable") and breaker.get("rollback")),
        "the deployment circuit breaker is on, with rollback",
        "update_service(..., deploymentConfiguration={'deploymentCircuitBreaker': {'enable': "
        f"True, 'rollback': True}}); read {GUIDE}deployment-circuit-breaker.html",
    )
    _steady(session, result, service, page)


@exercise(
    "08-exits",
    "a one-shot container marked essential",
    "Service shop-migrate's tasks stop when their migrate container finishes. Keep the "
    "migration, but let the web container run after it succeeds.",
)
def _exits(session: Any, result: Result) -> None:
    page = causes.STOPPED_TASK_ERRORS
    service = _start(
        session,
        result,
        "shop-migrate",
        "A container that exits",
        ("container migrate is not essential", "container web starts after migrate exits with 0"),
    )
    if service is None:
        return
    definition = _definition(session, service)
    migrate, web = _container(definition, "migrate"), _container(definition, "web")
    result.add(
        bool(migrate) and migrate.get("essential") is False,
        "container migrate is not essential",
        "an essential container that stops stops the whole task (botocore's "
        "ContainerDefinition.essential); set essential False on migrate",
    )
    waits = [d for d in web.get("dependsOn") or [] if d.get("containerName") == "migrate"]
    result.add(
        any(d.get("condition") == "SUCCESS" for d in waits),
        "container web starts after migrate exits with 0 (dependsOn condition SUCCESS)",
        "give web dependsOn=[{'containerName': 'migrate', 'condition': 'SUCCESS'}] "
        "(botocore's ContainerDependency: COMPLETE, or SUCCESS for a zero exit)",
    )
    _steady(session, result, service, page)


@exercise(
    "08-memory",
    "a job that runs out of memory",
    f"Service shop-report's container is killed for memory: it needs about {REPORT_NEEDS_MIB} "
    "MiB. Give it enough, with a task size Fargate offers.",
)
def _memory(session: Any, result: Result) -> None:
    page = causes.REPOST + "ecs-resolve-outofmemory-errors"
    service = _start(
        session,
        result,
        "shop-report",
        "Too little memory",
        ("container report has the memory it needs", "the task size is one Fargate offers"),
    )
    if service is None:
        return
    definition = _definition(session, service)
    report = _container(definition, "report")
    limit = int(report.get("memory") or definition.get("memory") or 0)
    result.add(
        limit >= REPORT_NEEDS_MIB,
        f"container report may use {limit} MiB (it needs {REPORT_NEEDS_MIB})",
        f"raise the container's memory (and the task's) above {REPORT_NEEDS_MIB}; read {page}",
    )
    cpu, memory = int(definition.get("cpu") or 0), int(definition.get("memory") or 0)
    options = fargate_memory_options(cpu)
    result.add(
        memory in options and memory >= limit,
        f"task size {cpu} CPU units / {memory} MiB is one Fargate offers and holds the container",
        f"with cpu {cpu} Fargate offers memory {options}; the task's memory must be at least the "
        f"container's; read {GUIDE}fargate-tasks-services.html",
    )
    _steady(session, result, service, page)
