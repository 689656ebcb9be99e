"""Tasks that cannot start stop with ECS's own words: a missing log group, secret or parameter."""

from __future__ import annotations

import json

import pytest

ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
LOG_GROUP_GONE = (
    "ResourceInitializationError: failed to validate logger args: create stream has been "
    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: "
    "The specified log group does not exist. : exit status 1"
)
SECRETS = "ResourceInitializationError: unable to pull secrets or registry auth: "


@pytest.fixture(autouse=True)
def _role_reads_secrets_and_makes_groups(session) -> None:
    """The account's ecsTaskExecutionRole (tests/conftest.py) may also read secrets and
    parameters and create log groups, as the task execution role page tells you to allow
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html):
    what these tests check is what is missing, not what is denied."""
    allowed = ["secretsmanager:GetSecretValue", "ssm:GetParameters", "logs:CreateLogGroup"]
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": allowed, "Resource": "*"}]}  # fmt: skip
    session.iam.put_role_policy(
        RoleName="ecsTaskExecutionRole", PolicyName="reads", PolicyDocument=json.dumps(document)
    )


def _register(ecs, family: str = "app", **container) -> None:
    ecs.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn=ROLE,
        containerDefinitions=[{"name": "app", "image": "nginx", **container}],
    )


def _logs(group: str, create: bool = False) -> dict:
    options = {
        "awslogs-group": group,
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "ecs",
    }
    if create:
        options["awslogs-create-group"] = "true"
    return {"logDriver": "awslogs", "options": options}


def _run(session, network) -> dict:
    ecs = session.ecs
    arn = ecs.run_task(
        cluster="shop", taskDefinition="app", launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]["taskArn"]  # fmt: skip
    session.sandbox.settle()
    return ecs.describe_tasks(cluster="shop", tasks=[arn])["tasks"][0]


def _assert_failed(task: dict, reason: str) -> None:
    assert task["lastStatus"] == "STOPPED"
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"] == reason
    assert task["containers"][0]["reason"] == reason
    assert task["containers"][0]["lastStatus"] == "STOPPED"
    assert "startedAt" not in task


def test_a_missing_log_group_stops_the_task(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    _register(ecs_session.ecs, logConfiguration=_logs("/ecs/nowhere"))
    _assert_failed(_run(ecs_session, network), LOG_GROUP_GONE)


def test_a_log_group_that_exists_runs(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    ecs_session.logs.create_log_group(logGroupName="/ecs/app")
    _register(ecs_session.ecs, logConfiguration=_logs("/ecs/app"))
    assert _run(ecs_session, network)["lastStatus"] == "RUNNING"


def test_awslogs_create_group_makes_the_group_at_start(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    _register(ecs_session.ecs, logConfiguration=_logs("/ecs/made", create=True))
    assert _run(ecs_session, network)["lastStatus"] == "RUNNING"
    groups = ecs_session.logs.describe_log_groups(logGroupNamePrefix="/ecs/made")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/made"]


def test_a_missing_secrets_manager_secret_stops_the_task(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf"
    _register(ecs_session.ecs, secrets=[{"name": "DB_PASSWORD", "valueFrom": arn}])
    task = _run(ecs_session, network)
    assert task["stoppedReason"].startswith(
        f"{SECRETS}execution resource retrieval failed: unable to retrieve secret from asm: "
        f"service call has been retried 1 time(s): failed to fetch secret {arn} from secrets "
        "manager: ResourceNotFoundException: Secrets Manager can't find the specified secret."
    )
    _assert_failed(task, task["stoppedReason"])


def test_a_missing_ssm_parameter_stops_the_task(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    _register(ecs_session.ecs, secrets=[{"name": "API_KEY", "valueFrom": "/app/api-key"}])
    _assert_failed(
        _run(ecs_session, network),
        f"{SECRETS}execution resource retrieval failed: unable to retrieve secrets from ssm: "
        "service call has been retried 1 time(s): invalid ssm parameters: /app/api-key",
    )


def test_secrets_and_parameters_that_exist_run(ecs_session, network) -> None:
    ecs_session.ecs.create_cluster(clusterName="shop")
    secret = ecs_session.client("secretsmanager").create_secret(
        Name="db-password", SecretString="s3cret"
    )["ARN"]
    ssm = ecs_session.client("ssm")
    ssm.put_parameter(Name="/app/api-key", Value="k", Type="SecureString")
    parameter = ssm.get_parameter(Name="/app/api-key")["Parameter"]["ARN"]
    _register(
        ecs_session.ecs,
        secrets=[
            {"name": "DB_PASSWORD", "valueFrom": secret},
            {"name": "DB_USER", "valueFrom": f"{secret}:username::"},
            {"name": "API_KEY", "valueFrom": "/app/api-key"},
            {"name": "API_KEY_BY_ARN", "valueFrom": parameter},
        ],
    )
    assert _run(ecs_session, network)["lastStatus"] == "RUNNING"


def test_a_service_without_its_log_group_trips_the_circuit_breaker(manual, network, kit) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    manual.logs.create_log_group(logGroupName="/ecs/app")
    _register(ecs, logConfiguration=_logs("/ecs/app"))  # app:1 logs to a group that exists
    _register(ecs, logConfiguration=_logs("/ecs/typo"))  # app:2 names one that does not
    service = kit.failing_rollout(manual, network)
    assert service["taskDefinition"].endswith("app:1")
    assert service["runningCount"] == 2
    messages = [e["message"] for e in service["events"]]
    assert any("deployment failed: tasks failed to start" in m for m in messages)
    assert any("rolling back" in m for m in messages)
    stopped = ecs.list_tasks(cluster="shop", desiredStatus="STOPPED")["taskArns"]
    reasons = {
        t["stoppedReason"] for t in ecs.describe_tasks(cluster="shop", tasks=stopped)["tasks"]
    }
    assert LOG_GROUP_GONE in reasons
