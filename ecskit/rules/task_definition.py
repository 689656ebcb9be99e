"""Task-level rules of a task definition: names, size, network mode, platform, Fargate, roles."""

from __future__ import annotations

import re
from typing import Any

from . import docs
from .fields import NAME, TD, as_dict, as_int, as_list, as_str, dicts, strings
from .problem import ERROR, Problem, rule
from .sizes import (
    EC2_TASK_CPU_RANGE,
    FARGATE_SIZES,
    FARGATE_WINDOWS_MIN_CPU,
    cpu_label,
    memory_label,
)
from .task_facts import Checks, TaskFacts, log_driver

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
FARGATE_SIZE_REQUIRED = rule(
    "fargate.size-required",
    ERROR,
    TD,
    "A Fargate task definition sets both task cpu and task memory.",
    docs.FARGATE_SIZE,
)
FARGATE_CPU_MEMORY = rule(
    "fargate.cpu-memory",
    ERROR,
    TD,
    "Fargate takes only the documented CPU/memory pairs (.25 vCPU: 0.5-2 GB ... 16 vCPU: "
    "32-120 GB).",
    docs.FARGATE_SIZE,
)
FARGATE_WINDOWS_CPU = rule(
    "fargate.windows-cpu",
    ERROR,
    TD,
    "Windows containers on Fargate need at least 1 vCPU.",
    docs.FARGATE,
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
WINDOWS_UNSUPPORTED = rule(
    "platform.windows-unsupported",
    ERROR,
    TD,
    "Parameters Windows containers do not support (privileged, linuxParameters, "
    "readonlyRootFilesystem, ulimits, disableNetworking, user, dnsServers, dnsSearchDomains, "
    "extraHosts, systemControls, pidMode, ipcMode).",
    docs.WINDOWS_TASK_DEFINITIONS,
)
FARGATE_UNSUPPORTED = rule(
    "fargate.unsupported",
    ERROR,
    TD,
    "Parameters Fargate does not support (privileged, links, devices, host volumes with a "
    "sourcePath, Docker volumes, placement constraints, ipcMode, host pidMode, GPUs...).",
    docs.FARGATE,
)
FARGATE_LOG_DRIVER = rule(
    "fargate.log-driver",
    ERROR,
    TD,
    "On Fargate the log driver is awslogs, splunk or awsfirelens.",
    docs.LOG_CONFIGURATION,
)
EPHEMERAL = rule(
    "fargate.ephemeral-storage",
    ERROR,
    TD,
    "ephemeralStorage is for Fargate tasks only, 21 to 200 GiB.",
    docs.EPHEMERAL_STORAGE,
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
        _fargate_size(facts, cpu_given, memory_given, out)
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


def _fargate_size(
    facts: TaskFacts, cpu_given: bool, memory_given: bool, out: list[Problem]
) -> None:
    for name, given in (("cpu", cpu_given), ("memory", memory_given)):
        if not given:
            out.append(
                FARGATE_SIZE_REQUIRED.at(
                    name, f"Fargate needs the task {name}: choose a CPU and memory pair."
                )
            )
    cpu, memory = facts.cpu, facts.memory
    if cpu is None:
        return
    if cpu not in FARGATE_SIZES:
        sizes = ", ".join(cpu_label(c) for c in FARGATE_SIZES)
        out.append(
            FARGATE_CPU_MEMORY.at(
                "cpu", f"Fargate does not offer {cpu} CPU units: choose one of {sizes}."
            )
        )
    elif memory is not None and memory not in FARGATE_SIZES[cpu]:
        options = FARGATE_SIZES[cpu]
        out.append(
            FARGATE_CPU_MEMORY.at(
                "memory",
                f"With {cpu_label(cpu)} Fargate takes {memory_label(options[0])} to "
                f"{memory_label(options[-1])} ({', '.join(str(m) for m in options)} MiB), "
                f"not {memory} MiB: choose one of those or another CPU.",
            )
        )
    if facts.windows and cpu < FARGATE_WINDOWS_MIN_CPU:
        out.append(
            FARGATE_WINDOWS_CPU.at(
                "cpu", f"Windows containers on Fargate need at least 1 vCPU, not {cpu_label(cpu)}."
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


def _present(value: Any) -> bool:
    return value not in (None, False, [], {}, "")


# Each: "This parameter is not supported for Windows containers." in botocore's
# ContainerDefinition documentation (links and extraHosts: "isn't supported for Windows").
_WINDOWS_UNSUPPORTED = (
    "privileged",
    "linuxParameters",
    "readonlyRootFilesystem",
    "ulimits",
    "disableNetworking",
    "user",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "systemControls",
)


@check
def windows_unsupported(facts: TaskFacts, out: list[Problem]) -> None:
    if not facts.windows:
        return
    # pidMode and ipcMode: "not supported for Windows containers" (RegisterTaskDefinition's docs)
    for name in ("pidMode", "ipcMode"):
        if _present(facts.body.get(name)):
            out.append(
                WINDOWS_UNSUPPORTED.at(
                    name, f"Windows containers do not support {name}: remove it."
                )
            )
    for index, container in facts.containers:
        for name in _WINDOWS_UNSUPPORTED:
            if _present(container.get(name)):
                out.append(
                    WINDOWS_UNSUPPORTED.at(
                        f"containerDefinitions[{index}].{name}",
                        f"Windows containers do not support {name}: remove it.",
                    )
                )


_FARGATE_CONTAINER_FIELDS = (
    "disableNetworking",
    "dnsSearchDomains",
    "dnsServers",
    "dockerSecurityOptions",
    "extraHosts",
    "links",
    "privileged",
)
_FARGATE_LINUX_FIELDS = ("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness")


@check
def fargate_unsupported(facts: TaskFacts, out: list[Problem]) -> None:
    if not facts.fargate:
        return
    body = facts.body

    def say(path: str, what: str) -> None:
        out.append(FARGATE_UNSUPPORTED.at(path, f"Fargate does not support {what}: remove it."))

    for name in ("ipcMode", "placementConstraints", "inferenceAccelerators"):
        if _present(body.get(name)):
            say(name, name)
    if body.get("pidMode") == "host":
        say("pidMode", 'pidMode "host" (only "task")')
    for index, volume in dicts(body.get("volumes")):
        if _present(volume.get("dockerVolumeConfiguration")):
            say(f"volumes[{index}].dockerVolumeConfiguration", "Docker volumes")
        if _present(as_dict(volume.get("host")).get("sourcePath")):
            say(f"volumes[{index}].host.sourcePath", "host volumes with a sourcePath")
    for index, container in facts.containers:
        at = f"containerDefinitions[{index}]"
        for name in _FARGATE_CONTAINER_FIELDS:
            if _present(container.get(name)):
                say(f"{at}.{name}", name)
        linux = as_dict(container.get("linuxParameters"))
        for name in _FARGATE_LINUX_FIELDS:
            if _present(linux.get(name)):
                say(f"{at}.linuxParameters.{name}", f"linuxParameters.{name}")
        added = strings(as_dict(linux.get("capabilities")).get("add"))
        for position, capability in enumerate(added):
            # "Tasks launched on Fargate only support adding the SYS_PTRACE kernel capability."
            # (botocore's KernelCapabilities.add documentation)
            if capability != "SYS_PTRACE":
                say(
                    f"{at}.linuxParameters.capabilities.add[{position}]",
                    f"adding {capability} (only SYS_PTRACE)",
                )
        for position, requirement in dicts(container.get("resourceRequirements")):
            if requirement.get("type") == "GPU":
                say(f"{at}.resourceRequirements[{position}]", "GPUs")


@check
def fargate_log_driver(facts: TaskFacts, out: list[Problem]) -> None:
    if not facts.fargate:
        return
    for index, container in facts.containers:
        driver = log_driver(container)
        if driver and driver not in FARGATE_LOG_DRIVERS:
            out.append(
                FARGATE_LOG_DRIVER.at(
                    f"containerDefinitions[{index}].logConfiguration.logDriver",
                    f"Fargate does not support the {driver} log driver: use awslogs, splunk or "
                    "awsfirelens.",
                )
            )


FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")


@check
def ephemeral_storage(facts: TaskFacts, out: list[Problem]) -> None:
    storage = facts.body.get("ephemeralStorage")
    if not isinstance(storage, dict):
        return
    if not facts.fargate:
        out.append(
            EPHEMERAL.at(
                "ephemeralStorage",
                "ephemeralStorage is for Fargate tasks only: add FARGATE to "
                "requiresCompatibilities or remove it.",
            )
        )
    size = as_int(storage.get("sizeInGiB"))
    if size is not None and not 21 <= size <= 200:
        out.append(
            EPHEMERAL.at(
                "ephemeralStorage.sizeInGiB",
                f"ephemeralStorage.sizeInGiB is 21 to 200, not {size}.",
            )
        )


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
