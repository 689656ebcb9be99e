"""The IAM roles ECS needs: the task execution role, and any role trusted by an AWS service.

Each function takes an `ecskit.Session` first and raises `OpError` with a plain message; they
are reached as `ecskit.ops.create_task_execution_role`, `ops.service_role`... like ecskit's other
writes.
"""

from __future__ import annotations

import json
from typing import Any

from .console import resource_name
from .errors import plain_errors

EXECUTION_ROLE_NAME = "ecsTaskExecutionRole"
EXECUTION_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ECS_TASKS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


# What AmazonECSTaskExecutionRolePolicy allows (for backends that lack AWS-managed policies).
EXECUTION_ROLE_RIGHTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": "*",
        }
    ],
}


def create_task_execution_role(session: Any, name: str = EXECUTION_ROLE_NAME) -> str:
    """Create (or find) the standard task execution role; its ARN.

    Trusts ecs-tasks.amazonaws.com and carries AmazonECSTaskExecutionRolePolicy, as the console's
    own `ecsTaskExecutionRole` does.
    """
    return service_role(
        session,
        name,
        trust=ECS_TASKS_TRUST,
        policy=EXECUTION_ROLE_POLICY,
        rights=EXECUTION_ROLE_RIGHTS,
        description="Lets ECS pull images and send logs for your tasks.",
    )


def trust_policy(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def service_role(
    session: Any,
    name: str,
    *,
    trust: dict[str, Any],
    policy: str,
    rights: dict[str, Any],
    description: str,
) -> str:
    """A role trusted by an AWS service with an AWS-managed policy attached (found if there)."""
    iam = session.iam
    with plain_errors(f"create the role {name}"):
        try:
            arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            arn = iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=description
            )["Role"]["Arn"]
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        if policy not in {p["PolicyArn"] for p in attached}:
            try:
                iam.attach_role_policy(RoleName=name, PolicyArn=policy)
            except iam.exceptions.NoSuchEntityException:
                if getattr(session, "backend", "aws") == "aws":
                    raise
                # moto loads AWS-managed policies only when asked: the same rights, inline
                iam.put_role_policy(
                    RoleName=name,
                    PolicyName=resource_name(policy),
                    PolicyDocument=json.dumps(rights),
                )
        return str(arn)
