"""Express Mode's writes: the two roles it needs, and create / describe / delete of a service.

The roles are made as the developer guide's CLI walkthrough makes them
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-getting-started.html):
`ecsTaskExecutionRole` trusted by ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy,
`ecsInfrastructureRoleForExpressServices` trusted by ecs.amazonaws.com with
AmazonECSInfrastructureRoleforExpressGatewayServices. Each function raises `ops.OpError`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import ops
from .errors import plain_errors

INFRASTRUCTURE_ROLE_NAME = "ecsInfrastructureRoleForExpressServices"
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRoleforExpressGatewayServices.html
INFRASTRUCTURE_POLICY = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices"
)
# the walkthrough's trust policy: ecs.amazonaws.com may assume the role
INFRASTRUCTURE_TRUST = ops.trust_policy("ecs.amazonaws.com")
# A short form of what the managed policy allows (for backends without AWS-managed policies):
# its statements cover ELB, Application Auto Scaling, EC2 security groups, ACM and CloudWatch.
INFRASTRUCTURE_RIGHTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:*",
                "application-autoscaling:*",
                "ec2:CreateSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
                "acm:RequestCertificate",
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
            ],
            "Resource": "*",
        }
    ],
}


def infrastructure_roles(session: Any) -> list[tuple[str, str]]:
    """(name, ARN) of the account's roles that ecs.amazonaws.com may assume, by name."""
    found = []
    with plain_errors("list IAM roles"):
        for page in session.iam.get_paginator("list_roles").paginate():
            for role in page["Roles"]:
                # A service-linked role (AWSServiceRoleForECS) trusts ECS too, but it is ECS's
                # own and never passed as an infrastructure role: IAM keeps those under
                # /aws-service-role/ (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html).
                if role.get("Path", "/").startswith("/aws-service-role/"):
                    continue
                # boto3 hands the trust policy over decoded; ecs-tasks.amazonaws.com differs
                if '"ecs.amazonaws.com"' in json.dumps(role.get("AssumeRolePolicyDocument")):
                    found.append((role["RoleName"], role["Arn"]))
    return sorted(found)


def create_execution_role(session: Any) -> str:
    """The standard task execution role (found or made); its ARN."""
    return ops.create_task_execution_role(session)


def create_infrastructure_role(session: Any, name: str = INFRASTRUCTURE_ROLE_NAME) -> str:
    """The Express infrastructure role (found or made); its ARN."""
    return ops.service_role(
        session,
        name,
        trust=INFRASTRUCTURE_TRUST,
        policy=INFRASTRUCTURE_POLICY,
        rights=INFRASTRUCTURE_RIGHTS,
        description="Lets ECS make the load balancer, scaling and alarms of Express services.",
    )


def create_service(session: Any, body: dict[str, Any]) -> dict[str, Any]:
    """CreateExpressGatewayService with `body`; the service it describes.

    A refusal that names one of the request's fields (`infrastructureRoleArn '…' is not…`)
    carries that field, so a form shows it beside the input.
    """
    try:
        with plain_errors(
            f"create the Express service {body.get('serviceName', '')!r}", list(body)
        ):
            return session.ecs.create_express_gateway_service(**body)["service"]
    except ops.OpError as error:
        if error.field:
            raise
        named = sorted(
            (error.message.find(path), path)
            for path in _paths(body)
            if re.search(rf"(?<![\w.]){re.escape(path)}\b", error.message)
        )
        raise ops.OpError(error.message, error.code, named[0][1] if named else "") from None


def _paths(body: dict[str, Any], prefix: str = "") -> list[str]:
    """Every object key's path in `body`: cpu, primaryContainer.image, ..."""
    found = []
    for key, value in body.items():
        found.append(prefix + key)
        if isinstance(value, dict):
            found += _paths(value, f"{prefix}{key}.")
    return found


def describe_service(session: Any, arn: str) -> dict[str, Any]:
    with plain_errors(f"describe the Express service {arn}"):
        return session.ecs.describe_express_gateway_service(serviceArn=arn)["service"]


def delete_service(session: Any, arn: str) -> dict[str, Any]:
    """Delete an Express service (ECS removes what it made for it)."""
    with plain_errors(f"delete the Express service {arn}"):
        return session.ecs.delete_express_gateway_service(serviceArn=arn)["service"]


def url_of(service: dict[str, Any]) -> str:
    """The service's public URL, if ECS has given it one yet ('' otherwise)."""
    for config in service.get("activeConfigurations") or []:
        for route in config.get("ingressPaths") or []:
            if route.get("endpoint"):
                endpoint = str(route["endpoint"])
                return endpoint if "://" in endpoint else f"https://{endpoint}"
    return ""
