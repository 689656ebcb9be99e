"""Volumes: their names, the containers' mount points and volumesFrom."""

from __future__ import annotations

from . import docs
from .fields import NAME, TD, as_str, container_path, dicts
from .problem import ERROR, Problem, rule
from .task_facts import Checks, TaskFacts

VOLUME_NAME = rule(
    "volumes.name",
    ERROR,
    TD,
    "Each volume has a unique name: up to 255 letters, numbers, hyphens and underscores.",
    docs.VOLUME,
)
SOURCE_VOLUME = rule(
    "volumes.source-volume",
    ERROR,
    TD,
    "A mount point's sourceVolume names a volume of the task definition, and has a containerPath.",
    docs.MOUNT_POINT,
)
VOLUMES_FROM = rule(
    "volumes.volumes-from",
    ERROR,
    TD,
    "volumesFrom names another container of the task definition.",
    docs.CONTAINER_DEFINITION,
)

check = Checks()


@check
def volumes(facts: TaskFacts, out: list[Problem]) -> None:
    declared: set[str] = set()
    for index, volume in dicts(facts.body.get("volumes")):
        name = as_str(volume.get("name"))
        if not name or not NAME.match(name):
            out.append(
                VOLUME_NAME.at(
                    f"volumes[{index}].name",
                    "Give the volume a name of letters, numbers, hyphens and underscores.",
                )
            )
        elif name in declared:
            out.append(
                VOLUME_NAME.at(f"volumes[{index}].name", f"Volume {name!r} is declared twice.")
            )
        declared.add(name)
    names = facts.container_names()
    for index, container in facts.containers:
        own = as_str(container.get("name"))
        for position, mount in dicts(container.get("mountPoints")):
            at = f"{container_path(index)}.mountPoints[{position}]"
            source = mount.get("sourceVolume")
            if isinstance(source, str) and source not in declared:
                out.append(
                    SOURCE_VOLUME.at(
                        f"{at}.sourceVolume",
                        f"No volume named {source!r}: add it under volumes or fix the name.",
                    )
                )
            if not as_str(mount.get("containerPath")):
                out.append(
                    SOURCE_VOLUME.at(
                        f"{at}.containerPath", "Set containerPath: where the volume appears."
                    )
                )
        for position, source in dicts(container.get("volumesFrom")):
            target = as_str(source.get("sourceContainer"))
            if target and (target == own or target not in names):
                out.append(
                    VOLUMES_FROM.at(
                        f"{container_path(index)}.volumesFrom[{position}].sourceContainer",
                        f"volumesFrom needs another container of this task, not {target!r}.",
                    )
                )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
