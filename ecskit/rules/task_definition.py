"""Task-level rules of a task definition: names, size, network mode, platform, roles.

Fargate's sizes, log drivers and ephemeral storage are in fargate.py; parameters Windows or
Fargate do not support in unsupported_parameters.py. `run` checks them all, in this order.
"""

from __future__ import annotations

import re

from . import docs, fargate, unsupported_parameters
from .fields import NAME, TD, as_dict, as_list, as_str
from .problem import ERROR, Problem, rule
from .sizes import EC2_TASK_CPU_RANGE
from .task_facts import Checks, TaskFacts

ECR_PRIVATE = re.compile(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")

FAMILY = rule(
    "names.family",
    ERROR,
    TD,
    "family is required: up to 255 letters, numbers, hyphens and underscores.",
    docs.REGISTER_TASK_DEFINITION,
)
CONTAINER_COUNT = rule(
    "containers.count",
    ERROR,
    TD,
    "A task definition has 1 to 10 containers.",
    docs.QUOTAS,
)
CPU_FORMAT = rule(
    "task.cpu-format",
    ERROR,
    TD,
    'Task cpu is CPU units ("1024") or vCPUs ("1 vCPU").',
    docs.TASK_DEFINITION,
)
MEMORY_FORMAT = rule(
    "task.memory-format",
    ERROR,
    TD,
    'Task memory is MiB ("2048") or GB ("2GB").',
    docs.TASK_DEFINITION,
)
EC2_TASK_SIZE = rule(
    "ec2.task-size",
    ERROR,
    TD,
    "On EC2 or external instances, task cpu is between 128 and 196608 CPU units (0.125 to 192 "
    "vCPU).",
    docs.REGISTER_TASK_DEFINITION,
)
FARGATE_NETWORK = rule(
    "fargate.network-mode",
    ERROR,
    TD,
    "Fargate tasks use the awsvpc network mode.",
    docs.FARGATE,
)
EXTERNAL_NETWORK = rule(
    "external.network-mode",
    ERROR,
    TD,
    "External instances (ECS Anywhere) do not support the awsvpc network mode.",
    docs.ANYWHERE,
)
WINDOWS_NETWORK = rule(
    "platform.windows-network-mode",
    ERROR,
    TD,
    "Windows tasks use the default network mode (networkMode left out) or awsvpc.",
    docs.TASK_DEFINITION,
)
ARM64 = rule(
    "platform.arm64-linux",
    ERROR,
    TD,
    "The ARM64 CPU architecture is for Linux tasks only.",
    docs.RUNTIME_PLATFORM,
)
EXECUTION_ROLE = rule(
    "execution-role.required",
    ERROR,
    TD,
    "An execution role is needed for awslogs or private ECR images on Fargate/external "
    "instances, secrets, private registry credentials and environment files.",
    docs.EXECUTION_ROLE,
)

check = Checks()


@check
def family(facts: TaskFacts, out: list[Problem]) -> None:
    value = facts.body.get("family")
    if value is None:
        return  # model.required says it
    text = as_str(value)
    if not text:
        out.append(FAMILY.at("family", "family is required: give the task definition a name."))
    elif not NAME.match(text):
        out.append(
            FAMILY.at(
                "family",
                f"family {text!r} may only use letters, numbers, hyphens and underscores, "
                "up to 255 characters.",
            )
        )


@check
def container_count(facts: TaskFacts, out: list[Problem]) -> None:
    containers = facts.body.get("containerDefinitions")
    if not isinstance(containers, list):
        return
    if not containers:
        out.append(
            CONTAINER_COUNT.at("containerDefinitions", "Add at least one container definition.")
        )
    elif len(containers) > 10:
        out.append(
            CONTAINER_COUNT.at(
                "containerDefinitions",
                f"A task definition holds at most 10 containers, not {len(containers)}: "
                "split it into several task definitions.",
            )
        )


@check
def size(facts: TaskFacts, out: list[Problem]) -> None:
    body = facts.body
    cpu_given = body.get("cpu") not in (None, "")
    memory_given = body.get("memory") not in (None, "")
    if cpu_given and isinstance(body.get("cpu"), str) and facts.cpu is None:
        out.append(
            CPU_FORMAT.at(
                "cpu",
                f"cpu {body['cpu']!r} is not a CPU size: write 1024 or 1 vCPU (0.25 vCPU...).",
            )
        )
    if memory_given and isinstance(body.get("memory"), str) and facts.memory is None:
        out.append(
            MEMORY_FORMAT.at(
                "memory", f"memory {body['memory']!r} is not a size: write 2048 (MiB) or 2GB."
            )
        )
    if facts.fargate:
        fargate.fargate_size(facts, cpu_given, memory_given, out)
    elif facts.cpu is not None:
        low, high = EC2_TASK_CPU_RANGE
        if not low <= facts.cpu <= high:
            out.append(
                EC2_TASK_SIZE.at(
                    "cpu",
                    f"Task cpu {facts.cpu} units is outside {low}-{high} (0.125-192 vCPU): "
                    "choose a value in that range or leave cpu out.",
                )
            )


@check
def network_mode(facts: TaskFacts, out: list[Problem]) -> None:
    mode = facts.network_mode
    if facts.fargate and mode != "awsvpc":
        shown = f"{mode!r}" if facts.network_mode_given else "left out (bridge)"
        out.append(
            FARGATE_NETWORK.at(
                "networkMode", f"Fargate tasks need networkMode awsvpc, not {shown}: set awsvpc."
            )
        )
    if facts.external and mode == "awsvpc":
        out.append(
            EXTERNAL_NETWORK.at(
                "networkMode",
                "External instances do not support awsvpc: use bridge, host or none, "
                "or drop EXTERNAL from requiresCompatibilities.",
            )
        )
    if facts.windows and mode in ("bridge", "host", "none") and facts.network_mode_given:
        out.append(
            WINDOWS_NETWORK.at(
                "networkMode",
                f"Windows tasks cannot use {mode}: leave networkMode out (default) or use awsvpc.",
            )
        )


@check
def runtime_platform(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.architecture == "ARM64" and facts.os_family != "LINUX":
        out.append(
            ARM64.at(
                "runtimePlatform.cpuArchitecture",
                f"ARM64 runs Linux only, not {facts.os_family}: use X86_64 or LINUX.",
            )
        )


# checked here in the order they were written before (problems come out in this order)
check(unsupported_parameters.windows_unsupported)
check(unsupported_parameters.fargate_unsupported)
check(fargate.fargate_log_driver)
check(fargate.ephemeral_storage)


@check
def execution_role(facts: TaskFacts, out: list[Problem]) -> None:
    if as_str(facts.body.get("executionRoleArn")):
        return
    managed_by_ecs = facts.fargate or facts.external  # no instance role to fall back on
    reasons: list[tuple[str, str]] = []
    for index, container in facts.containers:
        at = f"containerDefinitions[{index}]"
        name = as_str(container.get("name")) or f"container {index + 1}"
        log = as_dict(container.get("logConfiguration"))
        if managed_by_ecs and log.get("logDriver") == "awslogs":
            reasons.append((f"{at}.logConfiguration", f"{name} sends logs with awslogs"))
        if managed_by_ecs and ECR_PRIVATE.match(as_str(container.get("image"))):
            reasons.append((f"{at}.image", f"{name} pulls a private ECR image"))
        if as_list(container.get("secrets")) or as_list(log.get("secretOptions")):
            reasons.append((f"{at}.secrets", f"{name} reads secrets"))
        if isinstance(container.get("repositoryCredentials"), dict):
            reasons.append(
                (f"{at}.repositoryCredentials", f"{name} uses private registry credentials")
            )
        if as_list(container.get("environmentFiles")):
            reasons.append((f"{at}.environmentFiles", f"{name} reads environment files from S3"))
    for _path, why in reasons[:3]:
        out.append(
            EXECUTION_ROLE.at(
                "executionRoleArn",
                f"{why}, so the task needs an execution role: set executionRoleArn "
                "(e.g. ecsTaskExecutionRole).",
            )
        )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
