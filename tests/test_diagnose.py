"""ecskit.diagnose: each cause recognised from a real sandbox failure driven through boto3, and
from canned real-account-shaped Describe answers for what the sandbox cannot make."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest

import ecskit
from ecskit.course import push_image
from ecskit.diagnosis import causes
from ecskit.diagnosis.network import needed_endpoints
from ecskit.ops import ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
ECR = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop"


# -- the sandbox: failures it makes, read back through boto3 ---------------------------------


def _shop_role(session: ecskit.Session) -> None:
    """ecsTaskExecutionRole with the course's rights: ECR pulls and log streams (the role
    itself may be there already: tests/conftest.py gives every test account one)."""
    with contextlib.suppress(session.iam.exceptions.EntityAlreadyExistsException):
        session.iam.create_role(
            RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST)
        )
    session.iam.put_role_policy(
        RoleName="ecsTaskExecutionRole",
        PolicyName="task-execution",
        PolicyDocument=json.dumps(EXECUTION_ROLE_RIGHTS),
    )


@pytest.fixture
def shop(session: ecskit.Session) -> dict[str, Any]:
    """Cluster `shop`, an execution role, and an awsvpc network in the default VPC (whose
    default route AWS points at an internet gateway) with a public IP: a way out."""
    ecs, ec2 = session.ecs, session.ec2
    ecs.create_cluster(clusterName="shop")
    _shop_role(session)
    secrets = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue",
               "ssm:GetParameters"], "Resource": "*"}  # fmt: skip
    session.iam.put_role_policy(
        RoleName="ecsTaskExecutionRole",
        PolicyName="secrets",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [secrets]}),
    )
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    subnet = sorted(subnets["Subnets"], key=lambda s: s["AvailabilityZone"])[0]
    return {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "assignPublicIp": "ENABLED"}}


FARGATE_TASK = {
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "executionRoleArn": ROLE,
}


def _register(session: ecskit.Session, family: str = "app", **container: Any) -> None:
    app = {"name": "app", "image": "nginx", **container}
    session.ecs.register_task_definition(family=family, containerDefinitions=[app], **FARGATE_TASK)


def _run(session: ecskit.Session, network: dict[str, Any], family: str = "app") -> str:
    arn = session.ecs.run_task(
        cluster="shop", taskDefinition=family, launchType="FARGATE", networkConfiguration=network
    )["tasks"][0]["taskArn"]
    session.sandbox.settle()
    return str(arn)


def test_a_missing_log_group_is_named_with_its_fix_and_page(session, shop) -> None:
    _register(
        session,
        logConfiguration={
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/nowhere", "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "app"},
        },
    )  # fmt: skip
    arn = _run(session, shop)
    session.read_only = True  # as on a real account: diagnose only reads
    try:
        found = ecskit.diagnose(session, cluster="shop", task=arn.rsplit("/", 1)[1])
        service_view = ecskit.diagnosis.attention(session, "shop")
    finally:
        session.read_only = False
    assert [d.cause_id for d in service_view] == ["log-group-missing"]
    assert found.cause_id == "log-group-missing" and found.recognised and not found.healthy
    assert found.docs == causes.INIT_ERRORS
    assert "awslogs-create-group" in found.fix
    assert any("The specified log group does not exist" in line for line in found.evidence)
    assert "stopCode: TaskFailedToStart" in found.evidence


def test_a_missing_secret_and_a_missing_parameter(session, shop) -> None:
    secret = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"
    _register(session, "asm", secrets=[{"name": "DB", "valueFrom": secret}])
    _register(session, "ssm", secrets=[{"name": "DB", "valueFrom": "/shop/db"}])
    asm = ecskit.diagnose(session, cluster="shop", task=_run(session, shop, "asm"))
    ssm = ecskit.diagnose(session, cluster="shop", task=_run(session, shop, "ssm"))
    assert asm.cause_id == "secret-missing" and "Region" in asm.fix
    assert ssm.cause_id == "parameter-missing" and "put_parameter" in ssm.fix
    assert asm.docs == ssm.docs == causes.INIT_ERRORS


@pytest.fixture
def manual(session: ecskit.Session) -> Any:
    """The sandbox on its manual clock for the test (put back afterwards)."""
    box, clock = session.sandbox, session.sandbox.clock
    box.clock = "manual"
    yield box
    box.clock = clock


def _breaker_service(
    session: ecskit.Session, network: dict[str, Any], family: str, rollback: bool
) -> None:
    session.ecs.create_service(
        cluster="shop", serviceName="shop", taskDefinition=family, desiredCount=1,
        launchType="FARGATE", networkConfiguration=network,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True,
                                                              "rollback": rollback}},
    )  # fmt: skip


def test_a_missing_image_tag_in_a_service_with_the_circuit_breaker(session, shop, manual) -> None:
    session.ecr.create_repository(repositoryName="shop")
    _register(session, image=f"{ECR}:9")
    _breaker_service(session, shop, "app", rollback=False)
    for _ in range(20):  # each failure backs the scheduler off a minute: let time pass
        manual.advance(61)
        service = session.ecs.describe_services(cluster="shop", services=["shop"])
        if service["services"][0]["deployments"][0].get("rolloutState") == "FAILED":
            break
    found = ecskit.diagnose(session, cluster="shop", service="shop")
    assert "the deployment circuit breaker stopped the deployment of app:1" in found.cause
    assert found.cause_id == "image-not-found", str(found)
    assert found.subject.startswith("service shop (its task ")
    assert found.docs == causes.PULL_ERRORS
    assert any("CannotPullContainerError" in line for line in found.evidence)
    assert any(line.startswith("deployment ecs-svc/") for line in found.evidence)


def test_a_steady_service_is_ok_and_a_running_task_too(session, shop) -> None:
    _register(session)
    session.ecs.create_service(
        cluster="shop", serviceName="shop", taskDefinition="app", desiredCount=1,
        launchType="FARGATE", networkConfiguration=shop,
    )  # fmt: skip
    session.sandbox.settle()
    steady = ecskit.diagnose(session, cluster="shop", service="shop")
    assert steady.cause_id == "steady" and steady.ok, str(steady)
    task = session.ecs.list_tasks(cluster="shop", serviceName="shop")["taskArns"][0]
    running = ecskit.diagnose(session, cluster="shop", task=task)
    assert running.cause_id == "running" and running.healthy


def test_a_subnet_without_a_way_out_is_a_finding(session) -> None:
    ec2 = session.ec2
    session.ecs.create_cluster(clusterName="shop")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    _register(session, image=f"{ECR}:1")
    session.ecs.create_service(
        cluster="shop", serviceName="private", taskDefinition="app", desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet],
                                                      "assignPublicIp": "DISABLED"}},
    )  # fmt: skip
    session.sandbox.settle()
    found = ecskit.diagnose(session, cluster="shop", service="private")
    assert not found.ok
    [line] = [f for f in found.findings if f.startswith("No path out")]
    assert subnet in line and "no default route out" in line
    assert "ecr.api, ecr.dkr, s3" in line and "NAT gateway" in line


def test_the_clusters_view_shows_a_failed_task_and_an_unsteady_service(session, shop) -> None:
    from ecskit.widgets import ClustersView

    quiet = ClustersView(session)
    assert quiet.diagnoses == [] and quiet.attention.value == ""
    _register(session, "nolog", logConfiguration={"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/none", "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "app"}})  # fmt: skip
    _run(session, shop, "nolog")
    session.ecs.create_service(
        cluster="shop", serviceName="broken", taskDefinition="nolog", desiredCount=1,
        launchType="FARGATE", networkConfiguration=shop,
    )  # fmt: skip
    session.sandbox.settle()
    view = ClustersView(session)
    assert [d.cause_id for d in view.diagnoses] == ["log-group-missing", "log-group-missing"]
    assert view.diagnoses[0].subject.startswith("service broken (its task ")
    assert view.diagnoses[0].subject.endswith(" in cluster shop")
    assert view.diagnoses[1].subject.startswith("task ")
    assert "Needs attention" in view.attention.value
    assert view.attention.value.count("data-cause='log-group-missing'") == 2
    assert ClustersView(session, diagnose=False).attention.value == ""


def test_bad_arguments_say_which_and_how() -> None:
    with pytest.raises(ValueError, match="task=... or service=..."):
        ecskit.diagnose(object(), cluster="shop")
    with pytest.raises(ValueError, match="not both"):
        ecskit.diagnose(object(), cluster="shop", task="a", service="b")
    with pytest.raises(ValueError, match="cluster=''"):
        ecskit.diagnose(object(), cluster="", task="a")


def test_an_unknown_task_or_service_is_a_clear_error(session) -> None:
    session.ecs.create_cluster(clusterName="shop")
    with pytest.raises(ValueError, match="task='nope': cluster shop has no such task"):
        ecskit.diagnose(session, cluster="shop", task="nope")
    with pytest.raises(ValueError, match="service='nope'"):
        ecskit.diagnose(session, cluster="shop", service="nope")


# -- canned answers, shaped as a real account's Describe calls return them -------------------
class _Client:
    """A boto3 client stand-in: each method returns its canned answer; paginators page once."""

    def __init__(self, **answers: Any) -> None:
        self.answers = answers

    def __getattr__(self, name: str) -> Any:
        if name not in self.answers:
            raise AttributeError(name)
        answer = self.answers[name]
        return lambda **_: answer(**_) if callable(answer) else answer

    def get_paginator(self, name: str) -> Any:
        answer = self.answers[name]

        class _Pages:
            def paginate(self, **_: Any) -> list[Any]:
                return [answer]

        return _Pages()


class _Session:
    sandbox = None

    def __init__(self, ecs: _Client, ec2: _Client | None = None) -> None:
        self.ecs = ecs
        self.ec2 = ec2 or _Client()
        self.iam = _Client(
            get_role={
                "Role": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ]
                    }
                }
            }
        )


def _definition(**container: Any) -> dict[str, Any]:
    return {
        "taskDefinition": {
            "taskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/app:3",
            "executionRoleArn": ROLE,
            "networkMode": "awsvpc",
            "containerDefinitions": [{"name": "app", "image": f"{ECR}:3", **container}],
        }
    }


def _stopped(said: str, code: str = "TaskFailedToStart", **container: Any) -> dict[str, Any]:
    return {
        "taskArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/prod/0123456789abcdef0123456789abcdef",
        "taskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/app:3",
        "group": "service:app",
        "lastStatus": "STOPPED",
        "desiredStatus": "STOPPED",
        "stopCode": code,
        "stoppedReason": said,
        "containers": [{"name": "app", "lastStatus": "STOPPED", **container}],
    }


def _diagnose_task(task: dict[str, Any]) -> Any:
    ecs = _Client(describe_tasks={"tasks": [task]}, describe_task_definition=_definition())
    return ecskit.diagnose(_Session(ecs), cluster="prod", task="0123456789abcdef")


# messages as real tasks report them (the pages each cause cites quote them)
REAL = {
    # https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20
    "registry-unreachable": "CannotPullContainerError: pull image manifest has been retried 5 "
    "time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: "
    'Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp '
    "34.205.13.154:443: i/o timeout",
    # re:Post ecs-unable-to-pull-secrets
    "registry-auth-unreachable": "ResourceInitializationError: unable to pull secrets or registry "
    "auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service "
    'call has been retried 3 time(s): RequestError: send request failed caused by: Post "https:'
    '//api.ecr.eu-west-2.amazonaws.com/": dial tcp 3.8.169.253:443: i/o timeout',
    # https://github.com/umotif-public/terraform-aws-ecs-fargate/issues/50
    "secrets-unreachable": "ResourceInitializationError: unable to pull secrets or registry auth: "
    "execution resource retrieval failed: unable to retrieve secrets from ssm: service call has "
    "been retried 5 time(s): RequestCanceled: request context canceled caused by: context "
    "deadline exceeded",
    # developerguide/task_cannot_pull_image.html, "Image not found"
    "image-not-found": "CannotPullContainerError: API error (404): repository "
    "111122223333.dkr.ecr.us-east-1.amazonaws.com/<repo>/<image> not found",
    # https://github.com/PrefectHQ/prefect/discussions/16964
    "image-access-denied": "CannotPullContainerError: pull image manifest has been retried 1 "
    "time(s): failed to resolve ref ghcr.io/my-org/my-image:latest: failed to authorize: failed "
    "to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token: "
    "401 Unauthorized",
    # developerguide/task_cannot_pull_image.html, "Docker Hub rate limiting"
    "registry-rate-limit": "CannotPullContainerError: ERROR: toomanyrequests: Too Many Requests.",
    # https://github.com/aws/copilot-cli/issues/4504 (the shape; ARNs shortened)
    "secret-access-denied": "ResourceInitializationError: unable to pull secrets or registry "
    "auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service "
    "call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::1:assumed-role/"
    "x/y is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:1:"
    "parameter/db status code: 400",
    # developerguide/stopped-task-errors.html
    "load-balancer-health-check": "Task failed ELB health checks in (target-group "
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/app/0123456789abcdef)",
    # re:Post ecs-task-stopped, "Failed container health checks"
    "container-health-check": "Task failed container health checks",
    # developerguide/cannot-start-container.html
    "cannot-start-container": "CannotStartContainerError: failed to get container status: x",
}


@pytest.mark.parametrize("cause_id", sorted(REAL))
def test_real_messages_are_recognised(cause_id: str) -> None:
    code = "ServiceSchedulerInitiated" if "health" in cause_id else "TaskFailedToStart"
    found = _diagnose_task(_stopped(REAL[cause_id], code))
    assert found.cause_id == cause_id, str(found)
    assert found.recognised and not found.healthy
    assert found.docs.startswith("https://") and found.fix
    assert f"stoppedReason: {REAL[cause_id]}" in found.evidence


def test_out_of_memory_in_a_container_reason_beats_the_task_reason() -> None:
    task = _stopped(
        "Essential container in task exited",
        "EssentialContainerExited",
        exitCode=137,
        reason="OutOfMemoryError: Container killed due to memory usage",
    )
    found = _diagnose_task(task)
    assert found.cause_id == "out-of-memory"
    assert found.docs == causes.REPOST + "ecs-resolve-outofmemory-errors"
    assert (
        "container app: lastStatus STOPPED, exitCode 137, reason: OutOfMemoryError: Container "
        "killed due to memory usage"
    ) in found.evidence


def test_an_exit_names_the_exit_code() -> None:
    found = _diagnose_task(
        _stopped("Essential container in task exited", "EssentialContainerExited", exitCode=1)
    )
    assert found.cause_id == "essential-container-exited"
    assert found.cause == "an essential container exited (app exited with code 1)"


def test_an_unknown_reason_is_honest_and_keeps_the_raw_words() -> None:
    found = _diagnose_task(_stopped("Something nobody has seen before", "InfrastructureHealth"))
    assert found.cause_id == "not-recognised" and not found.recognised
    assert found.docs == causes.TROUBLESHOOTING
    assert "stoppedReason: Something nobody has seen before" in found.evidence
    assert "stopCode: InfrastructureHealth" in found.evidence
    assert "data-cause='not-recognised'" in found._repr_html_()


def test_scale_in_is_no_failure() -> None:
    reason = "Scaling activity initiated by (deployment ecs-svc/1)"
    found = _diagnose_task(_stopped(reason, "ServiceSchedulerInitiated"))
    assert found.cause_id == "scaled-in" and found.healthy


def _ec2(route: dict[str, Any] | None, endpoints: list[str] = ()) -> _Client:
    table = {
        "RouteTableId": "rtb-1",
        "Associations": [{"SubnetId": "subnet-1"}],
        "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]
        + ([route] if route else []),
    }
    return _Client(
        describe_subnets={"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}]},
        describe_route_tables={"RouteTables": [table]},
        describe_vpc_endpoints={
            "VpcEndpoints": [
                {"ServiceName": f"com.amazonaws.us-east-1.{name}", "State": "available",
                 "RouteTableIds": ["rtb-1"]}
                for name in endpoints
            ]
        },
    )  # fmt: skip


def _service_with(ec2: _Client, public: str = "DISABLED") -> Any:
    service = {
        "serviceName": "app",
        "status": "ACTIVE",
        "desiredCount": 1,
        "runningCount": 1,
        "pendingCount": 0,
        "taskDefinition": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/app:3",
        "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": public}
        },
        "deployments": [
            {"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "COMPLETED",
             "desiredCount": 1, "runningCount": 1, "taskDefinition": "app:3"}
        ],
        "events": [{"message": "(service app) has reached a steady state."}],
    }  # fmt: skip
    logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}}
    ecs = _Client(
        describe_services={"services": [service]},
        describe_task_definition=_definition(logConfiguration=logs),
        list_tasks={"taskArns": []},
    )
    return ecskit.diagnose(_Session(ecs, ec2), cluster="prod", service="app")


def test_the_network_path_is_read_from_route_tables_and_endpoints() -> None:
    no_way = _service_with(_ec2(None))
    assert no_way.healthy and not no_way.ok
    assert "no VPC endpoint for ecr.api, ecr.dkr, s3, logs" in no_way.findings[0]
    igw = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}
    assert "no public IP" in _service_with(_ec2(igw)).findings[0]
    assert _service_with(_ec2(igw), public="ENABLED").ok
    nat = {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}
    assert _service_with(_ec2(nat)).ok
    assert _service_with(_ec2(None, ["ecr.api", "ecr.dkr", "s3", "logs"])).ok
    assert "logs" in _service_with(_ec2(None, ["ecr.api", "ecr.dkr", "s3"])).findings[0]


def test_needed_endpoints_follow_what_the_task_uses() -> None:
    definition = _definition(
        secrets=[
            {"name": "A", "valueFrom": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:a"},
            {"name": "B", "valueFrom": "/b"},
        ]
    )["taskDefinition"]
    assert needed_endpoints(definition) == ["ecr.api", "ecr.dkr", "s3", "secretsmanager", "ssm"]


def test_the_text_and_html_show_cause_evidence_fix_and_page() -> None:
    found = _diagnose_task(_stopped(REAL["registry-unreachable"]))
    text = str(found)
    assert "Cause: no network path to the image registry" in text
    assert "Fix: Give the task a path to the registry" in text
    assert f"Read: {causes.PULL_ERRORS}" in text
    html = found._repr_html_()
    assert f"<a href='{causes.PULL_ERRORS}'" in html and "class='ecskit-diagnosis'" in html


def _steady_service_with_a_stopped_task(started_by: str) -> Any:
    task = _stopped(
        "Essential container in task exited",
        "EssentialContainerExited",
        exitCode=137,
        reason="OutOfMemoryError: Container killed due to memory usage",
    )
    task["startedBy"] = started_by
    service = {
        "serviceName": "app", "status": "ACTIVE", "desiredCount": 1, "runningCount": 1,
        "pendingCount": 0, "taskDefinition": "app:3",
        "deployments": [{"id": "ecs-svc/2", "status": "PRIMARY", "rolloutState": "COMPLETED",
                         "desiredCount": 1, "runningCount": 1, "taskDefinition": "app:3"}],
    }  # fmt: skip
    ecs = _Client(
        describe_services={"services": [service]},
        describe_task_definition=_definition(),
        list_tasks={"taskArns": [task["taskArn"]]},
        describe_tasks={"tasks": [task]},
    )
    return ecskit.diagnose(_Session(ecs), cluster="prod", service="app")


def test_a_steady_service_whose_tasks_keep_dying_is_not_steady() -> None:
    dying = _steady_service_with_a_stopped_task("ecs-svc/2")  # the current deployment's task
    assert dying.cause_id == "out-of-memory" and not dying.healthy
    assert dying.status == "1 of 1 tasks running, 0 pending: its tasks start, then stop"
    earlier = _steady_service_with_a_stopped_task("ecs-svc/1")  # an earlier deployment's
    assert earlier.cause_id == "steady" and earlier.healthy


def test_the_deployments_view_says_why_a_rolled_back_deployment_failed(
    session, shop, manual
) -> None:
    from ecskit.widgets import DeploymentsView

    _register(session)
    logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/none",
            "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}}  # fmt: skip
    _register(session, logConfiguration=logs)  # app:2 cannot start
    _breaker_service(session, shop, "app:1", rollback=True)
    manual.settle()
    session.ecs.update_service(cluster="shop", service="shop", taskDefinition="app:2")
    for _ in range(20):
        manual.advance(61)
        view = DeploymentsView(session, "shop", "shop")
        if view.last and view.last["status"].startswith("ROLLBACK"):
            break
    assert view.last["status"] == "ROLLBACK_SUCCESSFUL", view.last["status"]
    assert "data-cause='log-group-missing'" in view.last_box.value


def _run_for(session: ecskit.Session, network: dict[str, Any], box: Any, seconds: int) -> str:
    arn = session.ecs.run_task(
        cluster="shop", taskDefinition="app", launchType="FARGATE", networkConfiguration=network
    )["tasks"][0]["taskArn"]
    box.advance(seconds)
    return str(arn)


def test_an_exit_and_an_out_of_memory_kill_from_the_sandbox(session, shop, manual) -> None:
    _register(session)
    manual.behave(container="app", exits=3, after=5)
    exited = ecskit.diagnose(session, cluster="shop", task=_run_for(session, shop, manual, 60))
    assert exited.cause_id == "essential-container-exited", str(exited)
    assert exited.cause == "an essential container exited (app exited with code 3)"
    assert "stopCode: EssentialContainerExited" in exited.evidence
    manual.behave(container="app", out_of_memory=True, after=5)
    killed = ecskit.diagnose(session, cluster="shop", task=_run_for(session, shop, manual, 60))
    assert killed.cause_id == "out-of-memory", str(killed)
    assert any("exitCode 137" in line for line in killed.evidence)


def test_a_failing_health_check_rolls_back_and_diagnose_says_why(session, shop, manual) -> None:
    check = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10}
    _register(session, image="shop:1", healthCheck=check)
    _register(session, image="shop:2", healthCheck=check)
    manual.behave("shop:2", health="unhealthy")
    _breaker_service(session, shop, "app:1", rollback=True)
    manual.settle()
    session.ecs.update_service(cluster="shop", service="shop", taskDefinition="app:2")
    failing = None
    for _ in range(30):
        manual.advance(30)
        found = ecskit.diagnose(session, cluster="shop", service="shop")
        failing = failing or (found if found.cause_id == "container-health-check" else None)
        if found.cause_id == "steady":
            break
    assert failing is not None, str(found)
    assert failing.docs == causes.REPOST + "ecs-task-stopped"
    assert any("stoppedReason: Task failed container health checks" in line
               for line in failing.evidence)  # fmt: skip
    service = session.ecs.describe_services(cluster="shop", services=["shop"])["services"][0]
    assert service["taskDefinition"].endswith("/app:1")  # rolled back
    assert ecskit.diagnosis.last_failure(session, "shop", "shop").cause_id == (
        "container-health-check"
    )


def test_each_missing_piece_of_a_private_subnet_is_named_from_the_sandbox(session, manual) -> None:
    pytest.importorskip("ecskit.sandbox.network_path", reason="the sandbox's network path check")
    ec2, ecs = session.ec2, session.ecs
    ecs.create_cluster(clusterName="shop")
    _shop_role(session)
    session.ecr.create_repository(repositoryName="shop")
    push_image(session, "1", repository="shop")
    session.logs.create_log_group(logGroupName="/ecs/shop")
    logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/shop",
            "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}}  # fmt: skip
    _register(session, image=f"{ECR}:1", logConfiguration=logs)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    network = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "DISABLED"}}
    _breaker_service(session, network, "app", rollback=False)

    def now() -> Any:
        ecs.update_service(cluster="shop", service="shop", forceNewDeployment=True)
        manual.advance(90)
        return ecskit.diagnose(session, cluster="shop", service="shop")

    manual.advance(90)
    assert ecskit.diagnose(session, cluster="shop", service="shop").cause_id == (
        "registry-auth-unreachable"
    )
    for name in ("ecr.api", "ecr.dkr"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.us-east-1.{name}",
                                VpcEndpointType="Interface", SubnetIds=[subnet])  # fmt: skip
    layers = now()
    assert layers.cause_id == "registry-unreachable"
    assert "no VPC endpoint for s3, logs" in layers.findings[0]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3",
                            VpcEndpointType="Gateway", RouteTableIds=[table])  # fmt: skip
    assert now().cause_id == "logs-unreachable"
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs",
                            VpcEndpointType="Interface", SubnetIds=[subnet])  # fmt: skip
    assert now().ok


def test_a_secret_the_role_may_not_read_from_the_sandbox(session) -> None:
    pytest.importorskip("ecskit.sandbox.execution_role", reason="the sandbox's IAM evaluation")
    session.ecs.create_cluster(clusterName="shop")
    _shop_role(session)
    secrets = session.client("secretsmanager")
    arn = secrets.create_secret(Name="shop/db", SecretString="x")["ARN"]
    _register(session, secrets=[{"name": "DB", "valueFrom": arn}])
    subnets = session.ec2.describe_subnets(Filters=[{"Name": "default-for-az",
                                                     "Values": ["true"]}])["Subnets"]  # fmt: skip
    network = {"awsvpcConfiguration": {"subnets": [subnets[0]["SubnetId"]],
                                       "assignPublicIp": "ENABLED"}}  # fmt: skip
    found = ecskit.diagnose(session, cluster="shop", task=_run(session, network))
    assert found.cause_id == "secret-access-denied", str(found)
    assert found.docs.endswith("task_execution_IAM_role.html")
    assert "secretsmanager:GetSecretValue" in found.fix
