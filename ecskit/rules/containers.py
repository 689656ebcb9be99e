"""Container rules of a task definition: names, images, essential, memory and cpu.

The other container rules are by topic: ports, logs, dependencies (health checks, dependsOn,
links), volumes and environment; `run` runs them all, in that order.
"""

from __future__ import annotations

import importlib

from . import docs
from .fields import NAME, TD, as_int, as_str, container_path
from .problem import ERROR, Problem, rule
from .task_facts import Checks, TaskFacts

MIN_CONTAINER_MEMORY = 6  # MiB: Docker 20.10+ reserves 6 MiB

CONTAINER_NAME = rule(
    "names.container",
    ERROR,
    TD,
    "Each container has a name: up to 255 letters, numbers, hyphens and underscores.",
    docs.CONTAINER_DEFINITION,
)
CONTAINER_UNIQUE = rule(
    "names.container-unique",
    ERROR,
    TD,
    "Container names are unique within a task definition.",
    docs.CONTAINER_DEFINITION,
)
IMAGE = rule(
    "container.image",
    ERROR,
    TD,
    "Each container names the image to run (repository-url/image:tag).",
    docs.CONTAINER_DEFINITION,
)
ESSENTIAL = rule(
    "container.essential",
    ERROR,
    TD,
    "At least one container is essential.",
    docs.CONTAINER_DEFINITION,
)
MEMORY_REQUIRED = rule(
    "memory.container-required",
    ERROR,
    TD,
    "Without task-level memory (EC2), each container sets memory or memoryReservation.",
    docs.CONTAINER_DEFINITION,
)
MEMORY_MINIMUM = rule(
    "memory.container-minimum",
    ERROR,
    TD,
    "Container memory and memoryReservation are at least 6 MiB.",
    docs.CONTAINER_DEFINITION,
)
RESERVATION = rule(
    "memory.reservation-above-limit",
    ERROR,
    TD,
    "A container's memoryReservation (soft limit) is below its memory (hard limit).",
    docs.CONTAINER_DEFINITION,
)
MEMORY_TOTAL = rule(
    "memory.task-total",
    ERROR,
    TD,
    "The containers' memory fits in the task memory.",
    docs.TASK_DEFINITION,
)
CPU_TOTAL = rule(
    "cpu.task-total",
    ERROR,
    TD,
    "The containers' cpu units add up to no more than the task cpu.",
    docs.TASK_DEFINITION,
)

check = Checks()


@check
def names_and_images(facts: TaskFacts, out: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, container in facts.containers:
        name = container.get("name")
        text = as_str(name)
        if not text:
            out.append(
                CONTAINER_NAME.at(f"{container_path(index)}.name", "Give this container a name.")
            )
        elif not NAME.match(text):
            out.append(
                CONTAINER_NAME.at(
                    f"{container_path(index)}.name",
                    f"Container name {text!r} may only use letters, numbers, hyphens and "
                    "underscores, up to 255 characters.",
                )
            )
        elif text in seen:
            out.append(
                CONTAINER_UNIQUE.at(
                    f"{container_path(index)}.name",
                    f"Container name {text!r} is already used by container {seen[text] + 1}: "
                    "rename one.",
                )
            )
        else:
            seen[text] = index
        image = container.get("image")
        if image is None or (isinstance(image, str) and not image.strip()):
            out.append(
                IMAGE.at(
                    f"{container_path(index)}.image",
                    "Give this container an image, e.g. public.ecr.aws/nginx/nginx:latest.",
                )
            )
        elif isinstance(image, str) and (image != image.strip() or " " in image):
            out.append(
                IMAGE.at(
                    f"{container_path(index)}.image", "An image name has no spaces: remove them."
                )
            )


@check
def essential(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.containers and all(c.get("essential") is False for _, c in facts.containers):
        out.append(
            ESSENTIAL.at(
                "containerDefinitions",
                "Mark at least one container essential (essential: true): the task stops when "
                "an essential container stops.",
            )
        )


@check
def memory(facts: TaskFacts, out: list[Problem]) -> None:
    reserved_total = 0
    for index, container in facts.containers:
        at = container_path(index)
        hard = as_int(container.get("memory"))
        soft = as_int(container.get("memoryReservation"))
        if facts.memory is None and not facts.fargate and hard is None and soft is None:
            out.append(
                MEMORY_REQUIRED.at(
                    f"{at}.memory",
                    "Set memory or memoryReservation for this container, or a task-level memory.",
                )
            )
        for name, value in (("memory", hard), ("memoryReservation", soft)):
            if value is not None and value < MIN_CONTAINER_MEMORY:
                out.append(
                    MEMORY_MINIMUM.at(
                        f"{at}.{name}", f"{name} must be at least 6 MiB, not {value}."
                    )
                )
        if hard is not None and soft is not None and soft > hard:
            out.append(
                RESERVATION.at(
                    f"{at}.memoryReservation",
                    f"memoryReservation ({soft} MiB) must not exceed memory ({hard} MiB): lower "
                    "it or raise memory.",
                )
            )
        if facts.memory is not None and hard is not None and hard > facts.memory:
            out.append(
                MEMORY_TOTAL.at(
                    f"{at}.memory",
                    f"This container's memory ({hard} MiB) exceeds the task memory "
                    f"({facts.memory} MiB): lower it or raise the task memory.",
                )
            )
        reserved_total += soft if soft is not None else (hard or 0)
    if facts.memory is not None and reserved_total > facts.memory:
        out.append(
            MEMORY_TOTAL.at(
                "memory",
                f"The containers reserve {reserved_total} MiB, more than the task memory "
                f"({facts.memory} MiB): raise the task memory or lower the containers'.",
            )
        )


@check
def cpu(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.cpu is None:
        return
    total = sum(as_int(c.get("cpu")) or 0 for _, c in facts.containers)
    if total > facts.cpu:
        out.append(
            CPU_TOTAL.at(
                "cpu",
                f"The containers ask for {total} CPU units, more than the task cpu "
                f"({facts.cpu}): raise the task cpu or lower the containers'.",
            )
        )


# imported after this module's rules, so the catalogue lists them in this order
TOPICS = tuple(
    importlib.import_module(f"{__package__}.{name}")
    for name in (
        "ports",
        "logs",
        "dependencies",
        "volumes",
        "environment",
        "container_options",
        "registry_credentials",
    )
)


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
    for topic in TOPICS:
        topic.check.run(facts, out)
