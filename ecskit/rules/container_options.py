"""Container options with documented limits: user, hostname and extra hosts, restart policy,
security options, credential specs, start/stop timeouts, environment files, Linux parameters and
system controls. Each limit is a sentence of botocore's ECS documentation (docs/rules.md, the
sweep), cited by the API reference page of its shape.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from . import docs
from .fields import TD, as_dict, as_int, as_str, container_path, dicts, strings
from .model import service_model
from .problem import ERROR, Problem, rule
from .task_facts import Checks, TaskFacts

LINUX_PARAMETERS = docs.API + "API_LinuxParameters.html"
KERNEL_CAPABILITIES = docs.API + "API_KernelCapabilities.html"
RESTART_POLICY = docs.API + "API_ContainerRestartPolicy.html"
SYSTEM_CONTROL = docs.API + "API_SystemControl.html"
TMPFS = docs.API + "API_Tmpfs.html"
ENVIRONMENT_FILE = docs.API + "API_EnvironmentFile.html"

USER = rule(
    "container.user",
    ERROR,
    TD,
    "A container's user is user, user:group, uid, uid:gid, user:gid or uid:group; a UID or GID "
    "is a positive integer.",
    docs.CONTAINER_DEFINITION,
)
AWSVPC_UNSUPPORTED = rule(
    "container.awsvpc-unsupported",
    ERROR,
    TD,
    "hostname and extraHosts are not supported with the awsvpc network mode.",
    docs.CONTAINER_DEFINITION,
)
RESTART = rule(
    "container.restart-policy",
    ERROR,
    TD,
    "A restart policy ignores at most 50 exit codes; restartAttemptPeriod is 60 to 1800 seconds.",
    RESTART_POLICY,
)
SECURITY_OPTIONS = rule(
    "container.security-options",
    ERROR,
    TD,
    'dockerSecurityOptions are "no-new-privileges", "apparmor:PROFILE", "label:value" or '
    '"credentialspec:CredentialSpecFilePath".',
    docs.CONTAINER_DEFINITION,
)
CREDENTIAL_SPECS = rule(
    "container.credential-specs",
    ERROR,
    TD,
    "credentialSpecs holds at most one ARN, as credentialspec:ARN or credentialspecdomainless:ARN.",
    docs.CONTAINER_DEFINITION,
)
TIMEOUTS = rule(
    "fargate.timeouts",
    ERROR,
    TD,
    "On Fargate, a container's startTimeout and stopTimeout are 2 to 120 seconds.",
    docs.CONTAINER_DEFINITION,
)
ENVIRONMENT_FILES = rule(
    "environment.files",
    ERROR,
    TD,
    "A container has up to ten environment files, each an S3 object ending in .env.",
    ENVIRONMENT_FILE,
)
CAPABILITIES = rule(
    "linux.capabilities",
    ERROR,
    TD,
    "Kernel capabilities to add or drop are names from the documented list (ALL, CHOWN, "
    "NET_ADMIN, SYS_PTRACE, ...), without the CAP_ prefix.",
    KERNEL_CAPABILITIES,
)
SWAP = rule(
    "linux.swap",
    ERROR,
    TD,
    "swappiness is a whole number from 0 to 100 and takes effect only with maxSwap, which is 0 "
    "or more.",
    LINUX_PARAMETERS,
)
TMPFS_OPTIONS = rule(
    "linux.tmpfs-options",
    ERROR,
    TD,
    "tmpfs mountOptions are from the documented list (defaults, ro, rw, noexec, ...).",
    TMPFS,
)
SYSTEM_CONTROLS = rule(
    "container.system-controls",
    ERROR,
    TD,
    "Network systemControls (net.*) are not supported with the host network mode, nor IPC ones "
    "(kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) with the host IPC mode.",
    SYSTEM_CONTROL,
)


@cache
def documented_values(shape: str, member: str) -> frozenset[str]:
    """The 'Valid values: "a" | "b"' list of a member's documentation in botocore's ECS model
    (KernelCapabilities.add/drop, Tmpfs.mountOptions: lists of strings the model cannot enum)."""
    text = service_model().shape_for(shape).members[member].documentation or ""
    listed = text.split("Valid values:", 1)[-1]
    return frozenset(re.findall(r'"([^"]+)"', listed))


# IPC-namespaced kernel parameters (SystemControl's documentation in the SDK references:
# https://docs.aws.amazon.com/sdk-for-python/v4/reference/clients/ecs/dictionaries/SystemControlDict/)
IPC_CONTROLS = frozenset(
    {
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
    }
)
_SECURITY_OPTION = re.compile(r"^(no-new-privileges|apparmor:.+|label:.+|credentialspec:.+)$")
_CREDENTIAL_SPEC = re.compile(r"^credentialspec(domainless)?:arn:.+$")
_USER_PART = re.compile(r"^(?:\d+|[A-Za-z_][^:]*)$")  # a UID/GID, or a name

check = Checks()


@check
def container_options(facts: TaskFacts, out: list[Problem]) -> None:
    for index, container in facts.containers:
        at = container_path(index)
        _user(container, at, out)
        if facts.network_mode == "awsvpc":
            for name in ("hostname", "extraHosts"):
                if container.get(name) not in (None, "", []):
                    out.append(
                        AWSVPC_UNSUPPORTED.at(
                            f"{at}.{name}",
                            f"{name} is not supported with the awsvpc network mode: remove it "
                            "(each task has its own network interface and DNS name).",
                        )
                    )
        _restart_policy(as_dict(container.get("restartPolicy")), f"{at}.restartPolicy", out)
        _security(container, at, out)
        if facts.fargate:
            for name in ("startTimeout", "stopTimeout"):
                value = as_int(container.get(name))
                if value is not None and not 2 <= value <= 120:
                    out.append(
                        TIMEOUTS.at(f"{at}.{name}", f"On Fargate {name} is 2 to 120 seconds.")
                    )
        _environment_files(container.get("environmentFiles"), f"{at}.environmentFiles", out)
        _linux(as_dict(container.get("linuxParameters")), f"{at}.linuxParameters", out)
        _system_controls(facts, container, at, out)


def _user(container: dict[str, Any], at: str, out: list[Problem]) -> None:
    user = container.get("user")
    if not isinstance(user, str) or not user:
        return
    parts = user.split(":")
    if len(parts) > 2 or not all(_USER_PART.match(part) for part in parts):
        out.append(
            USER.at(
                f"{at}.user",
                f"user {user!r} is not user, user:group, uid or uid:gid: a UID or GID is a "
                "positive integer.",
            )
        )


def _restart_policy(policy: dict[str, Any], at: str, out: list[Problem]) -> None:
    codes = policy.get("ignoredExitCodes")
    if isinstance(codes, list) and len(codes) > 50:
        out.append(
            RESTART.at(
                f"{at}.ignoredExitCodes", f"{len(codes)} exit codes: at most 50 are allowed."
            )
        )
    period = as_int(policy.get("restartAttemptPeriod"))
    if period is not None and not 60 <= period <= 1800:
        out.append(
            RESTART.at(
                f"{at}.restartAttemptPeriod",
                f"restartAttemptPeriod {period} s: use 60 to 1800 seconds (default 300).",
            )
        )


def _security(container: dict[str, Any], at: str, out: list[Problem]) -> None:
    for position, option in enumerate(strings(container.get("dockerSecurityOptions"))):
        if not _SECURITY_OPTION.match(option):
            out.append(
                SECURITY_OPTIONS.at(
                    f"{at}.dockerSecurityOptions[{position}]",
                    f"{option!r} is not a security option ECS passes on: use no-new-privileges, "
                    "apparmor:PROFILE, label:value or credentialspec:PATH.",
                )
            )
    specs = strings(container.get("credentialSpecs"))
    if len(specs) > 1:
        out.append(
            CREDENTIAL_SPECS.at(f"{at}.credentialSpecs", "credentialSpecs takes one ARN at most.")
        )
    for position, spec in enumerate(specs):
        if not _CREDENTIAL_SPEC.match(spec):
            out.append(
                CREDENTIAL_SPECS.at(
                    f"{at}.credentialSpecs[{position}]",
                    f"{spec!r}: write credentialspec:ARN or credentialspecdomainless:ARN (an ARN "
                    "in SSM or S3).",
                )
            )


def _environment_files(files: Any, at: str, out: list[Problem]) -> None:
    entries = dicts(files)
    if len(entries) > 10:
        out.append(ENVIRONMENT_FILES.at(at, f"{len(entries)} environment files: ten at most."))
    for position, entry in entries:
        value = as_str(entry.get("value"))
        if value and not value.endswith(".env"):
            out.append(
                ENVIRONMENT_FILES.at(
                    f"{at}[{position}].value",
                    f"{value!r}: an environment file must have the .env extension.",
                )
            )


def _linux(linux: dict[str, Any], at: str, out: list[Problem]) -> None:
    capabilities = as_dict(linux.get("capabilities"))
    for field in ("add", "drop"):
        for position, name in enumerate(strings(capabilities.get(field))):
            if name not in documented_values("KernelCapabilities", field):
                hint = f" (write {name[4:]})" if name.startswith("CAP_") else ""
                out.append(
                    CAPABILITIES.at(
                        f"{at}.capabilities.{field}[{position}]",
                        f"{name!r} is not a kernel capability ECS knows{hint}.",
                    )
                )
    swappiness = as_int(linux.get("swappiness"))
    max_swap = as_int(linux.get("maxSwap"))
    if swappiness is not None and not 0 <= swappiness <= 100:
        out.append(SWAP.at(f"{at}.swappiness", "swappiness is a whole number from 0 to 100."))
    if max_swap is not None and max_swap < 0:
        out.append(SWAP.at(f"{at}.maxSwap", "maxSwap is 0 (no swap) or a positive number of MiB."))
    if swappiness is not None and "maxSwap" not in linux:
        out.append(
            SWAP.at(f"{at}.swappiness", "swappiness is ignored without maxSwap: set maxSwap too.")
        )
    for index, mount in dicts(linux.get("tmpfs")):
        for position, option in enumerate(strings(mount.get("mountOptions"))):
            if option not in documented_values("Tmpfs", "mountOptions"):
                out.append(
                    TMPFS_OPTIONS.at(
                        f"{at}.tmpfs[{index}].mountOptions[{position}]",
                        f"{option!r} is not a tmpfs mount option ECS accepts.",
                    )
                )


def _system_controls(facts: TaskFacts, container: dict[str, Any], at: str, out: list) -> None:
    ipc_host = facts.body.get("ipcMode") == "host"
    for position, control in dicts(container.get("systemControls")):
        name = as_str(control.get("namespace"))
        where = f"{at}.systemControls[{position}].namespace"
        if facts.network_mode == "host" and name.startswith("net."):
            out.append(
                SYSTEM_CONTROLS.at(
                    where, f"{name}: network systemControls are not supported in host mode."
                )
            )
        if ipc_host and (name in IPC_CONTROLS or name.startswith("fs.mqueue.")):
            out.append(
                SYSTEM_CONTROLS.at(
                    where, f"{name}: IPC systemControls are not supported with ipcMode host."
                )
            )
