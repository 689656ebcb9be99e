"""Chapter 08's checks: each broken setup fails the item that names what is wrong (with the page
to read), and the chapter's solution passes every item."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ecskit
from ecskit.course import catch_up, check, push_image
from ecskit.course.catch_up import default_network
from ecskit.course.startup_failures import report_task, shop_task
from ecskit.ops import ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS


@pytest.fixture
def course(session: ecskit.Session) -> ecskit.Session:
    """Chapters 00-02 built (cluster course, my-app:1, /ecs/web, the roles), on a manual clock."""
    catch_up(3, session)
    push_image(session, "3")
    before = session.sandbox.clock
    session.sandbox.clock = "manual"
    yield session
    session.sandbox.clock = before


def _service(session: ecskit.Session, name: str, family: str, network: Any = None) -> None:
    session.ecs.create_service(
        cluster="course", serviceName=name, taskDefinition=family, desiredCount=1,
        launchType="FARGATE", networkConfiguration=network or default_network(session),
    )  # fmt: skip
    session.sandbox.advance(60)


def _marks(result: Any) -> dict[str, bool]:
    return {item.what.split(" (")[0].split(":")[0]: item.ok for item in result.items}


def _hint(result: Any, start: str) -> str:
    return next(item.hint for item in result.items if item.what.startswith(start))


def test_no_service_yet_says_which_cell_makes_it(course) -> None:
    result = check("08-log-group", course)
    assert not result.passed and len(result.items) == 3  # the same count as once it exists
    assert "A log group that is not there" in result.items[0].hint
    assert all(i.hint.startswith("not checked yet: first create service") for i in result.items[1:])


def test_no_route_needs_a_way_out_and_the_way_named(course) -> None:
    ec2 = course.ec2
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.8.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=private)
    course.ecs.register_task_definition(**shop_task(course, "shop-private"))
    network = {"awsvpcConfiguration": {"subnets": [private], "assignPublicIp": "DISABLED"}}
    _service(course, "shop-private", "shop-private", network)
    broken = check("08-no-route", course, way="nat")
    assert not _marks(broken)["its subnets give the tasks a way out"]
    hint = _hint(broken, "its subnets")
    assert "no default route out" in hint and "task_cannot_pull_image.html" in hint
    for name in ("ecr.api", "ecr.dkr", "logs"):
        ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{course.region}.{name}",
            VpcEndpointType="Interface", SubnetIds=[private],
        )  # fmt: skip
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{course.region}.s3", VpcEndpointType="Gateway",
        RouteTableIds=[table],
    )  # fmt: skip
    course.ecs.update_service(cluster="course", service="shop-private", forceNewDeployment=True)
    wrong_way = check("08-no-route", course, way="nat")
    assert _marks(wrong_way)["its subnets give the tasks a way out"]
    assert not _marks(wrong_way)["you said way='nat', and the network shows it"]
    assert check("08-no-route", course, way="endpoints").passed


def test_log_group(course) -> None:
    body = shop_task(course, "shop-logs")
    body["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"] = "/ecs/shop"
    course.ecs.register_task_definition(**body)
    _service(course, "shop-logs", "shop-logs")
    broken = check("08-log-group", course)
    assert _marks(broken) == {
        "service shop-logs exists in cluster course": True,
        "its log group /ecs/shop exists": False,
        "service shop-logs is steady": False,
    }
    assert "resource-initialization-error.html" in _hint(broken, "its log group")
    course.logs.create_log_group(logGroupName="/ecs/shop")
    course.ecs.update_service(cluster="course", service="shop-logs", forceNewDeployment=True)
    assert check("08-log-group", course).passed


def test_secret_wants_the_one_secret_named(course) -> None:
    iam = course.iam
    secret = course.client("secretsmanager").create_secret(Name="shop/db-password",
                                                           SecretString="x")["ARN"]  # fmt: skip
    iam.create_role(RoleName="shopRole", AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST))
    iam.put_role_policy(
        RoleName="shopRole", PolicyName="run", PolicyDocument=json.dumps(EXECUTION_ROLE_RIGHTS)
    )
    account = course.sts.get_caller_identity()["Account"]
    body = shop_task(
        course, "shop-secret", executionRoleArn=f"arn:aws:iam::{account}:role/shopRole"
    )
    body["containerDefinitions"][0]["secrets"] = [{"name": "DB", "valueFrom": secret}]
    course.ecs.register_task_definition(**body)
    _service(course, "shop-secret", "shop-secret")
    marks = _marks(check("08-secret", course))
    assert not marks["role shopRole may call secretsmanager"]

    def allow(resource: str) -> None:
        statement = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                     "Resource": resource}  # fmt: skip
        iam.put_role_policy(RoleName="shopRole", PolicyName="db", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}))  # fmt: skip
        course.ecs.update_service(cluster="course", service="shop-secret", forceNewDeployment=True)

    allow("*")
    too_wide = check("08-secret", course)
    assert not _marks(too_wide)["role shopRole may not read every secret"]
    assert "leaked task" in _hint(too_wide, "role shopRole may not")
    allow(secret)
    assert check("08-secret", course).passed


def test_health_check_wants_the_fixed_release_the_check_and_rollback(course) -> None:
    health = {"command": ["CMD-SHELL", "curl -f http://localhost/health || exit 1"]}

    def release(tag: str) -> str:
        body = shop_task(course, "shop-health", tag=tag)
        body["containerDefinitions"][0]["healthCheck"] = health
        return course.ecs.register_task_definition(**body)["taskDefinition"]["taskDefinitionArn"]

    push_image(course, "4")
    course.sandbox.behave("my-app:4", health="unhealthy")
    course.ecs.register_task_definition(**shop_task(course, "shop-health", tag="4"))
    _service(course, "shop-health", release("4"))
    marks = _marks(check("08-health-check", course))
    assert (
        not marks["it runs my-app"]
        and not marks["the deployment circuit breaker is on, with rollback"]
    )
    push_image(course, "5")
    course.ecs.update_service(
        cluster="course", service="shop-health", taskDefinition=release("5"),
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )  # fmt: skip
    assert check("08-health-check", course).passed


def test_exits_wants_migrate_not_essential_and_web_after_it(course) -> None:
    body = shop_task(course, "shop-migrate")
    web = body["containerDefinitions"][0]
    migrate = {**web, "name": "migrate", "portMappings": []}
    body["containerDefinitions"] = [migrate, web]
    course.ecs.register_task_definition(**body)
    course.sandbox.behave(container="migrate", exits=0, after=5)
    _service(course, "shop-migrate", "shop-migrate")
    marks = _marks(check("08-exits", course))
    assert not marks["container migrate is not essential"]
    assert not marks["container web starts after migrate exits with 0"]
    migrate["essential"] = False
    web["dependsOn"] = [{"containerName": "migrate", "condition": "SUCCESS"}]
    course.ecs.register_task_definition(**body)
    course.ecs.update_service(
        cluster="course", service="shop-migrate", taskDefinition="shop-migrate"
    )
    assert check("08-exits", course).passed


def test_memory_wants_enough_and_a_fargate_size(course) -> None:
    course.ecs.register_task_definition(**report_task(course))
    _service(course, "shop-report", "shop-report")
    broken = check("08-memory", course)
    assert not _marks(broken)["container report may use 400 MiB"]
    assert "ecs-resolve-outofmemory-errors" in _hint(broken, "container report")
    assert report_task(course)["containerDefinitions"][0]["dockerLabels"] == {
        "ecskit.sandbox/behaviour": "out-of-memory after=30"
    }
    fixed = report_task(course, "1024", 900)
    assert "dockerLabels" not in fixed["containerDefinitions"][0]
    course.ecs.register_task_definition(**fixed)
    course.ecs.update_service(cluster="course", service="shop-report", taskDefinition="shop-report")
    passed = check("08-memory", course)
    assert passed.passed, str(passed)
    assert "task size 256 CPU units / 1024 MiB is one Fargate offers" in str(passed)


def test_unknown_answers_are_refused_by_name(course) -> None:
    with pytest.raises(ValueError, match="takes way"):
        check("08-no-route", course, route="nat")
