"""ecskit.ops: each write reaches the sandbox, and AWS errors come back as plain OpErrors."""

from __future__ import annotations

import json

import pytest

from ecskit import console, ops

FARGATE_WEB = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    # awslogs on Fargate needs an execution role (ECS refuses the definition without one)
    "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    "containerDefinitions": [
        {
            "name": "web",
            "image": "nginx:1.27",
            "essential": True,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": "/ecs/web",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "ecs",
                },
            },
        }
    ],
}


def _groups(session) -> list[str]:
    return [g["logGroupName"] for g in session.logs.describe_log_groups()["logGroups"]]


def test_register_creates_log_group_on_request_and_deregister_makes_inactive(session):
    described = ops.register_task_definition(session, FARGATE_WEB, create_log_groups=True)
    assert (described["family"], described["revision"]) == ("web", 1)
    assert _groups(session) == ["/ecs/web"]
    # a second registration with the group already there is fine (no AlreadyExists error)
    assert (
        ops.register_task_definition(session, FARGATE_WEB, create_log_groups=True)["revision"] == 2
    )
    assert ops.deregister_task_definition(session, "web:1")["status"] == "INACTIVE"
    active = session.ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
    assert [console.resource_name(arn) for arn in active] == ["web:2"]


def test_register_without_create_leaves_logs_alone(session):
    ops.register_task_definition(session, FARGATE_WEB)
    assert _groups(session) == []
    assert ops.log_groups_of(FARGATE_WEB) == ["/ecs/web"]


def test_bad_parameter_type_is_a_plain_error_naming_the_field(session):
    bad = {**FARGATE_WEB, "containerDefinitions": [{"name": "web", "image": "x", "cpu": "lots"}]}
    with pytest.raises(ops.OpError) as caught:
        ops.register_task_definition(session, bad)
    error = caught.value
    assert error.code == "ParamValidationError"
    assert error.field == "containerDefinitions[0].cpu"
    assert error.message.startswith("Could not register task definition 'web'")
    assert "Traceback" not in error.message


def test_aws_error_is_plain_with_its_code(session):
    with pytest.raises(ops.OpError) as caught:
        console.describe_task_definition(session, "nothing:7")
    assert caught.value.code  # AWS's error code is kept for programs
    assert "nothing:7" in caught.value.message


def test_execution_role_is_the_standard_one_and_created_once(session):
    arn = ops.create_task_execution_role(session)
    assert arn == ops.create_task_execution_role(session)  # found, not duplicated
    role = session.iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    attached = session.iam.list_attached_role_policies(RoleName="ecsTaskExecutionRole")
    inline = session.iam.list_role_policies(RoleName="ecsTaskExecutionRole")["PolicyNames"]
    # AWS's managed policy where the backend has it, else the same rights inline
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [
        ops.EXECUTION_ROLE_POLICY
    ] or (inline == ["AmazonECSTaskExecutionRolePolicy"])


def test_task_roles_lists_only_roles_that_ecs_tasks_may_assume(session):
    session.iam.create_role(
        RoleName="lambda-only",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    arn = ops.create_task_execution_role(session)
    assert console.task_roles(session) == [{"name": "ecsTaskExecutionRole", "arn": arn}]


def test_namespace_created_once_and_found_by_name(session):
    made = ops.create_namespace(session, "shop")
    assert made["name"] == "shop" and made["id"].startswith("ns-")
    assert ops.create_namespace(session, "shop") == made
    assert len(session.servicediscovery.list_namespaces()["Namespaces"]) == 1


def test_cluster_service_scale_and_delete(session):
    # container-level memory too: moto 5.2.5 alone cannot place a task-level-only size
    container = {**FARGATE_WEB["containerDefinitions"][0], "memory": 512}
    ops.register_task_definition(session, {**FARGATE_WEB, "containerDefinitions": [container]})
    cluster = ops.create_cluster(session, {"clusterName": "prod"})
    assert cluster["clusterName"] == "prod"
    subnets = [s["SubnetId"] for s in session.ec2.describe_subnets()["Subnets"]][:1]
    groups = [g["GroupId"] for g in session.ec2.describe_security_groups()["SecurityGroups"]][:1]
    service = ops.create_service(
        session,
        {
            "cluster": "prod",
            "serviceName": "web",
            "taskDefinition": "web:1",
            "desiredCount": 1,
            "launchType": "FARGATE",
            "networkConfiguration": {
                "awsvpcConfiguration": {"subnets": subnets, "securityGroups": groups}
            },
        },
    )
    assert service["serviceName"] == "web"
    assert ops.scale_service(session, "prod", "web", 3)["desiredCount"] == 3
    with pytest.raises(ops.OpError) as caught:  # ECS keeps a cluster that still has services
        ops.delete_cluster(session, "prod")
    assert caught.value.code == "ClusterContainsServicesException"
    assert caught.value.message.startswith("Could not delete cluster 'prod': ")
    ops.delete_service(session, "prod", "web")
    remaining = session.ecs.describe_services(cluster="prod", services=["web"])["services"]
    assert all(s["status"] != "ACTIVE" for s in remaining)
    ops.create_cluster(session, {"clusterName": "empty"})
    assert ops.delete_cluster(session, "empty")["status"] == "INACTIVE"


def test_read_only_session_refuses_plainly():
    import ecskit

    readonly = ecskit.connect(read_only=True)
    with pytest.raises(ops.OpError) as caught:
        ops.create_cluster(readonly, {"clusterName": "nope"})
    assert caught.value.code == "ReadOnly" and "Nothing was sent" in caught.value.message


def test_an_ecs_refusal_names_the_field_it_concerns(session):
    body = {k: v for k, v in FARGATE_WEB.items() if k != "executionRoleArn"}
    with pytest.raises(ops.OpError) as caught:
        ops.register_task_definition(session, body)
    assert caught.value.code == "ClientException"
    assert caught.value.field == "executionRoleArn"
    assert session.ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_any_other_botocore_failure_is_a_plain_error():
    import botocore.exceptions

    with pytest.raises(ops.OpError) as raised, ops.plain_errors("list clusters"):
        raise botocore.exceptions.ReadTimeoutError(endpoint_url="http://127.0.0.1:1")
    assert raised.value.code == "ReadTimeoutError"
    assert raised.value.message.startswith("Could not list clusters: Read timeout")


def _stubbed_cloud_map(*statuses: str):
    """A session whose Cloud Map answers CreateHttpNamespace, then each status in turn."""
    import types

    import boto3
    from botocore.stub import Stubber

    client = boto3.client(
        "servicediscovery",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stub = Stubber(client)
    stub.add_response("list_namespaces", {"Namespaces": []})
    stub.add_response("create_http_namespace", {"OperationId": "op-1"})
    for status in statuses:
        operation = {"Id": "op-1", "Status": status}
        if status == "FAIL":
            operation.update(ErrorCode="DUPLICATE_REQUEST", ErrorMessage="Already being made")
        stub.add_response("get_operation", {"Operation": operation})
    stub.activate()
    return types.SimpleNamespace(servicediscovery=client)


def test_namespace_creation_that_fails_in_cloud_map_is_a_plain_error(monkeypatch):
    monkeypatch.setattr(ops, "POLL_SECONDS", 0.0)
    session = _stubbed_cloud_map("SUBMITTED", "FAIL")
    with pytest.raises(ops.OpError) as raised:
        ops.create_namespace(session, "shop")
    assert raised.value.code == "DUPLICATE_REQUEST"
    assert "Could not create the namespace shop: Already being made" in raised.value.message


def test_namespace_creation_still_pending_gives_up_plainly(monkeypatch):
    monkeypatch.setattr(ops, "POLL_SECONDS", 0.0)
    session = _stubbed_cloud_map("PENDING")
    with pytest.raises(ops.OpError) as raised:
        ops.create_namespace(session, "shop", wait_seconds=0)
    assert raised.value.code == "Timeout" and "had not finished" in raised.value.message


# --- nothing half-made: log groups only for a request that passes, removed if ECS refuses it ---


def _revisions(session) -> list[str]:
    return [
        arn
        for status in ("ACTIVE", "INACTIVE")
        for arn in session.ecs.list_task_definitions(status=status)["taskDefinitionArns"]
    ]


def _two_containers(second_group: str) -> dict:
    body = json.loads(json.dumps(FARGATE_WEB))
    sidecar = json.loads(json.dumps(body["containerDefinitions"][0]))
    sidecar["name"] = "sidecar"
    sidecar["logConfiguration"]["options"]["awslogs-group"] = second_group
    body["containerDefinitions"].append(sidecar)
    return body


def _ecs_refuses(operation: str, message: str):
    """A session on the same sandbox whose ECS refuses `operation` as ECS does on the wire
    (HTTP 400, a ClientException body); every other call reaches the sandbox."""
    from botocore.awsrequest import AWSResponse

    import ecskit

    class _Raw:
        def stream(self, **_):
            return [json.dumps({"__type": "ClientException", "message": message}).encode()]

    def before_send(request, **_):
        if request.headers.get("X-Amz-Target", b"").decode().endswith("." + operation):
            return AWSResponse(request.url, 400, {}, _Raw())
        return None

    # a before-send answer stops the request before the client's HTTP session, in-process too
    refusing = ecskit.connect()
    refusing.ecs.meta.events.register("before-send", before_send)
    return refusing


def test_a_body_the_rules_refuse_makes_no_log_group(session):
    body = {**FARGATE_WEB, "pidMode": "host"}  # Fargate takes pidMode "task" only
    with pytest.raises(ops.OpError) as caught:
        ops.register_task_definition(session, body, create_log_groups=True)
    assert caught.value.field == "pidMode" and caught.value.code == "fargate.unsupported"
    assert "Nothing was created" in caught.value.message
    assert _groups(session) == [] and _revisions(session) == []


def test_a_log_group_name_logs_would_refuse_makes_nothing(session):
    body = _two_containers("bad name!")
    with pytest.raises(ops.OpError) as caught:
        ops.register_task_definition(session, body, create_log_groups=True)
    assert caught.value.field == ("containerDefinitions[1].logConfiguration.options.awslogs-group")
    assert "The log group name 'bad name!' has characters not allowed" in caught.value.message
    # the first group, whose name is fine, was not made either
    assert _groups(session) == [] and _revisions(session) == []


def test_groups_made_for_a_registration_ecs_refuses_are_removed(session):
    ops.create_log_group(session, "/ecs/kept")  # there before: left alone
    body = _two_containers("/ecs/kept")
    refusing = _ecs_refuses("RegisterTaskDefinition", "Too many revisions.")
    with pytest.raises(ops.OpError) as caught:
        ops.register_task_definition(refusing, body, create_log_groups=True)
    assert caught.value.code == "ClientException" and "Too many revisions." in str(caught.value)
    assert _groups(session) == ["/ecs/kept"] and _revisions(session) == []
    # the same request on a session ECS accepts makes the group and the revision
    ops.register_task_definition(session, body, create_log_groups=True)
    assert _groups(session) == ["/ecs/kept", "/ecs/web"] and len(_revisions(session)) == 1


def test_only_the_groups_asked_for_are_made(session):
    body = _two_containers("/ecs/sidecar")
    ops.register_task_definition(session, body, create_log_groups=["/ecs/sidecar"])
    assert _groups(session) == ["/ecs/sidecar"]
