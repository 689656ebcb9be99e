"""ecskit.capacity: EC2 capacity (a new Auto Scaling group or one you have) and ECS Anywhere."""

from __future__ import annotations

import json

import pytest

from ecskit import capacity, ops


def test_ec2_capacity_makes_template_group_and_provider(session):
    name = capacity.create_ec2_capacity(
        session, "fleet", instance_type="t3.small", desired=1, maximum=3
    )
    groups = session.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    group = groups["AutoScalingGroups"][0]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == (0, 1, 3)
    providers = session.ecs.describe_capacity_providers(capacityProviders=[name])
    assert (
        providers["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroupArn"]
        == (group["AutoScalingGroupARN"])
    )
    cluster = ops.create_cluster(session, {"clusterName": "fleet", "capacityProviders": [name]})
    assert cluster["capacityProviders"] == [name]


def test_ec2_capacity_failure_leaves_nothing_behind(session):
    with pytest.raises(ops.OpError):
        capacity.create_ec2_capacity(session, "broken", subnets=["subnet-missing"])
    templates = session.ec2.describe_launch_templates()["LaunchTemplates"]
    assert templates == []
    assert session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_registration_command_names_cluster_and_region(session):
    command = capacity.registration_command(session, "edge")
    assert '--cluster "edge"' in command and f'--region "{session.region}"' in command


def test_an_existing_group_becomes_the_capacity_provider(session, auto_scaling_group):
    arn = auto_scaling_group
    name = capacity.use_auto_scaling_group(session, "shop", "mine")
    provider = session.ecs.describe_capacity_providers(capacityProviders=[name])
    group_provider = provider["capacityProviders"][0]["autoScalingGroupProvider"]
    assert group_provider["autoScalingGroupArn"] == arn
    # ecskit made no group or template of its own
    groups = session.autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
    assert [g["AutoScalingGroupName"] for g in groups] == ["mine"]
    cluster = ops.create_cluster(session, {"clusterName": "shop", "capacityProviders": [name]})
    instances = session.ecs.list_container_instances(cluster=cluster["clusterArn"])
    assert len(instances["containerInstanceArns"]) == 1  # the group's one instance joined


def test_a_group_serves_one_provider_and_must_exist(session, auto_scaling_group):
    capacity.use_auto_scaling_group(session, "shop", "mine")
    with pytest.raises(ops.OpError) as caught:
        capacity.use_auto_scaling_group(session, "other", "mine")
    assert "already the capacity of the capacity provider 'shop-ec2'" in caught.value.message
    assert caught.value.field == "ec2Capacity"
    with pytest.raises(ops.OpError) as caught:
        capacity.use_auto_scaling_group(session, "other", "nope")
    assert "no Auto Scaling group named 'nope'" in caught.value.message
    names = [p["name"] for p in session.ecs.describe_capacity_providers()["capacityProviders"]]
    assert "other-ec2" not in names


def test_an_activation_fills_the_registration_command(bare_account):
    session = bare_account
    activation = capacity.create_activation(session, "edge", instances=3, days=7)
    assert activation["ActivationId"] and activation["ActivationCode"]
    command = capacity.registration_command(session, "edge", activation)
    assert f'--activation-id "{activation["ActivationId"]}"' in command
    assert f'--activation-code "{activation["ActivationCode"]}"' in command
    assert "$ACTIVATION" not in command
    # the role the instances get: trusted by SSM, with SSM's managed-instance rights
    role = session.iam.get_role(RoleName="ecsAnywhereRole")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "ssm.amazonaws.com"}
    attached = session.iam.list_attached_role_policies(RoleName="ecsAnywhereRole")
    inline = session.iam.list_role_policies(RoleName="ecsAnywhereRole")["PolicyNames"]
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] + inline == [
        "AmazonSSMManagedInstanceCore"
    ]
    # a second activation reuses the role
    capacity.create_activation(session, "edge")
    assert len(session.iam.list_roles(PathPrefix="/")["Roles"]) == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"instances": 0}, "Number of instances must be a whole number from 1 to 1000"),
        ({"instances": 1001}, "Number of instances"),
        ({"days": 31}, "Activation valid for (days) must be a whole number from 1 to 30"),
    ],
)
def test_activation_limits_are_checked_before_any_call(bare_account, kwargs, words):
    session = bare_account
    with pytest.raises(ops.OpError) as caught:
        capacity.create_activation(session, "edge", **kwargs)
    assert words in caught.value.message
    assert session.iam.list_roles()["Roles"] == []
