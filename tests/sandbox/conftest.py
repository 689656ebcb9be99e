"""Fixtures for the behaviour suite: an empty sandbox on a clock the test chooses.

The tests call only the boto3 API (plus the clock, which AWS has no need of), so they state
what ECS documents and could run against AWS unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from public_network import open_to_internet

import ecskit

FAST = {"Delay": 0.05, "MaxAttempts": 40}  # botocore waiters poll every 6-15 s by default


@pytest.fixture
def ecs_session(session: ecskit.Session) -> Iterator[ecskit.Session]:
    """An empty sandbox on the instant clock (every call sees the steady state)."""
    box = session.sandbox
    before = box.clock
    box.clock = "instant"
    yield session
    box.clock = before


@pytest.fixture
def manual(session: ecskit.Session) -> Iterator[ecskit.Session]:
    """An empty sandbox whose time moves only by `session.sandbox.advance(seconds)`."""
    box = session.sandbox
    before = box.clock
    box.clock = "manual"
    yield session
    box.clock = before


@pytest.fixture
def network(session: ecskit.Session) -> dict[str, Any]:
    """A VPC (DNS hostnames off, as moto makes it), a public subnet (its main route table sends
    0.0.0.0/0 to an internet gateway) and a security group; tasks get a public IP, so they can
    reach their registry (the sandbox stops tasks that cannot, as ECS does)."""
    ec2 = session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    open_to_internet(ec2, vpc)
    return {
        "vpc": vpc,
        "subnet": subnet,
        "config": {
            "awsvpcConfiguration": {
                "subnets": [subnet["SubnetId"]],
                "securityGroups": [group],
                "assignPublicIp": "ENABLED",
            }
        },
    }


def fargate_definition(ecs: Any, family: str = "web", image: str = "nginx") -> dict[str, Any]:
    """Register a small Fargate revision (task-level size only, as the console makes it)."""
    return ecs.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "web", "image": image, "portMappings": [{"containerPort": 80, "name": "web"}]}
        ],
    )["taskDefinition"]


def ec2_definition(ecs: Any, family: str = "worker", **container: Any) -> dict[str, Any]:
    body = {"name": "worker", "image": "busybox", "memory": 256, **container}
    return ecs.register_task_definition(family=family, containerDefinitions=[body])[
        "taskDefinition"
    ]


def fargate_service(
    ecs: Any, network: dict[str, Any], name: str = "web", count: int = 3, **extra: Any
) -> dict[str, Any]:
    return ecs.create_service(
        cluster="shop",
        serviceName=name,
        taskDefinition="web",
        desiredCount=count,
        launchType="FARGATE",
        networkConfiguration=network["config"],
        **extra,
    )["service"]


def failing_rollout(session: Any, network: dict[str, Any], name: str = "app") -> dict[str, Any]:
    """Service `name` on revision `name:1` with the circuit breaker's rollback on, updated to
    `name:2` (whose tasks must fail to start), then three failing rounds on the manual clock:
    the service as DescribeServices answers it afterwards."""
    ecs = session.ecs
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    ecs.create_service(
        cluster="shop", serviceName=name, taskDefinition=f"{name}:1", desiredCount=2,
        launchType="FARGATE", networkConfiguration=network["config"],
        deploymentConfiguration=breaker,
    )  # fmt: skip
    session.sandbox.settle()
    ecs.update_service(cluster="shop", service=name, taskDefinition=f"{name}:2")
    for _ in range(3):
        session.sandbox.settle()
        session.sandbox.advance(61)
    session.sandbox.settle()
    return ecs.describe_services(cluster="shop", services=[name])["services"][0]


def run_settled(session: Any, config: dict[str, Any], family: str = "app") -> dict[str, Any]:
    """RunTask of `family` on Fargate in cluster "shop" with `config` (a networkConfiguration),
    then the task as DescribeTasks answers once the sandbox has settled."""
    ecs = session.ecs
    arn = ecs.run_task(
        cluster="shop", taskDefinition=family, launchType="FARGATE", networkConfiguration=config
    )["tasks"][0]["taskArn"]
    session.sandbox.settle()
    return ecs.describe_tasks(cluster="shop", tasks=[arn])["tasks"][0]


@pytest.fixture
def kit() -> Any:
    """The helpers above, for tests (test modules do not import each other)."""
    import types

    return types.SimpleNamespace(
        fargate_definition=fargate_definition,
        ec2_definition=ec2_definition,
        fargate_service=fargate_service,
        failing_rollout=failing_rollout,
        run_settled=run_settled,
        fast=FAST,
    )
