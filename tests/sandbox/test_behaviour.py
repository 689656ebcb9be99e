"""What a container does once started (docs/container-behaviour.md): exits, out of memory,
container health checks, for RunTask tasks and a service's; said with Sandbox.behave() or a label;
load balancer target health with the grace period; the circuit breaker rolling back.

Every check goes through boto3, as it would against AWS; only behave() and the clock are the
sandbox's own.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ecskit.sandbox.behaviour import LABEL, BehaviourError


@pytest.fixture
def network(session) -> dict:
    """A public subnet (a route to an internet gateway, public IPs on): tasks can pull."""
    ec2 = session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    vpc_config = {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "ENABLED"}
    return {"vpc": vpc, "config": {"awsvpcConfiguration": vpc_config}}


CHECK = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10}


def _register(ecs, image="my-app:2", family="web", role=None, **extra):
    container = {"name": "web", "image": image, "portMappings": [{"containerPort": 80}], **extra}
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", containerDefinitions=[container],
        **({"executionRoleArn": role} if role else {}),
    )["taskDefinition"]  # fmt: skip


def _run(session, network, family="web", settle=True) -> str:
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    arn = ecs.run_task(
        cluster="shop", taskDefinition=family, launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]["taskArn"]  # fmt: skip
    if settle:  # settle() also passes passing health checks at once
        session.sandbox.settle()
    else:  # the lifecycle's steps, one state each 0.75 s
        session.sandbox.advance(3)
    return arn


def _task(session, arn: str) -> dict:
    return session.ecs.describe_tasks(cluster="shop", tasks=[arn])["tasks"][0]


def test_a_container_that_exits_stops_its_task_with_its_exit_code(manual, network) -> None:
    manual.sandbox.behave("my-app:2", exits=1, after=30)
    _register(manual.ecs)
    arn = _run(manual, network)
    manual.sandbox.advance(29)
    assert _task(manual, arn)["lastStatus"] == "RUNNING"
    manual.sandbox.advance(2)
    manual.sandbox.settle()
    task = _task(manual, arn)
    assert task["lastStatus"] == "STOPPED"
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert task["containers"][0]["exitCode"] == 1
    assert task["containers"][0]["lastStatus"] == "STOPPED"


def test_a_label_in_the_task_definition_runs_a_container_out_of_memory(manual, network) -> None:
    _register(manual.ecs, dockerLabels={LABEL: "out-of-memory after=5"})
    arn = _run(manual, network)
    manual.sandbox.advance(6)
    manual.sandbox.settle()
    task = _task(manual, arn)
    assert (task["lastStatus"], task["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    container = task["containers"][0]
    assert container["reason"] == "OutOfMemoryError: Container killed due to memory usage"
    assert container["exitCode"] == 137


def test_a_non_essential_container_that_exits_leaves_the_task_running(manual, network) -> None:
    manual.sandbox.behave(container="migrate", exits=0, after=3)
    manual.ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[
            {"name": "web", "image": "my-app:2"},
            {"name": "migrate", "image": "my-app:2", "essential": False},
        ],
    )  # fmt: skip
    arn = _run(manual, network)
    manual.sandbox.advance(10)
    task = _task(manual, arn)
    assert task["lastStatus"] == "RUNNING"
    by_name = {c["name"]: c for c in task["containers"]}
    assert (by_name["migrate"]["lastStatus"], by_name["migrate"]["exitCode"]) == ("STOPPED", 0)
    assert by_name["web"]["lastStatus"] == "RUNNING"


def test_a_health_check_passes_one_interval_after_the_start_by_default(manual, network) -> None:
    _register(manual.ecs, healthCheck=CHECK)
    arn = _run(manual, network, settle=False)
    task = _task(manual, arn)
    assert task["lastStatus"] == "RUNNING"
    assert (task["healthStatus"], task["containers"][0]["healthStatus"]) == ("UNKNOWN", "UNKNOWN")
    manual.sandbox.advance(10)
    task = _task(manual, arn)
    assert (task["healthStatus"], task["containers"][0]["healthStatus"]) == ("HEALTHY", "HEALTHY")


def test_without_a_health_check_a_task_stays_unknown_and_running(manual, network) -> None:
    _register(manual.ecs)
    arn = _run(manual, network)
    manual.sandbox.advance(600)
    task = _task(manual, arn)
    assert (task["lastStatus"], task["healthStatus"]) == ("RUNNING", "UNKNOWN")


def test_an_unhealthy_run_task_task_keeps_running(manual, network) -> None:
    # "If a task is run manually, and not as part of a service, the task will continue its
    # lifecycle regardless of its health status" (HealthCheck, botocore's ECS model)
    manual.sandbox.behave("my-app", health="unhealthy")
    _register(manual.ecs, healthCheck=CHECK)
    arn = _run(manual, network)
    manual.sandbox.advance(29)
    assert _task(manual, arn)["healthStatus"] == "UNKNOWN"
    manual.sandbox.advance(1)  # the third failed check (retries 3, every 10 s)
    task = _task(manual, arn)
    assert (task["lastStatus"], task["healthStatus"]) == ("RUNNING", "UNHEALTHY")
    assert task["containers"][0]["healthStatus"] == "UNHEALTHY"


def test_start_period_failures_do_not_count(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    _register(manual.ecs, healthCheck={**CHECK, "startPeriod": 60})
    arn = _run(manual, network)
    manual.sandbox.advance(79)
    assert _task(manual, arn)["healthStatus"] == "UNKNOWN"
    manual.sandbox.advance(1)  # checks at 60, 70, 80 s count
    assert _task(manual, arn)["healthStatus"] == "UNHEALTHY"


def _service(session, network, **extra) -> None:
    session.ecs.create_cluster(clusterName="shop")
    session.ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=1,
        launchType="FARGATE", networkConfiguration=network["config"], **extra,
    )  # fmt: skip
    session.sandbox.settle()


def _tasks(session, status="RUNNING") -> list[dict]:
    arns = session.ecs.list_tasks(cluster="shop", desiredStatus=status)["taskArns"]
    return session.ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"] if arns else []


def test_a_service_replaces_a_task_that_fails_its_container_health_check(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    _register(manual.ecs, healthCheck=CHECK)
    _service(manual, network)
    first = _tasks(manual)[0]
    manual.sandbox.advance(30)
    manual.sandbox.settle()
    stopped = _task(manual, first["taskArn"])
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert stopped["stoppedReason"] == "Task failed container health checks"
    assert stopped["healthStatus"] == "UNHEALTHY"
    running = _tasks(manual)
    assert len(running) == 1 and running[0]["taskArn"] != first["taskArn"]
    events = _events(manual)
    task_id = first["taskArn"].split("/")[-1]
    assert f"(service web) (task {task_id}) failed container health checks." in events
    assert f"(service web) has stopped 1 running tasks: (task {task_id})." in events


def test_the_grace_period_holds_off_the_scheduler(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    _register(manual.ecs, healthCheck=CHECK)
    _service(manual, network, healthCheckGracePeriodSeconds=120)
    first = _tasks(manual)[0]["taskArn"]
    manual.sandbox.advance(100)
    task = _task(manual, first)
    assert (task["lastStatus"], task["healthStatus"]) == ("RUNNING", "UNHEALTHY")
    manual.sandbox.advance(21)
    manual.sandbox.settle()
    assert _task(manual, first)["stoppedReason"] == "Task failed container health checks"


def test_a_service_replaces_a_task_whose_container_exits(manual, network) -> None:
    manual.sandbox.behave("my-app:2", exits=2, after=5)
    _register(manual.ecs)
    _service(manual, network)
    first = _tasks(manual)[0]["taskArn"]
    manual.sandbox.advance(6)
    manual.sandbox.settle()
    assert _task(manual, first)["containers"][0]["exitCode"] == 2
    assert [t["taskArn"] for t in _tasks(manual)] not in ([], [first])


def test_behave_is_kept_in_a_snapshot(manual, network) -> None:
    manual.sandbox.behave("my-app:2", exits=3, after=5)
    _register(manual.ecs)
    saved = manual.sandbox.save()
    manual.sandbox.restore(saved)
    assert manual.sandbox.behaviours["images"] == {"my-app:2": "exits=3 after=5"}
    arn = _run(manual, network)
    manual.sandbox.advance(6)
    manual.sandbox.settle()
    assert _task(manual, arn)["containers"][0]["exitCode"] == 3
    manual.sandbox.behave("my-app:2")
    assert manual.sandbox.behaviours["images"] == {}


@pytest.mark.parametrize(
    ("args", "kwargs", "words"),
    [
        ((), {"health": "unhealthy"}, "an image"),
        (("a",), {"container": "b"}, "exactly one"),
        (("a",), {"health": "sick"}, "health='sick'"),
        (("a",), {"exits": 256}, "0-255"),
        (("a",), {"exits": 1, "out_of_memory": True}, "cannot both"),
        (("a",), {"after": 5}, "needs something"),
        (("a",), {"exits": 1, "after": -1}, "0 or more"),
    ],
)
def test_behave_refuses_what_it_cannot_follow(session, args, kwargs, words) -> None:
    with pytest.raises(BehaviourError, match=words):
        session.sandbox.behave(*args, **kwargs)
    assert session.sandbox.behaviours == {"images": {}, "containers": {}}


# -- behind a load balancer, and the circuit breaker ------------------------------------
def _revision(ecs, image: str, **container) -> str:
    body = {"name": "web", "image": image, "portMappings": [{"containerPort": 80}], **container}
    return ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", containerDefinitions=[body],
    )["taskDefinition"]["taskDefinitionArn"]  # fmt: skip


def _balanced(session, network, grace: int | None = None) -> str:
    """Service web (1 task of web:1) behind target group `web`; its ARN."""
    ecs, elbv2 = session.ecs, session.elbv2
    group = elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=network["vpc"], TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "my-app:2")
    extra = {} if grace is None else {"healthCheckGracePeriodSeconds": grace}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=1,
        launchType="FARGATE", networkConfiguration=network["config"],
        loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}],
        **extra,
    )  # fmt: skip
    session.sandbox.settle()
    return group


def _events(session) -> list[str]:
    service = session.ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    return [e["message"] for e in service["events"]]


def test_a_healthy_target_stays_healthy(manual, network) -> None:
    group = _balanced(manual, network)
    manual.sandbox.advance(300)
    health = manual.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert [h["TargetHealth"]["State"] for h in health] == ["healthy"]


def test_a_target_that_fails_its_checks_is_stopped_and_replaced(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    group = _balanced(manual, network)
    first = _tasks(manual)[0]
    # the target group's defaults: a check every 30 s, unhealthy after 2 failures in a row
    manual.sandbox.advance(29)
    health = manual.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert [h["TargetHealth"]["State"] for h in health] == ["healthy"]
    manual.sandbox.advance(1)
    stopped = manual.ecs.describe_tasks(cluster="shop", tasks=[first["taskArn"]])["tasks"][0]
    assert stopped["desiredStatus"] == "STOPPED"
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert stopped["stoppedReason"] == f"Task failed ELB health checks in (target-group {group})"
    task_id = first["taskArn"].split("/")[-1]
    assert (
        f"(service web) (task {task_id}) (port 80) is unhealthy in (target-group {group}) "
        "due to (reason Health checks failed)."
    ) in _events(manual)
    manual.sandbox.settle()
    replacement = _tasks(manual)[0]
    assert replacement["taskArn"] != first["taskArn"]
    assert replacement["lastStatus"] == "RUNNING"


def test_describe_target_health_says_why_a_target_is_unhealthy(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    group = _balanced(manual, network, grace=300)
    manual.sandbox.advance(30)
    health = manual.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert health[0]["TargetHealth"]["State"] == "unhealthy"
    assert health[0]["TargetHealth"]["Reason"] == "Target.FailedHealthChecks"


def test_the_grace_period_keeps_an_unhealthy_target_running(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy", after=10)
    _balanced(manual, network, grace=120)
    first = _tasks(manual)[0]["taskArn"]
    manual.sandbox.advance(119)
    assert _tasks(manual)[0]["taskArn"] == first
    manual.sandbox.advance(1)
    stopped = manual.ecs.describe_tasks(cluster="shop", tasks=[first])["tasks"][0]
    assert stopped["desiredStatus"] == "STOPPED"
    assert stopped["stoppedReason"].startswith("Task failed ELB health checks in (target-group ")


def test_a_revision_failing_its_health_check_is_rolled_back(manual, network) -> None:
    ecs = manual.ecs
    check = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10}
    good = _revision(ecs, "my-app:1", healthCheck=check)
    bad = _revision(ecs, "my-app:2", healthCheck=check)
    manual.sandbox.behave("my-app:2", health="unhealthy")
    ecs.create_cluster(clusterName="shop")
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition=good, desiredCount=2,
        launchType="FARGATE", networkConfiguration=network["config"],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )  # fmt: skip
    manual.sandbox.settle()
    manual.sandbox.advance(10)  # my-app:1 passes its first check
    ecs.update_service(cluster="shop", service="web", taskDefinition=bad)
    for _ in range(8):  # each failing task is replaced after 3 failed checks (30 s)
        manual.sandbox.settle()
        manual.sandbox.advance(31)
    manual.sandbox.settle()
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"] == good
    events = _events(manual)
    assert any(m.endswith("deployment failed: tasks failed to start.") for m in events)
    assert any(m.startswith("(service web) rolling back to deployment") for m in events)
    assert any("failed container health checks." in m for m in events)
    listed = ecs.list_service_deployments(cluster="shop", service="web")["serviceDeployments"]
    records = ecs.describe_service_deployments(
        serviceDeploymentArns=[d["serviceDeploymentArn"] for d in listed]
    )["serviceDeployments"]
    failed = next(r for r in records if r["deploymentCircuitBreaker"]["status"] == "TRIGGERED")
    assert failed["status"] == "ROLLBACK_SUCCESSFUL"
    assert failed["deploymentCircuitBreaker"]["failureCount"] >= 3  # max(3, 50% of 2)
    running = ecs.list_tasks(cluster="shop", desiredStatus="RUNNING")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=running)["tasks"]
    assert {t["taskDefinitionArn"] for t in tasks} == {good}
    assert {t["healthStatus"] for t in tasks} == {"HEALTHY"}


def test_on_the_instant_clock_a_passing_health_check_takes_no_time(ecs_session, network) -> None:
    _register(ecs_session.ecs, healthCheck=CHECK)
    _service(ecs_session, network)
    ecs_session.ecs.get_waiter("services_stable").wait(
        cluster="shop", services=["web"], WaiterConfig={"Delay": 0.05, "MaxAttempts": 40}
    )
    assert _tasks(ecs_session)[0]["healthStatus"] == "HEALTHY"


def test_a_snapshot_taken_mid_story_replays_the_same_replacements(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    _register(manual.ecs, healthCheck=CHECK)
    _service(manual, network)
    manual.sandbox.advance(31)
    manual.sandbox.settle()
    before = ({t["taskArn"] for t in _tasks(manual)}, _events(manual))
    manual.sandbox.restore(manual.sandbox.save())
    assert ({t["taskArn"] for t in _tasks(manual)}, _events(manual)) == before
    manual.sandbox.advance(31)  # the replacement fails in turn, as it would have
    assert any(m.count("failed container health checks.") for m in _events(manual)[:3])


def test_an_unhealthy_app_with_nothing_checking_it_runs_on(manual, network) -> None:
    manual.sandbox.behave("my-app:2", health="unhealthy")
    _register(manual.ecs)
    _service(manual, network)
    first = _tasks(manual)[0]["taskArn"]
    manual.sandbox.advance(600)
    assert [t["taskArn"] for t in _tasks(manual)] == [first]


@pytest.mark.parametrize("reset", [True, False])
def test_a_healthy_task_resets_the_failure_count_unless_told_not_to(manual, network, reset) -> None:
    # tasks fail to start until the tag is pushed; then they start and pass their health check
    ecs, ecr = manual.ecs, manual.ecr
    ecr.create_repository(repositoryName="app")
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2"
    _register(ecs, image=image, role=_execution_role(manual), healthCheck=CHECK)
    breaker = {
        "enable": True, "rollback": False, "resetOnHealthyTask": reset,
        "thresholdConfiguration": {"type": "COUNT", "value": 10},
    }  # fmt: skip
    _service(manual, network, deploymentConfiguration={"deploymentCircuitBreaker": breaker})
    assert _deployment(manual)["failedTasks"] == 1
    manifest = (
        '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
    )
    ecr.put_image(repositoryName="app", imageManifest=manifest, imageTag="2")
    manual.sandbox.advance(61)  # the service's back-off after a failed start
    manual.sandbox.advance(15)  # started, then passed its first check
    assert _tasks(manual)[0]["healthStatus"] == "HEALTHY"
    assert _deployment(manual)["failedTasks"] == (0 if reset else 1)


def _deployment(session) -> dict:
    service = session.ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    return service["deployments"][0]


def _execution_role(session) -> str:
    """ecsTaskExecutionRole: trusted by ecs-tasks, allowed what AmazonECSTaskExecutionRolePolicy
    allows (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }  # fmt: skip
    allowed = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
            "logs:CreateLogStream", "logs:PutLogEvents",
        ]}],
    }  # fmt: skip
    iam = session.iam
    role = iam.create_role(RoleName="shopExecutionRole", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName="shopExecutionRole", PolicyName="pull", PolicyDocument=json.dumps(allowed)
    )
    return role["Role"]["Arn"]


def test_a_behaviour_label_the_sandbox_cannot_follow_is_refused_at_registration(
    ecs_session,
) -> None:
    label = {"ecskit.sandbox/behaviour": "explode"}
    with pytest.raises(ClientError) as caught:
        ecs_session.ecs.register_task_definition(
            family="bad-label",
            containerDefinitions=[
                {"name": "app", "image": "nginx", "memory": 128, "dockerLabels": label}
            ],
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "ClientException"
    assert "containerDefinitions[0]" in error["Message"] and "exits=CODE" in error["Message"]
    families = ecs_session.ecs.list_task_definition_families(familyPrefix="bad-label")
    assert families["families"] == []
