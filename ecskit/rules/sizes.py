"""Task sizes: the Fargate CPU/memory table, CPU and memory written with units, network modes.

The Fargate table is data, from the task size section of the task definition parameters page
(and the seed's console text): .25 vCPU -> 0.5/1/2 GB; .5 -> 1-4 GB; 1 -> 2-8 GB; 2 -> 4-16 GB;
4 -> 8-30 GB in 1 GB steps; 8 -> 16-60 GB in 4 GB steps; 16 -> 32-120 GB in 8 GB steps.
"""

from __future__ import annotations

import re
from typing import Any

TASK_SIZE_URL = (
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
    "fargate-tasks-services.html#fargate-tasks-size"
)

GB = 1024  # MiB

# cpu units -> the memory values (MiB) Fargate accepts with it
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1 * GB, 2 * GB),
    512: tuple(range(1 * GB, 4 * GB + 1, GB)),
    1024: tuple(range(2 * GB, 8 * GB + 1, GB)),
    2048: tuple(range(4 * GB, 16 * GB + 1, GB)),
    4096: tuple(range(8 * GB, 30 * GB + 1, GB)),
    8192: tuple(range(16 * GB, 60 * GB + 1, 4 * GB)),
    16384: tuple(range(32 * GB, 120 * GB + 1, 8 * GB)),
}
FARGATE_CPU_UNITS: tuple[int, ...] = tuple(FARGATE_SIZES)
# cpu units -> the lowest Linux platform version that offers them
FARGATE_MIN_PLATFORM: dict[int, tuple[int, int, int]] = {8192: (1, 4, 0), 16384: (1, 4, 0)}
# Windows containers on Fargate: "the value cannot be less than 1 vCPU"
FARGATE_WINDOWS_MIN_CPU = 1024

# EC2 or external task size, botocore 1.44.8 RegisterTaskDefinitionRequest.cpu (and
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html):
# "Supported values are between 128 CPU units (0.125 vCPUs) and 196608 CPU units (192 vCPUs)"
EC2_TASK_CPU_RANGE = (128, 196608)

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_CPU = re.compile(rf"^\s*{_NUMBER}\s*(vcpus?)?\s*$", re.IGNORECASE)
_MEMORY = re.compile(rf"^\s*{_NUMBER}\s*(gib|gb|g|mib|mb|m)?\s*$", re.IGNORECASE)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_cpu(value: Any) -> int | None:
    """CPU units from "1024", 1024, "1 vCPU" or "0.25 vcpu"; None if it is not a CPU value.

    >>> parse_cpu("0.25 vCPU"), parse_cpu("1024"), parse_cpu("2 vcpu"), parse_cpu("lots")
    (256, 1024, 2048, None)
    """
    number = _number(value)
    if number is None:
        if not isinstance(value, str):
            return None
        found = _CPU.match(value)
        if not found:
            return None
        number = float(found.group(1)) * (1024 if found.group(2) else 1)
    if number < 0 or number != int(number):
        return None
    return int(number)


def parse_memory(value: Any) -> int | None:
    """MiB from "512", 512, "3GB", "0.5 GB" or "512 MiB"; None if it is not a memory value.

    >>> parse_memory("3GB"), parse_memory("512"), parse_memory("0.5 GB"), parse_memory("x")
    (3072, 512, 512, None)
    """
    number = _number(value)
    if number is None:
        if not isinstance(value, str):
            return None
        found = _MEMORY.match(value)
        if not found:
            return None
        unit = (found.group(2) or "").lower()
        number = float(found.group(1)) * (1024 if unit.startswith("g") else 1)
    if number < 0 or number != int(number):
        return None
    return int(number)


def fargate_memory_options(cpu_units: int) -> list[int]:
    """The memory values (MiB) Fargate accepts with `cpu_units`; [] if that is not a Fargate CPU.

    >>> fargate_memory_options(256)
    [512, 1024, 2048]
    """
    return list(FARGATE_SIZES.get(cpu_units, ()))


def cpu_label(units: int) -> str:
    """1024 -> "1 vCPU", 256 -> ".25 vCPU", as the console writes them."""
    text = f"{units / 1024:g}"
    return f"{text.removeprefix('0')} vCPU" if units < 1024 else f"{text} vCPU"


def memory_label(mib: int) -> str:
    """512 -> "0.5 GB", 3072 -> "3 GB"."""
    return f"{mib / 1024:g} GB"


def network_modes_for(launch_type: str, os_family: str = "LINUX") -> list[str]:
    """The network modes a task for `launch_type` (FARGATE, EC2, EXTERNAL, MANAGED_INSTANCES)
    may use.

    Linux: Fargate needs awsvpc; EC2 offers awsvpc, bridge, host and none; external instances
    (ECS Anywhere) offer bridge, host and none; ECS Managed Instances awsvpc and host (Linux
    only: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-networking.html).
    Windows on EC2 offers "default" (leave networkMode out: Docker's own network on Windows) or
    awsvpc; Windows on Fargate awsvpc.

    >>> network_modes_for("FARGATE"), network_modes_for("EXTERNAL")
    (['awsvpc'], ['bridge', 'host', 'none'])
    >>> network_modes_for("MANAGED_INSTANCES")
    ['awsvpc', 'host']
    """
    kind = (launch_type or "").upper()
    windows = (os_family or "").upper().startswith("WINDOWS")
    if kind == "FARGATE":
        return ["awsvpc"]
    if kind == "MANAGED_INSTANCES":
        return [] if windows else ["awsvpc", "host"]
    if kind == "EXTERNAL":
        return ["default"] if windows else ["bridge", "host", "none"]
    if kind == "EC2":
        return ["default", "awsvpc"] if windows else ["awsvpc", "bridge", "host", "none"]
    return []
