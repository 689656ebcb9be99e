"""Parameters a task definition's platform does not support: Windows containers' and
Fargate's (both say "remove it")."""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import TD, as_dict, dicts, strings
from .problem import ERROR, Problem, rule
from .task_facts import TaskFacts

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
