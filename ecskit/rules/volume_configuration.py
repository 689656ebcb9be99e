"""EBS volumes configured at launch: a service's volumeConfigurations against its revision.

Ranges from botocore 1.44.8's ServiceManagedEBSVolumeConfiguration documentation
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html):
sizes gp2/gp3 1-16,384 GiB, io1/io2 4-16,384, st1/sc1 125-16,384, standard 1-1,024; IOPS gp3
3,000-16,000, io1 100-64,000, io2 100-256,000, required for io1/io2, not for st1/sc1/standard;
throughput gp3 only, at most 1,000 MiB/s (at least 125: EC2's CreateVolume, API_CreateVolume.html);
size or snapshot; volumeInitializationRate only with a snapshot.
"""

from __future__ import annotations

from typing import Any

from .fields import as_dict, as_int, as_str, dicts
from .problem import ERROR, Problem, rule

SOURCE = (
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
    "API_ServiceManagedEBSVolumeConfiguration.html"
)
EBS_GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html"
CREATE_VOLUME = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html"
KINDS = ("service", "update-service")
VOLUME_TYPES = ("gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")
SIZES = {
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    "io2": (4, 16384),
    "st1": (125, 16384),
    "sc1": (125, 16384),
    "standard": (1, 1024),
}
IOPS = {"gp3": (3000, 16000), "io1": (100, 64000), "io2": (100, 256000)}
NO_IOPS = ("st1", "sc1", "standard")
THROUGHPUT = (125, 1000)

AT_LAUNCH = rule(
    "volume-configuration.configured-at-launch",
    ERROR,
    KINDS,
    "A volume configuration names a task-definition volume with configuredAtLaunch true.",
    EBS_GUIDE,
)
SIZE = rule(
    "volume-configuration.size",
    ERROR,
    KINDS,
    "An EBS volume has a size in its type's range, or a snapshot to take it from.",
    SOURCE,
)
PERFORMANCE = rule(
    "volume-configuration.performance",
    ERROR,
    KINDS,
    "IOPS and throughput in the volume type's range, and only on the types that take them.",
    SOURCE,
)
ROLE = rule(
    "volume-configuration.role",
    ERROR,
    KINDS,
    "An EBS volume names the ECS infrastructure role (roleArn) that manages it.",
    SOURCE,
)


def launch_volumes(revision: dict[str, Any] | None) -> list[str]:
    """The names of a revision's volumes with configuredAtLaunch true."""
    return [
        as_str(volume.get("name"))
        for _, volume in dicts(as_dict(revision).get("volumes"))
        if volume.get("configuredAtLaunch") is True
    ]


def check(body: dict[str, Any], revision: dict[str, Any] | None) -> list[Problem]:
    """Problems of `body["volumeConfigurations"]` (revision as describe_task_definition gives)."""
    out: list[Problem] = []
    wanted = launch_volumes(revision) if revision is not None else None
    for index, item in dicts(body.get("volumeConfigurations")):
        at = f"volumeConfigurations[{index}]"
        name = as_str(item.get("name"))
        if wanted is not None and name not in wanted:
            where = f"one of {', '.join(wanted)}" if wanted else "none of its volumes is"
            out.append(
                AT_LAUNCH.at(
                    f"{at}.name",
                    f"The revision has no volume {name!r} configured at launch ({where}): set "
                    "configuredAtLaunch on a volume of the task definition, or remove this.",
                )
            )
        _ebs(as_dict(item.get("managedEBSVolume")), f"{at}.managedEBSVolume", out)
    return out


def _ebs(ebs: dict[str, Any], at: str, out: list[Problem]) -> None:
    kind = as_str(ebs.get("volumeType")) or "gp3"
    size, snapshot = as_int(ebs.get("sizeInGiB")), as_str(ebs.get("snapshotId"))
    if not as_str(ebs.get("roleArn")).strip():
        out.append(
            ROLE.at(
                f"{at}.roleArn",
                "Infrastructure role is required: a role ecs.amazonaws.com may assume, with "
                "AmazonECSInfrastructureRolePolicyForVolumes.",
            )
        )
    if size is None and not snapshot:
        out.append(SIZE.at(f"{at}.sizeInGiB", "Give a size in GiB, or a snapshot to start from."))
    low, high = SIZES.get(kind, (1, 16384))
    if size is not None and not low <= size <= high:
        out.append(
            SIZE.at(f"{at}.sizeInGiB", f"A {kind} volume is {low}-{high:,} GiB, not {size}.")
        )
    if ebs.get("volumeInitializationRate") is not None and not snapshot:
        out.append(
            SIZE.at(
                f"{at}.volumeInitializationRate",
                "volumeInitializationRate applies only to a volume made from a snapshot.",
            )
        )
    iops = as_int(ebs.get("iops"))
    if iops is None and kind in ("io1", "io2"):
        out.append(PERFORMANCE.at(f"{at}.iops", f"A {kind} volume needs IOPS."))
    elif iops is not None and kind in NO_IOPS:
        out.append(PERFORMANCE.at(f"{at}.iops", f"A {kind} volume takes no IOPS: remove them."))
    elif iops is not None and kind in IOPS and not IOPS[kind][0] <= iops <= IOPS[kind][1]:
        bounds = IOPS[kind]
        out.append(
            PERFORMANCE.at(
                f"{at}.iops", f"A {kind} volume takes {bounds[0]:,}-{bounds[1]:,} IOPS, not {iops}."
            )
        )
    throughput = as_int(ebs.get("throughput"))
    if throughput is not None and kind != "gp3":
        out.append(
            PERFORMANCE.at(f"{at}.throughput", "Only gp3 volumes take a throughput: remove it.")
        )
    elif throughput is not None and not THROUGHPUT[0] <= throughput <= THROUGHPUT[1]:
        out.append(
            PERFORMANCE.at(
                f"{at}.throughput",
                f"gp3 throughput is 125-1,000 MiB/s, not {throughput}.",
                source=CREATE_VOLUME if throughput < THROUGHPUT[0] else None,
            )
        )
