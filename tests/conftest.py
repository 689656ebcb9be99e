"""Fixtures shared by every test: one sandbox per test process, emptied before each test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ecskit
from ecskit import ops


@pytest.fixture(scope="session")
def sandbox_session() -> ecskit.Session:
    """The process's sandbox session (started once; not reset: use `session` for that)."""
    return ecskit.connect()


@pytest.fixture
def session(sandbox_session: ecskit.Session) -> ecskit.Session:
    """A sandbox session on an empty sandbox: every resource of every service forgotten, except
    the console's standard `ecsTaskExecutionRole` (trusted by ecs-tasks.amazonaws.com, with
    AmazonECSTaskExecutionRolePolicy's rights), which most accounts have and most tests name: ECS
    launches no task whose execution role is missing or untrusted, and neither does the sandbox."""
    assert sandbox_session.sandbox is not None, "tests must not run against ECSKIT_ENDPOINT"
    sandbox_session.sandbox.reset()
    ops.create_task_execution_role(sandbox_session)
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


@pytest.fixture
def blue_green_alb(session: ecskit.Session):
    """A maker of what blue/green, canary and linear deployments need, as the developer guide's
    ALB page lists it: an ALB in `vpc` over `subnets`, two `ip` target groups (blue, green),
    a production listener rule (port 80) and a test listener rule (port 8080), both forwarding
    to blue. Returns {"groups": [blue, green], "production": rule ARN, "test": rule ARN}."""

    def build(vpc: str, subnets: list[str]) -> dict:
        elbv2 = session.elbv2
        lb = elbv2.create_load_balancer(Name="shop", Subnets=subnets)["LoadBalancers"][0]
        groups = [
            elbv2.create_target_group(
                Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
            )["TargetGroups"][0]["TargetGroupArn"]
            for name in ("blue", "green")
        ]
        forward = [{"Type": "forward", "TargetGroupArn": groups[0]}]
        rules = []
        for port in (80, 8080):
            listener = elbv2.create_listener(
                LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                DefaultActions=forward,
            )["Listeners"][0]  # fmt: skip
            rules.append(
                elbv2.create_rule(
                    ListenerArn=listener["ListenerArn"],
                    Priority=1,
                    Actions=forward,
                    Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
                )["Rules"][0]["RuleArn"]
            )
        return {"groups": groups, "production": rules[0], "test": rules[1]}

    return build


@pytest.fixture
def bare_account(session: ecskit.Session) -> ecskit.Session:
    """`session` on an account without even ecsTaskExecutionRole (a brand-new account)."""
    iam, name = session.iam, ops.EXECUTION_ROLE_NAME
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for inline in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=inline)
    iam.delete_role(RoleName=name)
    return session


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium (playwright, sync) for the whole session, shared by the JupyterLab
    tests (tests/browser) and the JupyterLite site test (tests/lite): playwright's sync API
    cannot be started a second time while the first is running."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
    from harness import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
