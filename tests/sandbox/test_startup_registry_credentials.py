"""Private registry credentials at start-up: the execution role must read the secret (and decrypt
it under a customer key), the secret must exist and hold a username and a password; otherwise
the task stops as the ECS agent stops it (docs/task-failures.md)."""

from __future__ import annotations

import json

import pytest
from test_startup_execution_role import _allow, _failed, _role

from ecskit.sandbox.execution_role import REGISTRY_AUTH

IMAGE = "ghcr.io/example/private-app:1"
LOGIN = json.dumps({"username": "robot", "password": "s3cret"})
GET = "secretsmanager:GetSecretValue"


@pytest.fixture
def run(ecs_session, network, kit):
    """Register `app` pulling IMAGE with `credentials` (an ARN or a name) and run it."""

    def run(role: str, credentials: str) -> dict:
        ecs = ecs_session.ecs
        ecs.create_cluster(clusterName="shop")
        ecs.register_task_definition(
            family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512", executionRoleArn=role,
            containerDefinitions=[{"name": "app", "image": IMAGE,
                                   "repositoryCredentials": {"credentialsParameter": credentials}}],
        )  # fmt: skip
        return kit.run_settled(ecs_session, network["config"])

    return run


def _secret(session, text: str = LOGIN, **extra) -> str:
    answer = session.client("secretsmanager").create_secret(
        Name="registry-login", SecretString=text, **extra
    )
    return answer["ARN"]


def test_a_role_that_reads_the_secret_runs_the_task(ecs_session, run) -> None:
    arn = _secret(ecs_session)
    task = run(_role(ecs_session, _allow([GET], arn)), arn)
    assert task["lastStatus"] == "RUNNING"


def test_a_secret_given_by_name_is_found_in_the_tasks_region(ecs_session, run) -> None:
    arn = _secret(ecs_session)
    assert run(_role(ecs_session, _allow([GET], arn)), "registry-login")["lastStatus"] == "RUNNING"


def test_a_role_without_get_secret_value_stops_the_task(ecs_session, run) -> None:
    arn = _secret(ecs_session)
    reason = _failed(run(_role(ecs_session, _allow(["logs:PutLogEvents"])), arn))
    assert reason.startswith(f"{REGISTRY_AUTH}{arn}: AccessDeniedException: User: ")
    assert f"is not authorized to perform: {GET} on resource: {arn} " in reason


def test_the_secrets_short_arn_in_the_policy_does_not_match_its_full_arn(ecs_session, run) -> None:
    # the policy names ...:secret:registry-login, the secret's ARN ends -XXXXXX (a known trap)
    arn = _secret(ecs_session)
    short = arn.rsplit("-", 1)[0]
    assert GET in _failed(run(_role(ecs_session, _allow([GET], short)), arn))


def test_a_customer_key_needs_kms_decrypt(ecs_session, run) -> None:
    key = ecs_session.client("kms").create_key()["KeyMetadata"]["Arn"]
    arn = _secret(ecs_session, KmsKeyId=key)
    reason = _failed(run(_role(ecs_session, _allow([GET], arn)), arn))
    assert reason.startswith(f"{REGISTRY_AUTH}{arn}: AccessDeniedException: Access to KMS")
    allowed = _role_named(ecs_session, "exec2", _allow([GET], arn), _allow(["kms:Decrypt"], key))
    assert run(allowed, arn)["lastStatus"] == "RUNNING"


def test_a_missing_secret_stops_the_task(ecs_session, run) -> None:
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf"
    reason = _failed(run(_role(ecs_session, _allow([GET])), missing))
    assert reason.startswith(
        f"{REGISTRY_AUTH}{missing}: ResourceNotFoundException: Secrets Manager can't find the "
        "specified secret. status code: 400"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "Asm fetching authorization data: unable to unmarshal secret value, "
         "invalid schema"),
        (json.dumps({"username": "robot"}),
         "Asm fetching password: AuthorizationData is malformed, empty field"),
        (json.dumps({"password": "x"}),
         "Asm fetching username: AuthorizationData is malformed, empty field"),
    ],
)  # fmt: skip
def test_a_secret_without_username_and_password_stops_the_task(
    ecs_session, run, text, reason
) -> None:
    arn = _secret(ecs_session, text)
    assert _failed(run(_role(ecs_session, _allow([GET], arn)), arn)) == reason


def _role_named(session, name: str, *statements: dict) -> str:
    from ecskit.ops import ECS_TASKS_TRUST

    iam = session.iam
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST))
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    return arn["Role"]["Arn"]
