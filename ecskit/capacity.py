"""Where a cluster's tasks run besides Fargate: EC2 instances, and your own servers.

The console's "Create cluster" offers Amazon EC2 instances (a new Auto Scaling group, or one you
have, as the cluster's capacity provider) and External instances using ECS Anywhere (an SSM
activation, then a registration command run on each server). Errors are `ops.OpError`s.

>>> activation = capacity.create_activation(session, "edge", instances=3)   # doctest: +SKIP
>>> print(capacity.registration_command(session, "edge", activation))       # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .errors import OpError, plain_errors
from .roles import service_role, trust_policy

ANYWHERE_ROLE_NAME = "ecsAnywhereRole"
ANYWHERE_ROLE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
# SSM's CreateActivation: RegistrationLimit 1-1000; ExpirationDate at most 30 days ahead
ACTIVATION_INSTANCES = (1, 1000)
ACTIVATION_DAYS = (1, 30)

# The core of AmazonSSMManagedInstanceCore (for backends that lack AWS-managed policies).
ANYWHERE_ROLE_RIGHTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssm:DescribeAssociation",
                "ssm:GetDocument",
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
                "ec2messages:GetMessages",
            ],
            "Resource": "*",
        }
    ],
}


def create_ec2_capacity(
    session: Any,
    cluster: str,
    *,
    instance_type: str = "t3.micro",
    desired: int = 1,
    minimum: int = 0,
    maximum: int = 2,
    subnets: list[str] | None = None,
    image_id: str = "ami-12c6146b",
) -> str:
    """Launch template + Auto Scaling group + capacity provider for `cluster`; the provider's name.

    What the console makes when you pick "Amazon EC2 instances": the instances join the cluster
    through ECS_CLUSTER in their user data. If a step fails, the steps before it are undone.
    """
    import base64

    name = f"{cluster}-ec2"
    user_data = base64.b64encode(
        f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n".encode()
    ).decode()
    ec2, autoscaling = session.ec2, session.autoscaling
    undo: list[Any] = []
    try:
        with plain_errors(f"create the EC2 capacity of cluster {cluster!r}"):
            if not subnets:
                subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
            ec2.create_launch_template(
                LaunchTemplateName=name,
                LaunchTemplateData={
                    "ImageId": image_id,
                    "InstanceType": instance_type,
                    "UserData": user_data,
                },
            )
            undo.append(lambda: ec2.delete_launch_template(LaunchTemplateName=name))
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName=name,
                LaunchTemplate={"LaunchTemplateName": name, "Version": "$Latest"},
                MinSize=minimum,
                MaxSize=maximum,
                DesiredCapacity=desired,
                VPCZoneIdentifier=",".join(subnets),
            )
            undo.append(
                lambda: autoscaling.delete_auto_scaling_group(
                    AutoScalingGroupName=name, ForceDelete=True
                )
            )
            group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
            _capacity_provider(session, name, group["AutoScalingGroups"][0]["AutoScalingGroupARN"])
    except OpError:
        for step in reversed(undo):
            with contextlib.suppress(Exception):
                step()
        raise
    return name


def delete_ec2_capacity(session: Any, provider: str, *, group: bool = True) -> None:
    """Undo create_ec2_capacity (group=True) or use_auto_scaling_group (group=False): best effort,
    for a cluster that could not be made after its capacity was."""
    steps = [lambda: session.ecs.delete_capacity_provider(capacityProvider=provider)]
    if group:
        steps += [
            lambda: session.autoscaling.delete_auto_scaling_group(
                AutoScalingGroupName=provider, ForceDelete=True
            ),
            lambda: session.ec2.delete_launch_template(LaunchTemplateName=provider),
        ]
    for step in steps:
        with contextlib.suppress(Exception):
            step()


def use_auto_scaling_group(session: Any, cluster: str, group: str) -> str:
    """A capacity provider for `cluster` on an Auto Scaling group you already have; its name.

    The console's "Use an existing group". A group serves one capacity provider at most: one
    already in use is refused, naming the provider that has it.
    """
    name = f"{cluster}-ec2"
    with plain_errors(f"use the Auto Scaling group {group!r} for cluster {cluster!r}"):
        found = session.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])
        if not found["AutoScalingGroups"]:
            raise OpError(
                f"There is no Auto Scaling group named {group!r} in {session.region}: "
                "pick one from the list, or create a new group.",
                field="ec2Capacity",
            )
        arn = found["AutoScalingGroups"][0]["AutoScalingGroupARN"]
        for provider in _capacity_providers(session):
            used = (provider.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn")
            if used == arn and provider.get("status") != "INACTIVE":
                raise OpError(
                    f"The Auto Scaling group {group!r} is already the capacity of the capacity "
                    f"provider {provider['name']!r}, and a group can serve only one: pick "
                    "another group, or create a new one.",
                    field="ec2Capacity",
                )
        _capacity_provider(session, name, arn)
    return name


def _capacity_provider(session: Any, name: str, group_arn: str) -> None:
    session.ecs.create_capacity_provider(
        name=name,
        autoScalingGroupProvider={
            "autoScalingGroupArn": group_arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
            "managedTerminationProtection": "DISABLED",
        },
    )


def _capacity_providers(session: Any) -> Iterator[dict[str, Any]]:
    """Every capacity provider (DescribeCapacityProviders pages by nextToken; no paginator)."""
    token = ""
    while True:
        page = session.ecs.describe_capacity_providers(**({"nextToken": token} if token else {}))
        yield from page.get("capacityProviders", [])
        token = page.get("nextToken") or ""
        if not token:
            return


def create_activation(
    session: Any, cluster: str, *, instances: int = 1, days: int = 1
) -> dict[str, str]:
    """An SSM activation for ECS Anywhere: {"ActivationId", "ActivationCode"}.

    `instances` may register with it (1-1000) within `days` (1-30). The role it gives the
    instances, ecsAnywhereRole, is made first if missing.
    """
    import datetime

    for value, (low, high), what in (
        (instances, ACTIVATION_INSTANCES, "Number of instances"),
        (days, ACTIVATION_DAYS, "Activation valid for (days)"),
    ):
        if not isinstance(value, int) or not low <= value <= high:
            raise OpError(f"{what} must be a whole number from {low} to {high} (not {value!r}).")
    role = create_anywhere_role(session)
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    with plain_errors(f"create an SSM activation for cluster {cluster!r}"):
        answer = session.client("ssm").create_activation(
            Description=f"ECS Anywhere instances for cluster {cluster}",
            DefaultInstanceName=cluster,
            IamRole=role.rsplit("/", 1)[-1],
            RegistrationLimit=instances,
            ExpirationDate=expires,
        )
    return {"ActivationId": answer["ActivationId"], "ActivationCode": answer["ActivationCode"]}


def registration_command(
    session: Any, cluster: str, activation: dict[str, str] | None = None
) -> str:
    """The ECS Anywhere command to run on an external instance to join `cluster`.

    With an `activation` (from `create_activation`) the command is complete; without, it leaves
    $ACTIVATION_ID and $ACTIVATION_CODE for you to set.
    """
    activation_id = (activation or {}).get("ActivationId", "$ACTIVATION_ID")
    code = (activation or {}).get("ActivationCode", "$ACTIVATION_CODE")
    return (
        'curl --proto "https" -o "/tmp/ecs-anywhere-install.sh" '
        '"https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh" && '
        f'bash /tmp/ecs-anywhere-install.sh --region "{session.region}" '
        f'--cluster "{cluster}" --activation-id "{activation_id}" '
        f'--activation-code "{code}"'
    )


def create_anywhere_role(session: Any, name: str = ANYWHERE_ROLE_NAME) -> str:
    """Create (or find) the role ECS Anywhere's external instances get from SSM; its ARN.

    Trusts ssm.amazonaws.com and carries AmazonSSMManagedInstanceCore, as the console's
    `ecsAnywhereRole` does ("Registering an external instance", ECS Developer Guide).
    """
    return service_role(
        session,
        name,
        trust=trust_policy("ssm.amazonaws.com"),
        policy=ANYWHERE_ROLE_POLICY,
        rights=ANYWHERE_ROLE_RIGHTS,
        description="Lets ECS Anywhere's external instances register with SSM and ECS.",
    )
