"""Container port mappings: container and host ports, reserved ports, duplicates."""

from __future__ import annotations

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


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
