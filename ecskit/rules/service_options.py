"""Service and RunTask options with documented conditions: the task definition a service needs,
service registries, the load balancer role, managed tags, deployment percentages under CODE_DEPLOY
and EXTERNAL, Service Connect access logs, Fargate platform 1.4.0 features, and RunTask's
startedBy, overrides and ECS Exec. Each condition is a sentence of botocore's ECS documentation
(docs/rules.md, the sweep).
"""

from __future__ import annotations

import re
from typing import Any

from . import docs
from .fields import as_dict, as_str, dicts, platform_version, strings
from .problem import ERROR, WARNING, rule
from .service import PLACED, launch_type

SERVICE_REGISTRY = docs.API + "API_ServiceRegistry.html"
TASK_OVERRIDE = docs.API + "API_TaskOverride.html"
CONTAINER_OVERRIDE = docs.API + "API_ContainerOverride.html"
ACCESS_LOGS = docs.API + "API_ServiceConnectConfiguration.html"
LINUX_1_4 = (1, 4, 0)
_STARTED_BY = re.compile(r"^[A-Za-z0-9_/-]{1,128}$")

TASK_DEFINITION = rule(
    "service.task-definition",
    ERROR,
    ("service",),
    "A service with the ECS or CODE_DEPLOY deployment controller names a task definition.",
    docs.CREATE_SERVICE,
)
REGISTRIES = rule(
    "service.registries",
    ERROR,
    ("service", "update-service"),
    "A service has at most one service registry; it gives containerName with containerPort "
    "(required for bridge and host tasks) or a port, not both.",
    SERVICE_REGISTRY,
)
ROLE = rule(
    "service.role",
    ERROR,
    ("service",),
    "role is only for a service with a load balancer whose task definition does not use awsvpc.",
    docs.CREATE_SERVICE,
)
MANAGED_TAGS = rule(
    "service.managed-tags",
    WARNING,
    ("service",),
    "With ECS managed tags, set propagateTags too (the API reference says you must).",
    docs.CREATE_SERVICE,
)
PERCENT_CONTROLLER = rule(
    "deployment.percent-controller",
    ERROR,
    ("service",),
    "A CODE_DEPLOY or EXTERNAL service on EC2 takes no custom minimumHealthyPercent or "
    "maximumPercent.",
    docs.DEPLOYMENT_CONFIGURATION,
)
ACCESS_LOG_CONFIGURATION = rule(
    "service-connect.access-logs",
    ERROR,
    ("service", "update-service"),
    "Service Connect access logs need a logConfiguration in serviceConnectConfiguration.",
    ACCESS_LOGS,
)
PLATFORM_FEATURES = rule(
    "fargate.platform-version-features",
    ERROR,
    PLACED,
    "On Fargate, systemControls, pidMode, ephemeralStorage, environmentFiles and added kernel "
    "capabilities need Linux platform version 1.4.0 or later.",
    docs.FARGATE_PLATFORM,
)
STARTED_BY = rule(
    "run-task.started-by",
    ERROR,
    ("run-task",),
    "startedBy has up to 128 letters, numbers, hyphens, forward slashes and underscores.",
    docs.RUN_TASK,
)
EXECUTE_COMMAND_ROLE = rule(
    "run-task.execute-command-role",
    ERROR,
    ("run-task",),
    "enableExecuteCommand needs a task role, in the task definition or as an override.",
    docs.RUN_TASK,
)
OVERRIDES = rule(
    "run-task.overrides",
    ERROR,
    ("run-task",),
    "Each container override names its container; an ephemeralStorage override is for Fargate.",
    TASK_OVERRIDE,
)


def run(kind: str, body: dict[str, Any], revision: dict[str, Any] | None, out: list) -> None:
    if kind == "service":
        _service(body, revision, out)
    if kind in ("service", "update-service"):
        _registries(body, revision, out)
        sc = as_dict(body.get("serviceConnectConfiguration"))
        if sc.get("accessLogConfiguration") and not sc.get("logConfiguration"):
            out.append(
                ACCESS_LOG_CONFIGURATION.at(
                    "serviceConnectConfiguration.logConfiguration",
                    "Access logs go through the Service Connect proxy's log configuration: add "
                    "a logConfiguration, or remove accessLogConfiguration.",
                )
            )
    if kind == "run-task":
        _run_task(body, revision, out)
    if revision is not None and launch_type(body) == "FARGATE":
        _platform_features(body, revision, out)


def _service(body: dict[str, Any], revision: dict[str, Any] | None, out: list) -> None:
    controller = as_str(as_dict(body.get("deploymentController")).get("type")) or "ECS"
    if controller in ("ECS", "CODE_DEPLOY") and not as_str(body.get("taskDefinition")):
        out.append(
            TASK_DEFINITION.at(
                "taskDefinition",
                f"A service with the {controller} deployment controller runs a task definition: "
                "name one (family, family:revision or ARN).",
            )
        )
    if body.get("role"):
        if not body.get("loadBalancers"):
            out.append(
                ROLE.at("role", "role is for a load balancer: add loadBalancers or remove role.")
            )
        elif revision is not None and revision.get("networkMode") == "awsvpc":
            out.append(
                ROLE.at(
                    "role",
                    "With awsvpc ECS uses its service-linked role: remove role.",
                )
            )
    if body.get("enableECSManagedTags") is True and not body.get("propagateTags"):
        out.append(
            MANAGED_TAGS.at(
                "propagateTags",
                "With enableECSManagedTags, set propagateTags (SERVICE or TASK_DEFINITION).",
            )
        )
    custom = [
        name
        for name in ("minimumHealthyPercent", "maximumPercent")
        if name in as_dict(body.get("deploymentConfiguration"))
    ]
    if controller in ("CODE_DEPLOY", "EXTERNAL") and body.get("launchType") == "EC2" and custom:
        out.append(
            PERCENT_CONTROLLER.at(
                f"deploymentConfiguration.{custom[0]}",
                f"A {controller} service on EC2 uses the default {custom[0]}: remove it.",
            )
        )


def _registries(body: dict[str, Any], revision: dict[str, Any] | None, out: list) -> None:
    registries = dicts(body.get("serviceRegistries"))
    if len(registries) > 1:
        out.append(
            REGISTRIES.at("serviceRegistries", "A service takes one service registry, not several.")
        )
    mode = as_str((revision or {}).get("networkMode")) or "bridge"
    for index, registry in registries:
        at = f"serviceRegistries[{index}]"
        name, port = registry.get("containerName"), registry.get("containerPort")
        if (name is None) != (port is None):
            out.append(
                REGISTRIES.at(at, "Give containerName and containerPort together, or neither.")
            )
        elif name is not None and registry.get("port") is not None:
            out.append(
                REGISTRIES.at(
                    f"{at}.port", "Give containerName and containerPort, or port, not both."
                )
            )
        elif revision is not None and mode in ("bridge", "host") and name is None:
            out.append(
                REGISTRIES.at(
                    at,
                    f"With the {mode} network mode, give the containerName and containerPort "
                    "the registry points at.",
                )
            )


def _run_task(body: dict[str, Any], revision: dict[str, Any] | None, out: list) -> None:
    started_by = body.get("startedBy")
    if isinstance(started_by, str) and not _STARTED_BY.match(started_by):
        out.append(
            STARTED_BY.at(
                "startedBy",
                "startedBy: up to 128 letters, numbers, hyphens (-), forward slashes (/) and "
                "underscores (_).",
            )
        )
    overrides = as_dict(body.get("overrides"))
    names = {as_str(c.get("name")) for _, c in dicts((revision or {}).get("containerDefinitions"))}
    for index, item in dicts(overrides.get("containerOverrides")):
        name = as_str(item.get("name"))
        at = f"overrides.containerOverrides[{index}].name"
        if not name and len(item) > 0:
            out.append(OVERRIDES.at(at, "Name the container this override is for."))
        elif name and revision is not None and name not in names:
            out.append(OVERRIDES.at(at, f"The task definition has no container {name!r}."))
    if overrides.get("ephemeralStorage") and body.get("launchType") not in (None, "FARGATE"):
        out.append(
            OVERRIDES.at(
                "overrides.ephemeralStorage",
                "An ephemeralStorage override is for tasks on Fargate only.",
            )
        )
    role = (revision or {}).get("taskRoleArn") or overrides.get("taskRoleArn")
    if body.get("enableExecuteCommand") is True and revision is not None and not role:
        out.append(
            EXECUTE_COMMAND_ROLE.at(
                "enableExecuteCommand",
                "ECS Exec needs a task role: give the task definition a taskRoleArn or pass "
                "overrides.taskRoleArn.",
            )
        )


def _platform_features(body: dict[str, Any], revision: dict[str, Any], out: list) -> None:
    """The "Linux platform version 1.4.0 or later" sentences of botocore's SystemControl,
    RegisterTaskDefinition.pidMode, EphemeralStorage, EnvironmentFile, KernelCapabilities and
    TaskOverride.ephemeralStorage documentation."""
    version = platform_version(body.get("platformVersion"))
    if version is None or version >= LINUX_1_4:
        return
    used = []
    if revision.get("pidMode"):
        used.append("pidMode")
    if revision.get("ephemeralStorage") or as_dict(body.get("overrides")).get("ephemeralStorage"):
        used.append("ephemeralStorage")
    for _, container in dicts(revision.get("containerDefinitions")):
        if container.get("systemControls"):
            used.append("systemControls")
        if container.get("environmentFiles"):
            used.append("environmentFiles")
        added = as_dict(as_dict(container.get("linuxParameters")).get("capabilities")).get("add")
        if strings(added):
            used.append("capabilities.add")
    if used:
        features = ", ".join(dict.fromkeys(used))
        out.append(
            PLATFORM_FEATURES.at(
                "platformVersion",
                f"{features} need Fargate platform version 1.4.0 or later (or LATEST), not "
                f"{body.get('platformVersion')}.",
            )
        )
