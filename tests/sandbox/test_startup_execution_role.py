"""The execution role's policies decide whether start-up may pull, log and read secrets (moto's
IAM evaluator judges them); a role ECS cannot assume is refused in ECS's words."""

from __future__ import annotations

import json

import pytest

from ecskit.ops import ECS_TASKS_TRUST
from ecskit.sandbox import execution_role

ACCOUNT = "123456789012"
REGION = "us-east-1"
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
TRUST = ECS_TASKS_TRUST
PULL = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
LOGS = ["logs:CreateLogStream", "logs:PutLogEvents"]
DENIED = "because no identity-based policy allows the {} action status code: 400"


def _role(session, *statements: dict) -> str:
    iam = session.iam
    arn = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    if statements:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        iam.put_role_policy(RoleName="exec", PolicyName="p", PolicyDocument=json.dumps(document))
    return arn["Arn"]


def _allow(actions: list[str], resource: str = "*") -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def _image(session) -> str:
    session.ecr.create_repository(repositoryName="app")
    manifest = {"schemaVersion": 2, "config": {}, "layers": [],
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}  # fmt: skip
    session.ecr.put_image(repositoryName="app", imageManifest=json.dumps(manifest), imageTag="1")
    return f"{ECR}/app:1"


@pytest.fixture
def run(ecs_session, network, kit):
    """Register `app` (Fargate, one container) with `role` and run it: the settled task."""

    def run(role: str, image: str = "nginx", **container) -> dict:
        return _run(ecs_session, network, kit, role, image, **container)

    return run


def _run(session, network, kit, role: str, image: str = "nginx", **container) -> dict:
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", executionRoleArn=role,
        containerDefinitions=[{"name": "app", "image": image, **container}],
    )  # fmt: skip
    return kit.run_settled(session, network["config"])


def _failed(task: dict) -> str:
    assert (task["lastStatus"], task["stopCode"]) == ("STOPPED", "TaskFailedToStart")
    assert task["containers"][0]["reason"] == task["stoppedReason"]
    return task["stoppedReason"]


def _logs(create: bool = False) -> dict:
    options = {"awslogs-group": "/ecs/app", "awslogs-region": REGION}
    options["awslogs-stream-prefix"] = "ecs"
    if create:
        options["awslogs-create-group"] = "true"
    return {"logDriver": "awslogs", "options": options}


# -- ECR ---------------------------------------------------------------------------------------
def test_a_role_with_the_execution_rights_pulls_from_ecr(ecs_session, run) -> None:
    role = _role(ecs_session, _allow(PULL + LOGS))
    assert run(role, _image(ecs_session))["lastStatus"] == "RUNNING"


def test_no_get_authorization_token_fails_at_registry_auth(ecs_session, run) -> None:
    role = _role(ecs_session, _allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]))
    reason = _failed(run(role, _image(ecs_session)))
    assert reason.startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution "
        "resource retrieval failed: unable to retrieve ecr registry auth: service call has been "
        "retried 3 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/"
        "exec/"
    )
    assert "is not authorized to perform: ecr:GetAuthorizationToken on resource: * " in reason
    assert DENIED.format("ecr:GetAuthorizationToken") in reason


def test_pull_rights_on_another_repository_get_403(ecs_session, run) -> None:
    other = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/other"
    role = _role(
        ecs_session,
        _allow(["ecr:GetAuthorizationToken"]),
        _allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], other),
    )
    image = _image(ecs_session)
    assert _failed(run(role, image)) == (
        "CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve "
        f'ref "{image}": unexpected status code [manifests 1]: 403 Forbidden'
    )


def test_an_explicit_deny_wins_over_an_allow(ecs_session, run) -> None:
    deny = {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}
    role = _role(ecs_session, _allow(PULL + LOGS), deny)
    assert "ecr:GetAuthorizationToken" in _failed(run(role, _image(ecs_session)))


# -- logs --------------------------------------------------------------------------------------
def test_no_create_log_stream_stops_the_task(ecs_session, run) -> None:
    ecs_session.logs.create_log_group(logGroupName="/ecs/app")
    role = _role(ecs_session, _allow(["logs:PutLogEvents"]))
    reason = _failed(run(role, logConfiguration=_logs()))
    assert reason.startswith(
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: "
    )
    stream = "logs:CreateLogStream on resource: arn:aws:logs:us-east-1:123456789012:log-group:"
    assert stream in reason
    assert reason.endswith(" : exit status 1")


def test_awslogs_create_group_needs_create_log_group(ecs_session, run) -> None:
    role = _role(ecs_session, _allow(LOGS))
    reason = _failed(run(role, logConfiguration=_logs(create=True)))
    assert "failed to create Cloudwatch log group: AccessDeniedException" in reason
    assert "log-group:/ecs/app:log-stream: because no identity-based policy allows" in reason
    assert ecs_session.logs.describe_log_groups()["logGroups"] == []  # nothing made


def test_log_rights_scoped_to_the_group_are_enough(ecs_session, run) -> None:
    ecs_session.logs.create_log_group(logGroupName="/ecs/app")
    scoped = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/app:*"
    role = _role(ecs_session, _allow(LOGS, scoped))
    assert run(role, logConfiguration=_logs())["lastStatus"] == "RUNNING"


# -- secrets -----------------------------------------------------------------------------------
def test_a_secret_the_role_may_not_read_stops_the_task(ecs_session, run) -> None:
    arn = ecs_session.client("secretsmanager").create_secret(Name="db", SecretString="x")["ARN"]
    role = _role(ecs_session, _allow(LOGS))
    reason = _failed(run(role, secrets=[{"name": "DB", "valueFrom": arn}]))
    assert reason.startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to retrieve secret from asm: service call has been retried 1 "
        f"time(s): failed to fetch secret {arn} from secrets manager: AccessDeniedException: "
    )
    assert f"secretsmanager:GetSecretValue on resource: {arn} because" in reason


def test_a_secret_the_role_may_read_runs(ecs_session, run) -> None:
    arn = ecs_session.client("secretsmanager").create_secret(Name="db", SecretString="x")["ARN"]
    role = _role(ecs_session, _allow(["secretsmanager:GetSecretValue"], arn))
    task = run(role, secrets=[{"name": "DB", "valueFrom": arn}])
    assert task["lastStatus"] == "RUNNING"


def test_a_secret_under_a_customer_key_needs_kms_decrypt(ecs_session, run) -> None:
    key = ecs_session.client("kms").create_key()["KeyMetadata"]["Arn"]
    arn = ecs_session.client("secretsmanager").create_secret(
        Name="db", SecretString="x", KmsKeyId=key
    )["ARN"]
    role = _role(ecs_session, _allow(["secretsmanager:GetSecretValue"], arn))
    reason = _failed(run(role, secrets=[{"name": "DB", "valueFrom": arn}]))
    kms = "AccessDeniedException: Access to KMS is not allowed status code: 400"
    assert f"from secrets manager: {kms}" in reason


def test_an_ssm_parameter_the_role_may_not_read_stops_the_task(ecs_session, run) -> None:
    ecs_session.client("ssm").put_parameter(Name="/app/token", Value="x", Type="String")
    role = _role(ecs_session, _allow(LOGS))
    reason = _failed(run(role, secrets=[{"name": "T", "valueFrom": "/app/token"}]))
    assert reason.startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 "
        "time(s): AccessDeniedException: User: "
    )
    assert (
        "ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/token"
        in reason
    )


# -- assuming the role -------------------------------------------------------------------------
def test_a_missing_or_untrusted_role_cannot_be_assumed(ecs_session) -> None:
    missing = f"arn:aws:iam::{ACCOUNT}:role/nobody"
    assert execution_role.launch_error(ACCOUNT, missing) == (
        f"ECS was unable to assume the role '{missing}' that was provided for this task. Please "
        "verify that the role being passed has the proper trust relationship and permissions and "
        "that your IAM user has permissions to pass this role."
    )
    ec2_trust = json.loads(json.dumps(TRUST).replace("ecs-tasks", "ec2"))
    untrusted = ecs_session.iam.create_role(
        RoleName="wrong", AssumeRolePolicyDocument=json.dumps(ec2_trust)
    )["Role"]["Arn"]
    assert execution_role.launch_error(ACCOUNT, untrusted).startswith("ECS was unable to assume")
    assert execution_role.launch_error(ACCOUNT, _role(ecs_session)) is None


@pytest.mark.parametrize(
    ("action", "resource", "allowed"),
    [
        ("ecr:BatchGetImage", "arn:aws:ecr:us-east-1:123456789012:repository/app", True),
        ("ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/app", False),
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:/x:log-stream:y", False),
    ],
)
def test_wildcards_are_matched_as_iam_does(ecs_session, action, resource, allowed) -> None:
    _role(ecs_session, _allow(["ecr:Batch*", "ecr:Get*"], "arn:aws:ecr:*:*:repository/*"))
    from moto.iam.models import iam_backends

    role = iam_backends[ACCOUNT]["aws"].get_role("exec")
    assert execution_role.allows(role, action, resource) is allowed


@pytest.mark.parametrize("which", ["executionRoleArn", "taskRoleArn"])
def test_a_service_whose_role_ecs_cannot_assume_launches_nothing(
    ecs_session, network, which
) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    missing = f"arn:aws:iam::{ACCOUNT}:role/nobody"
    ecs.register_task_definition(
        family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", containerDefinitions=[{"name": "app", "image": "nginx"}],
        **{which: missing},
    )  # fmt: skip
    ecs.create_service(
        cluster="shop", serviceName="app", taskDefinition="app", desiredCount=2,
        launchType="FARGATE", networkConfiguration=network["config"],
    )  # fmt: skip
    ecs_session.sandbox.settle()
    service = ecs.describe_services(cluster="shop", services=["app"])["services"][0]
    assert service["runningCount"] == 0 and ecs.list_tasks(cluster="shop")["taskArns"] == []
    # the event as real accounts show it (aws-samples/aws-modern-application-workshop#149)
    assert service["events"][0]["message"] == (
        f"service app failed to launch a task with (error ECS was unable to assume the role "
        f"'{missing}' that was provided for this task. Please verify that the role being passed "
        "has the proper trust relationship and permissions and that your IAM user has "
        "permissions to pass this role.)."
    )
