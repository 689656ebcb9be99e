"""Everything CreateExpressGatewayService and UpdateExpressGatewayService check before anything
is made: roles, names, sizes, scaling and network. A refusal leaves nothing behind.

Facts (botocore's ECS model, ECS = its docstrings; GUIDE = the express-service-work page,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html):
- the execution role is trusted by ecs-tasks.amazonaws.com and the infrastructure role by
  ecs.amazonaws.com (trust policies of "Create your first Express Mode service using the AWS
  CLI", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-getting-started.html);
- serviceName: "up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens",
  unique in its cluster; if omitted "Amazon ECS generates a unique name" (ECS);
- healthCheckPath "must start with a forward slash" (ECS); containerPort defaults to 80 (ECS);
- taskDefinitionArn excludes primaryContainer, executionRoleArn, taskRoleArn, cpu, memory and
  cpuArchitecture; its task definition "must have a container named Main with a single TCP port
  mapping that includes a container port and port name" and FARGATE compatibility (ECS);
- scaling defaults: min 1, max 20, CPU, target 60 (GUIDE); request count per target up to 65536;
- without subnets the default VPC's public subnets, which must span two Availability Zones.
ECS publishes no wording for these refusals: the messages are the sandbox's own
(InvalidParameterException, as the model lists for these operations; docs/express-mode.md).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from .errors import EcsError

NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
EXECUTION_PRINCIPAL = "ecs-tasks.amazonaws.com"
INFRASTRUCTURE_PRINCIPAL = "ecs.amazonaws.com"
SCALING_DEFAULTS = {"minTaskCount": 1, "maxTaskCount": 20,
                    "autoScalingMetric": "AVERAGE_CPU", "autoScalingTargetValue": 60}  # fmt: skip
MAX_REQUESTS_PER_TARGET = 65536
WITH_TASK_DEFINITION = ("primaryContainer", "executionRoleArn", "taskRoleArn", "cpu", "memory",
                        "cpuArchitecture")  # fmt: skip


def refuse(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


# -- roles ---------------------------------------------------------------------------------------
def check_role(account: str, field: str, arn: str | None, principal: str) -> None:
    """`arn` names an IAM role that `principal` may assume."""
    from moto.iam.models import iam_backends

    if not arn:
        raise refuse(f"{field} is required: give the ARN of an IAM role trusted by {principal}.")
    try:
        role = iam_backends[account]["global"].get_role_by_arn(arn)
    except Exception:  # moto's IAMNotFoundException
        raise refuse(
            f"{field} {arn!r} is not an IAM role in this account: create the role (trusted by "
            f"{principal}) first, then pass its ARN."
        ) from None
    if principal not in _principals(role.assume_role_policy_document):
        raise refuse(
            f"{field} {arn!r} cannot be assumed by {principal}: its trust policy must allow "
            f"sts:AssumeRole for the service principal {principal}."
        )


def _principals(document: Any) -> set[str]:
    if isinstance(document, str):
        try:
            document = json.loads(unquote(document))
        except ValueError:
            return set()
    statements = (document or {}).get("Statement") or []
    found: set[str] = set()
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        service = (statement.get("Principal") or {}).get("Service") or []
        found.update([service] if isinstance(service, str) else service)
    return found


def check_roles(account: str, body: dict[str, Any], *, creating: bool) -> None:
    if creating:
        check_role(account, "infrastructureRoleArn", body.get("infrastructureRoleArn"),
                   INFRASTRUCTURE_PRINCIPAL)  # fmt: skip
    if body.get("taskDefinitionArn"):
        return
    if creating or body.get("executionRoleArn"):
        check_role(account, "executionRoleArn", body.get("executionRoleArn"), EXECUTION_PRINCIPAL)
    if body.get("taskRoleArn"):
        check_role(account, "taskRoleArn", body["taskRoleArn"], EXECUTION_PRINCIPAL)


# -- the request's own fields ---------------------------------------------------------------------
def check_fields(body: dict[str, Any], *, creating: bool) -> None:
    name = body.get("serviceName")
    if name is not None and not NAME.match(name):
        raise refuse(
            f"serviceName {name!r} is not valid: use up to 255 letters, numbers, underscores "
            "and hyphens."
        )
    path = body.get("healthCheckPath")
    if path is not None and not path.startswith("/"):
        raise refuse(f"healthCheckPath {path!r} must start with a forward slash, like /health.")
    if body.get("taskDefinitionArn"):
        both = [f for f in WITH_TASK_DEFINITION if body.get(f) is not None]
        if both:
            raise refuse(
                f"With taskDefinitionArn, leave out {', '.join(both)}: the task definition "
                "already says them."
            )
    elif creating and not (body.get("primaryContainer") or {}).get("image"):
        raise refuse("primaryContainer.image is required: give the image to run (or a "
                     "taskDefinitionArn).")  # fmt: skip
    port = (body.get("primaryContainer") or {}).get("containerPort")
    if port is not None and not 1 <= port <= 65535:
        raise refuse(f"primaryContainer.containerPort {port} must be between 1 and 65535.")


def scaling_target(body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The scaling target asked for, with the documented defaults (or the current values)."""
    target = {**(current or SCALING_DEFAULTS), **(body.get("scalingTarget") or {})}
    low, high = target["minTaskCount"], target["maxTaskCount"]
    if low < 0 or high < 1 or low > high:
        raise refuse(
            f"scalingTarget: minTaskCount ({low}) must be 0 or more and at most maxTaskCount "
            f"({high}), which must be at least 1."
        )
    value = target["autoScalingTargetValue"]
    ceiling = 100 if target["autoScalingMetric"] != "REQUEST_COUNT_PER_TARGET" else (
        MAX_REQUESTS_PER_TARGET)  # fmt: skip
    if not 1 <= value <= ceiling:
        raise refuse(
            f"scalingTarget.autoScalingTargetValue {value} must be between 1 and {ceiling} for "
            f"{target['autoScalingMetric']}."
        )
    return target


def check_main_container(td: Any) -> int:
    """A customer task definition Express can front: its Main container's port."""
    if "FARGATE" not in (td.requires_compatibilities or []):
        raise refuse("The task definition must have FARGATE compatibility for Express Mode.")
    main = [c for c in td.container_definitions if c.get("name") == "Main"]
    mappings = (main[0].get("portMappings") or []) if main else []
    if (
        len(mappings) != 1
        or (mappings[0].get("protocol") or "tcp") != "tcp"
        or not (mappings[0].get("containerPort") and mappings[0].get("name"))
    ):
        raise refuse(
            "The task definition must have a container named Main with a single TCP port "
            "mapping that has a containerPort and a name."
        )
    return int(mappings[0]["containerPort"])


# -- network -------------------------------------------------------------------------------------
def network(ec2: Any, body: dict[str, Any]) -> dict[str, Any]:
    """{vpc, subnets, securityGroups, public}: the request's subnets or the default VPC's."""
    asked = body.get("networkConfiguration") or {}
    names = asked.get("subnets") or []
    if names:
        found = {s.id: s for s in ec2.describe_subnets(subnet_ids=None)}
        missing = [n for n in names if n not in found]
        if missing:
            raise refuse(f"networkConfiguration.subnets: {', '.join(missing)} not found.")
        subnets = [found[n] for n in names]
    else:
        vpcs = [v for v in ec2.vpcs.values() if v.is_default]
        if not vpcs:
            raise refuse("There is no default VPC: give networkConfiguration.subnets.")
        subnets = [s for s in ec2.describe_subnets(subnet_ids=None)
                   if s.vpc_id == vpcs[0].id and _public(s)]  # fmt: skip
    vpcs = {s.vpc_id for s in subnets}
    if len(vpcs) != 1:
        raise refuse("networkConfiguration.subnets must all be in one VPC.")
    vpc = vpcs.pop()
    if len({s.availability_zone for s in subnets}) < 2:
        raise refuse(
            "The load balancer needs subnets in at least two Availability Zones: give "
            "networkConfiguration.subnets from two zones or more."
        )
    groups = asked.get("securityGroups") or []
    for group in groups:
        sg = ec2.get_security_group_from_id(group)
        if sg is None or sg.vpc_id != vpc:
            raise refuse(
                f"networkConfiguration.securityGroups: {group} is not a security group of {vpc}."
            )
    public = all(_public(s) for s in subnets)
    return {"vpc": vpc, "subnets": [s.id for s in subnets], "securityGroups": groups,
            "public": public, "zones": sorted({s.availability_zone for s in subnets})}  # fmt: skip


def check_zones(net: dict[str, Any], zones: set[str]) -> None:
    """ "Subsequent Express Mode services that launch in the same VPC must have subnets that
    match the availability zones supported by the load balancer" (GUIDE)."""
    outside = [z for z in net["zones"] if zones and z not in zones]
    if outside:
        raise refuse(
            f"networkConfiguration.subnets: {', '.join(outside)} is not an Availability Zone of "
            f"the Express load balancer of {net['vpc']} ({', '.join(sorted(zones))}): choose "
            "subnets in those zones."
        )


def _public(subnet: Any) -> bool:
    """A subnet whose instances get public IPs (moto's default subnets do); the guide calls
    private a subnet "without an internet gateway in their route table" (inference: the
    sandbox reads the subnet's public-IP setting)."""
    return str(getattr(subnet, "map_public_ip_on_launch", "false")).lower() == "true"
