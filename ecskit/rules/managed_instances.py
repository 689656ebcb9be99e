"""Task definitions for ECS Managed Instances (requiresCompatibilities MANAGED_INSTANCES).

- "You must specify a network mode in the task definition. You will not be able to run tasks on
  Amazon ECS Managed Instances using a task definition that doesn't specify a network mode."
  The developer guide lists two modes, awsvpc and host
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-networking.html);
  the API reference's ManagedInstancesNetworkConfiguration also names `none`, so `none` is a
  warning here, not an error, and bridge is an error.
- "Amazon ECS Managed Instances support Linux containers"
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html).
- CreateService and RunTask: "If you want to use Amazon ECS Managed Instances, you must use the
  capacityProviderStrategy request parameter and omit the launchType request parameter."
  (botocore's CreateServiceRequest.launchType and RunTaskRequest.launchType).
"""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import TD, as_str
from .problem import ERROR, WARNING, Problem, rule
from .task_facts import Checks, TaskFacts

LAUNCH_TYPE = "MANAGED_INSTANCES"
GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
NETWORKING = GUIDE + "managed-instance-networking.html"
OVERVIEW = GUIDE + "ManagedInstances.html"
NETWORK_MODES = ("awsvpc", "host")  # the developer guide's table
API_ONLY_MODES = ("none",)  # named by the API reference only

NETWORK_MODE_REQUIRED = rule(
    "managed-instances.network-mode-required",
    ERROR,
    TD,
    "A task definition for Managed Instances sets networkMode (awsvpc or host): without one its "
    "tasks cannot run there.",
    NETWORKING,
)
NETWORK_MODE = rule(
    "managed-instances.network-mode",
    ERROR,
    TD,
    "Managed Instances run tasks in the awsvpc or host network mode (bridge is not offered).",
    NETWORKING,
)
LINUX_ONLY = rule(
    "managed-instances.linux-only",
    ERROR,
    TD,
    "Managed Instances run Linux containers: no Windows operatingSystemFamily.",
    OVERVIEW,
)

LAUNCH_TYPE_RULE = rule(
    "managed-instances.launch-type",
    ERROR,
    ("service", "run-task"),
    "Managed Instances are reached through capacityProviderStrategy: launchType is left out.",
    docs.CREATE_SERVICE,
)

check = Checks()


@check
def network_mode(facts: TaskFacts, out: list[Problem]) -> None:
    if not facts.managed_instances or facts.windows:
        return
    if not facts.network_mode_given:
        out.append(
            NETWORK_MODE_REQUIRED.at(
                "networkMode",
                "Managed Instances need networkMode in the task definition: set awsvpc (each "
                "task its own network interface) or host.",
            )
        )
    elif facts.network_mode in API_ONLY_MODES:
        out.append(
            NETWORK_MODE.at(
                "networkMode",
                "The developer guide lists awsvpc and host for Managed Instances; none is named "
                "only in the API reference: prefer awsvpc or host.",
                severity=WARNING,
            )
        )
    elif facts.network_mode not in NETWORK_MODES:
        out.append(
            NETWORK_MODE.at(
                "networkMode",
                f"Managed Instances do not offer networkMode {facts.network_mode}: use awsvpc or "
                "host, or drop MANAGED_INSTANCES from requiresCompatibilities.",
            )
        )


@check
def linux_only(facts: TaskFacts, out: list[Problem]) -> None:
    if facts.managed_instances and facts.windows:
        out.append(
            LINUX_ONLY.at(
                "runtimePlatform.operatingSystemFamily",
                f"Managed Instances run Linux containers, not {facts.os_family}: use LINUX or "
                "drop MANAGED_INSTANCES from requiresCompatibilities.",
            )
        )


def run(facts: TaskFacts, out: list[Problem]) -> None:
    check.run(facts, out)


def run_request(kind: str, body: dict[str, Any], out: list[Problem]) -> None:
    """CreateService / RunTask bodies: MANAGED_INSTANCES is not a launchType to ask for."""
    if kind not in LAUNCH_TYPE_RULE.kinds or as_str(body.get("launchType")) != LAUNCH_TYPE:
        return
    out.append(
        LAUNCH_TYPE_RULE.at(
            "launchType",
            "To use Managed Instances, leave launchType out and give capacityProviderStrategy "
            "naming your Managed Instances capacity provider.",
            source=docs.RUN_TASK if kind == "run-task" else docs.CREATE_SERVICE,
        )
    )
