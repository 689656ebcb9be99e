"""Express Mode rules (CreateExpressGatewayService): roles, image, port, health path, size, scaling.

Facts from botocore 1.44.8's ECS model (CreateExpressGatewayServiceRequest and its shapes'
documentation strings) and the developer guide's Express Mode pages cited beside each rule.
`check(body)` is the whole check: the model's types and required fields, then these rules.
"""

from __future__ import annotations

import re
from typing import Any

from . import docs
from .fields import NAME, as_dict, as_int, as_str
from .model import check_request
from .problem import ERROR, Problem, rule
from .sizes import FARGATE_SIZES, cpu_label, memory_label, parse_cpu, parse_memory

KIND = ("express-service",)
OPERATION = "CreateExpressGatewayService"
CREATE = docs.API + "API_CreateExpressGatewayService.html"
CONTAINER = docs.API + "API_ExpressGatewayContainer.html"
SCALING = docs.API + "API_ExpressGatewayScalingTarget.html"
CREATE_GUIDE = docs.GUIDE + "express-service-create-full.html"
RESOURCES = docs.GUIDE + "express-service-work.html"
INFRASTRUCTURE_ROLE = docs.GUIDE + "infrastructure_IAM_role.html"
ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
# botocore ExpressGatewayScalingTarget.autoScalingMetric; the percent metrics are utilizations
METRICS = ("AVERAGE_CPU", "AVERAGE_MEMORY", "REQUEST_COUNT_PER_TARGET")
PERCENT_METRICS = ("AVERAGE_CPU", "AVERAGE_MEMORY")
# what taskDefinitionArn excludes (botocore CreateExpressGatewayServiceRequest.taskDefinitionArn)
NOT_WITH_TASK_DEFINITION = (
    "primaryContainer",
    "executionRoleArn",
    "taskRoleArn",
    "cpu",
    "memory",
    "cpuArchitecture",
)

ROLES = rule(
    "express.roles",
    ERROR,
    KIND,
    "An Express service names an infrastructure role (and, with a primary container, a task "
    "execution role) by IAM role ARN.",
    CREATE_GUIDE,
)
IMAGE = rule(
    "express.image",
    ERROR,
    KIND,
    "An Express service runs a container image (primaryContainer.image) unless it names a task "
    "definition, and then takes none of the container or size fields.",
    CREATE,
)
SERVICE_NAME = rule(
    "express.service-name",
    ERROR,
    KIND,
    "An Express service name has up to 255 letters, numbers, underscores and hyphens.",
    CREATE,
)
PORT = rule(
    "express.container-port",
    ERROR,
    KIND,
    "The container port the load balancer sends traffic to is 1-65535 (default 80).",
    CONTAINER,
)
HEALTH_PATH = rule(
    "express.health-check-path",
    ERROR,
    KIND,
    "The health check path starts with a forward slash (default /ping).",
    CREATE,
)
SIZE = rule(
    "express.size",
    ERROR,
    KIND,
    "Express tasks run on Fargate: cpu and memory are a pair from the Fargate table.",
    RESOURCES,
)
SCALING_RULE = rule(
    "express.scaling",
    ERROR,
    KIND,
    "Scaling: 0 <= min tasks <= max tasks, max at least 1; a CPU or memory target is a percent.",
    SCALING,
)


def check(body: Any) -> list[Problem]:
    """Every problem of `body` as a CreateExpressGatewayService request ([] when none).

    >>> [p.path for p in check({"primaryContainer": {"image": "nginx"}})]
    ['infrastructureRoleArn', 'executionRoleArn']
    """
    # the role's own rule says "required" in plain words: the model's twin is dropped
    out = [
        Problem(p.rule, p.severity, p.path, p.message, CREATE)
        for p in check_request("ecs", OPERATION, body)
        if (p.rule, p.path) != ("model.required", "infrastructureRoleArn")
    ]
    if isinstance(body, dict):
        run(body, out)
    return out


def run(body: dict[str, Any], out: list[Problem]) -> None:
    typed = {p.path for p in out}
    _roles(body, typed, out)
    _container(body, out)
    name = body.get("serviceName")
    if isinstance(name, str) and not NAME.match(name):
        out.append(
            SERVICE_NAME.at(
                "serviceName",
                f"Service name {name!r} may only use letters, numbers, hyphens and underscores, "
                "1 to 255 characters (leave it out and ECS makes one).",
            )
        )
    path = body.get("healthCheckPath")
    if isinstance(path, str) and not path.startswith("/"):
        out.append(
            HEALTH_PATH.at(
                "healthCheckPath",
                f"Health check path {path!r} must start with / (for example /health).",
            )
        )
    _size(body, out)
    _scaling(as_dict(body.get("scalingTarget")), out)


def _roles(body: dict[str, Any], typed: set[str], out: list[Problem]) -> None:
    wanted = [("infrastructureRoleArn", "Infrastructure role")]
    if "taskDefinitionArn" not in body:
        # "requires only a container image, task execution role and infrastructure role"
        wanted.append(("executionRoleArn", "Task execution role"))
    for key, label in wanted:
        value = as_str(body.get(key)).strip()
        if not value:
            if key not in typed:
                out.append(ROLES.at(key, f"{label} is required: choose one or create it."))
        elif not ROLE_ARN.match(value):
            out.append(
                ROLES.at(
                    key,
                    f"{label} {value!r} is not an IAM role ARN "
                    "(arn:aws:iam::123456789012:role/name).",
                )
            )
    task_role = as_str(body.get("taskRoleArn")).strip()
    if task_role and not ROLE_ARN.match(task_role):
        out.append(ROLES.at("taskRoleArn", f"Task role {task_role!r} is not an IAM role ARN."))


def _container(body: dict[str, Any], out: list[Problem]) -> None:
    if body.get("taskDefinitionArn"):
        for key in NOT_WITH_TASK_DEFINITION:
            if key in body:
                out.append(
                    IMAGE.at(
                        key,
                        f"{key} cannot be given with taskDefinitionArn: the task definition "
                        "says it. Remove one of them.",
                    )
                )
        return
    container = body.get("primaryContainer")
    if not isinstance(container, dict):
        out.append(IMAGE.at("primaryContainer.image", "Image is required, e.g. nginx:1.27."))
        return
    if not as_str(container.get("image")).strip() and "image" in container:
        out.append(IMAGE.at("primaryContainer.image", "Image is required, e.g. nginx:1.27."))
    port = as_int(container.get("containerPort"))
    if port is not None and not 1 <= port <= 65535:
        out.append(
            PORT.at(
                "primaryContainer.containerPort",
                f"Container port {port} is outside 1-65535: use the port your app listens on.",
            )
        )


def _size(body: dict[str, Any], out: list[Problem]) -> None:
    # botocore: cpu default 256, memory default 512 (the developer guide's Express defaults
    # page says 1024/2048: send both, and the question does not arise)
    if "cpu" not in body and "memory" not in body:
        return
    cpu = parse_cpu(body.get("cpu", "256"))
    memory = parse_memory(body.get("memory", "512"))
    if cpu not in FARGATE_SIZES:
        shown = ", ".join(cpu_label(c) for c in FARGATE_SIZES)
        out.append(SIZE.at("cpu", f"CPU {body.get('cpu')!r} is not a Fargate size: use {shown}."))
        return
    if memory not in FARGATE_SIZES[cpu]:
        allowed = FARGATE_SIZES[cpu]
        out.append(
            SIZE.at(
                "memory",
                f"{cpu_label(cpu)} takes {memory_label(allowed[0])} to "
                f"{memory_label(allowed[-1])} of memory on Fargate, not {body.get('memory')!r}.",
            )
        )


def _scaling(target: dict[str, Any], out: list[Problem]) -> None:
    low, high = as_int(target.get("minTaskCount")), as_int(target.get("maxTaskCount"))
    at = "scalingTarget."
    if low is not None and low < 0:
        out.append(SCALING_RULE.at(at + "minTaskCount", "Minimum tasks cannot be below 0."))
    if high is not None and high < 1:
        out.append(SCALING_RULE.at(at + "maxTaskCount", "Maximum tasks must be at least 1."))
    if low is not None and high is not None and low > high:
        out.append(
            SCALING_RULE.at(
                at + "maxTaskCount",
                f"Maximum tasks ({high}) is below minimum tasks ({low}): raise the maximum.",
            )
        )
    value = as_int(target.get("autoScalingTargetValue"))
    metric = target.get("autoScalingMetric", "AVERAGE_CPU")
    if value is not None and value <= 0:
        out.append(
            SCALING_RULE.at(at + "autoScalingTargetValue", "The scaling target must be above 0.")
        )
    elif value is not None and metric in PERCENT_METRICS and value > 100:
        out.append(
            SCALING_RULE.at(
                at + "autoScalingTargetValue",
                f"A {metric} target is a percent of the task's size: {value} is above 100.",
            )
        )
