"""Volumes: their names, the containers' mount points and volumesFrom."""

from __future__ import annotations

from . import docs
from .fields import NAME, TD, as_dict, as_str, container_path, dicts
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

EFS = rule(
    "volumes.efs",
    ERROR,
    TD,
    "An EFS volume with IAM authorization or an access point turns transit encryption on, and "
    "with an access point its rootDirectory is left out or /.",
    docs.API + "API_EFSVolumeConfiguration.html",
)
S3_FILES = rule(
    "volumes.s3-files",
    ERROR,
    TD,
    "An S3 Files volume with an access point leaves rootDirectory out or sets it to /.",
    docs.API + "API_S3FilesVolumeConfiguration.html",
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


@check
def file_systems(facts: TaskFacts, out: list[Problem]) -> None:
    """botocore's EFSVolumeConfiguration, EFSAuthorizationConfig and S3FilesVolumeConfiguration
    documentation: "transit encryption must be turned on if Amazon EFS IAM authorization is used",
    "If an access point is used, transit encryption must be on", and "the root directory parameter
    must either be omitted or set to /" with an access point."""
    for index, volume in dicts(facts.body.get("volumes")):
        efs = as_dict(volume.get("efsVolumeConfiguration"))
        at = f"volumes[{index}].efsVolumeConfiguration"
        authorization = as_dict(efs.get("authorizationConfig"))
        access_point = authorization.get("accessPointId")
        needs_tls = access_point or authorization.get("iam") == "ENABLED"
        if efs and needs_tls and efs.get("transitEncryption") != "ENABLED":
            why = "an access point" if access_point else "IAM authorization"
            out.append(
                EFS.at(f"{at}.transitEncryption", f"With {why}, set transitEncryption ENABLED.")
            )
        if efs and access_point and efs.get("rootDirectory") not in (None, "", "/"):
            out.append(
                EFS.at(
                    f"{at}.rootDirectory",
                    "With an access point the access point sets the path: leave rootDirectory "
                    "out or set it to /.",
                )
            )
        s3 = as_dict(volume.get("s3filesVolumeConfiguration"))
        if s3.get("accessPointArn") and s3.get("rootDirectory") not in (None, "", "/"):
            out.append(
                S3_FILES.at(
                    f"volumes[{index}].s3filesVolumeConfiguration.rootDirectory",
                    "With an access point the access point sets the path: leave rootDirectory "
                    "out or set it to /.",
                )
            )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)
