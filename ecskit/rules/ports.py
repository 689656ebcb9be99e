"""Container port mappings: container and host ports, reserved ports, duplicates."""

from __future__ import annotations

import itertools
import re
from typing import Any

from . import docs
from .fields import TD, as_int, as_list, as_str, container_path
from .problem import ERROR, Problem, rule
from .task_facts import Checks, TaskFacts, port_mappings

RESERVED_HOST_PORTS = (22, 2375, 2376, 51678, 51679, 51680)

PORT_REQUIRED = rule(
    "ports.container-port",
    ERROR,
    TD,
    "Each port mapping has a containerPort (or a containerPortRange) from 1 to 65535.",
    docs.PORT_MAPPING,
)
PORT_RANGE = rule(
    "ports.range",
    ERROR,
    TD,
    "hostPort is 0 to 65535.",
    docs.PORT_MAPPING,
)
HOST_EQUALS_CONTAINER = rule(
    "ports.host-equals-container",
    ERROR,
    TD,
    "With awsvpc or host networking, hostPort is left out or equals containerPort.",
    docs.PORT_MAPPING,
)
NONE_NO_PORTS = rule(
    "ports.none-network-mode",
    ERROR,
    TD,
    "With networkMode none, containers have no port mappings.",
    docs.TASK_DEFINITION,
)
RESERVED = rule(
    "ports.reserved",
    ERROR,
    TD,
    "Host ports 22, 2375, 2376 and 51678-51680 are reserved on container instances.",
    docs.PORT_MAPPING,
)
DUPLICATE_PORT = rule(
    "ports.duplicate",
    ERROR,
    TD,
    "A host port (and protocol) is mapped once per task.",
    docs.PORT_MAPPING,
)

PORT_NAME = rule(
    "ports.name",
    ERROR,
    TD,
    "A port mapping's name has up to 64 lowercase letters, numbers, _ and -, not starting with "
    "-, and is unique in the task definition.",
    docs.PORT_MAPPING,
)
CONTAINER_PORT_RANGE = rule(
    "ports.container-port-range",
    ERROR,
    TD,
    'A containerPortRange ("first-last", 1 to 65535, first below last, not overlapping) is for '
    "the bridge or awsvpc network mode, at most 100 per container.",
    docs.PORT_MAPPING,
)
ONE_PROTOCOL = rule(
    "ports.one-protocol",
    ERROR,
    TD,
    "A container port is exposed for one protocol only.",
    docs.PORT_MAPPING,
)
_PORT_NAME = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")
_RANGE = re.compile(r"^(\d+)-(\d+)$")

check = Checks()


@check
def ports(facts: TaskFacts, out: list[Problem]) -> None:
    mode = facts.network_mode
    used: dict[tuple[int, str], str] = {}
    for index, container in facts.containers:
        mappings = port_mappings(container)
        if mode == "none" and as_list(container.get("portMappings")):
            out.append(
                NONE_NO_PORTS.at(
                    f"{container_path(index)}.portMappings",
                    "With networkMode none there is no network: remove the port mappings or "
                    "choose another network mode.",
                )
            )
            continue
        for position, mapping in mappings:
            at = f"{container_path(index)}.portMappings[{position}]"
            container_port = as_int(mapping.get("containerPort"))
            host_port = as_int(mapping.get("hostPort"))
            if container_port is None and "containerPortRange" not in mapping:
                if "containerPort" not in mapping:
                    out.append(
                        PORT_REQUIRED.at(
                            f"{at}.containerPort",
                            "Set containerPort: the port your app listens on.",
                        )
                    )
            elif container_port is not None and not 1 <= container_port <= 65535:
                out.append(
                    PORT_REQUIRED.at(
                        f"{at}.containerPort",
                        f"containerPort is 1 to 65535, not {container_port}.",
                    )
                )
            if host_port is not None and not 0 <= host_port <= 65535:
                out.append(
                    PORT_RANGE.at(f"{at}.hostPort", f"hostPort is 0 to 65535, not {host_port}.")
                )
                continue
            if (
                mode in ("awsvpc", "host")
                and host_port is not None
                and container_port is not None
                and host_port != container_port
            ):
                out.append(
                    HOST_EQUALS_CONTAINER.at(
                        f"{at}.hostPort",
                        f"With {mode} networking hostPort must equal containerPort "
                        f"({container_port}) or be left out, not {host_port}.",
                    )
                )
                continue
            effective = host_port if mode == "bridge" else (host_port or container_port)
            if not effective:
                continue  # bridge: 0 or left out is a dynamic port
            if mode in ("bridge", "host") and effective in RESERVED_HOST_PORTS:
                out.append(
                    RESERVED.at(
                        f"{at}.hostPort" if host_port else f"{at}.containerPort",
                        f"Host port {effective} is reserved on container instances (SSH, Docker, "
                        "the ECS agent): choose another.",
                    )
                )
            key = (effective, as_str(mapping.get("protocol")) or "tcp")
            if key in used:
                out.append(
                    DUPLICATE_PORT.at(
                        f"{at}.hostPort" if host_port else f"{at}.containerPort",
                        f"Port {effective}/{key[1]} is already mapped at {used[key]}: each host "
                        "port is used once per task.",
                    )
                )
            else:
                used[key] = at


@check
def names_and_ranges(facts: TaskFacts, out: list[Problem]) -> None:
    """Names, containerPortRange and protocols, as botocore's PortMapping documentation says."""
    names: dict[str, str] = {}
    for index, container in facts.containers:
        ranges: list[tuple[int, int, str]] = []
        protocols: dict[int, str] = {}
        for position, mapping in port_mappings(container):
            at = f"{container_path(index)}.portMappings[{position}]"
            _name(mapping.get("name"), at, names, out)
            span = _range(facts, mapping.get("containerPortRange"), at, out)
            if span:
                ranges.append((*span, at))
            port = as_int(mapping.get("containerPort"))
            protocol = as_str(mapping.get("protocol")) or "tcp"
            if port is not None and protocols.setdefault(port, protocol) != protocol:
                out.append(
                    ONE_PROTOCOL.at(
                        f"{at}.protocol",
                        f"containerPort {port} is already exposed as {protocols[port]}: a "
                        "container port takes one protocol.",
                    )
                )
        if len(ranges) > 100:
            out.append(
                CONTAINER_PORT_RANGE.at(
                    f"{container_path(index)}.portMappings",
                    f"{len(ranges)} port ranges: at most 100 per container.",
                )
            )
        ranges.sort()
        for (_, last, _), (first, _, at) in itertools.pairwise(ranges):
            if first <= last:
                out.append(
                    CONTAINER_PORT_RANGE.at(
                        f"{at}.containerPortRange", "Port ranges of a container must not overlap."
                    )
                )


def _name(name: Any, at: str, names: dict[str, str], out: list[Problem]) -> None:
    if not isinstance(name, str):
        return
    if not _PORT_NAME.match(name):
        out.append(
            PORT_NAME.at(
                f"{at}.name",
                f"Port name {name!r}: up to 64 lowercase letters, numbers, _ and -, not starting "
                "with -.",
            )
        )
    elif name in names:
        out.append(
            PORT_NAME.at(f"{at}.name", f"Port name {name!r} is already used at {names[name]}.")
        )
    else:
        names[name] = at


def _range(facts: TaskFacts, value: Any, at: str, out: list[Problem]) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    found = _RANGE.match(value.strip())
    if facts.network_mode not in ("bridge", "awsvpc"):
        out.append(
            CONTAINER_PORT_RANGE.at(
                f"{at}.containerPortRange",
                f"containerPortRange needs the bridge or awsvpc network mode, not "
                f"{facts.network_mode}.",
            )
        )
    if not found or not 1 <= int(found[1]) < int(found[2]) <= 65535:
        out.append(
            CONTAINER_PORT_RANGE.at(
                f"{at}.containerPortRange",
                f"containerPortRange {value!r}: write first-last, 1 to 65535, first below last.",
            )
        )
        return None
    return int(found[1]), int(found[2])


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
