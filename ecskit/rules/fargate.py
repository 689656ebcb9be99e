"""What Fargate takes in a task definition: a CPU/memory pair from its table, its log drivers,
and ephemeral storage (Fargate only). What it does not support is in unsupported_parameters.py."""

from __future__ import annotations

from . import docs
from .fields import TD, as_int
from .problem import ERROR, Problem, rule
from .sizes import FARGATE_SIZES, FARGATE_WINDOWS_MIN_CPU, cpu_label, memory_label
from .task_facts import TaskFacts, log_driver

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


def fargate_size(facts: TaskFacts, cpu_given: bool, memory_given: bool, out: list[Problem]) -> None:
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
