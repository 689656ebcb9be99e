"""What a task definition body says about where and how its task runs, read once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fields import as_dict, as_list, as_str, dicts, strings
from .sizes import parse_cpu, parse_memory


@dataclass(frozen=True)
class TaskFacts:
    """The launch types, network mode, OS and size of a task definition body."""

    body: dict[str, Any]
    launch_types: frozenset[str]
    network_mode: str  # the effective mode: "bridge" when left out on Linux, "default" on Windows
    network_mode_given: bool
    os_family: str
    architecture: str
    cpu: int | None
    memory: int | None
    containers: list[tuple[int, dict[str, Any]]]

    @property
    def fargate(self) -> bool:
        return "FARGATE" in self.launch_types

    @property
    def external(self) -> bool:
        return "EXTERNAL" in self.launch_types

    @property
    def ec2_like(self) -> bool:
        """Runs on container instances (EC2, external or ECS Managed Instances), or no launch
        type was asked."""
        return not self.launch_types or bool(
            self.launch_types & {"EC2", "EXTERNAL", "MANAGED_INSTANCES"}
        )

    @property
    def managed_instances(self) -> bool:
        return "MANAGED_INSTANCES" in self.launch_types

    @property
    def windows(self) -> bool:
        return self.os_family.startswith("WINDOWS")

    def container_names(self) -> dict[str, int]:
        """name -> index of the first container with that name."""
        names: dict[str, int] = {}
        for index, container in self.containers:
            name = as_str(container.get("name"))
            if name and name not in names:
                names[name] = index
        return names


def read(body: dict[str, Any]) -> TaskFacts:
    """Facts of a RegisterTaskDefinition body (or a describe_task_definition answer)."""
    launch = frozenset(strings(body.get("requiresCompatibilities")))
    platform = as_dict(body.get("runtimePlatform"))
    os_family = as_str(platform.get("operatingSystemFamily")) or "LINUX"
    given = as_str(body.get("networkMode"))
    windows = os_family.startswith("WINDOWS")
    mode = given or ("default" if windows else "bridge")
    cpu = parse_cpu(body.get("cpu")) if body.get("cpu") not in (None, "") else None
    memory = parse_memory(body.get("memory")) if body.get("memory") not in (None, "") else None
    return TaskFacts(
        body=body,
        launch_types=launch,
        network_mode=mode,
        network_mode_given=bool(given),
        os_family=os_family,
        architecture=as_str(platform.get("cpuArchitecture")) or "X86_64",
        cpu=cpu,
        memory=memory,
        containers=dicts(body.get("containerDefinitions")),
    )


def port_mappings(container: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return dicts(container.get("portMappings"))


def log_driver(container: dict[str, Any]) -> str:
    return as_str(as_dict(container.get("logConfiguration")).get("logDriver"))


def container_ports(container: dict[str, Any]) -> set[int]:
    ports = set()
    for _, mapping in port_mappings(container):
        port = mapping.get("containerPort")
        if isinstance(port, int) and not isinstance(port, bool):
            ports.add(port)
    return ports


def has_items(value: Any) -> bool:
    return bool(as_list(value)) or (isinstance(value, dict) and bool(value))


Check = Callable[[TaskFacts, list[Any]], None]


class Checks:
    """The checks of one rules module, run in the order they are written: `@check` adds one."""

    def __init__(self) -> None:
        self.functions: list[Check] = []

    def __call__(self, function: Check) -> Check:
        self.functions.append(function)
        return function

    def run(self, facts: TaskFacts, out: list[Any]) -> None:
        for function in self.functions:
            function(facts, out)
