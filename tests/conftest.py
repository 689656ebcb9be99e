"""Fixtures shared by every test: one sandbox per test process, emptied before each test."""

from __future__ import annotations

import pytest

import ecskit


@pytest.fixture(scope="session")
def sandbox_session() -> ecskit.Session:
    """The process's sandbox session (started once; not reset: use `session` for that)."""
    return ecskit.connect()


@pytest.fixture
def session(sandbox_session: ecskit.Session) -> ecskit.Session:
    """A sandbox session on an empty sandbox: every resource of every service forgotten."""
    assert sandbox_session.sandbox is not None, "tests must not run against ECSKIT_ENDPOINT"
    sandbox_session.sandbox.reset()
    return sandbox_session


@pytest.fixture
def auto_scaling_group(session: ecskit.Session) -> str:
    """An Auto Scaling group named "mine" (one instance), made outside ecskit as a user would
    have one; its ARN."""
    session.ec2.create_launch_template(
        LaunchTemplateName="mine",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"},
    )
    subnet = session.ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    session.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="mine",
        LaunchTemplate={"LaunchTemplateName": "mine"},
        MinSize=1,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    group = session.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["mine"])
    return group["AutoScalingGroups"][0]["AutoScalingGroupARN"]
