"""Bad requests get the service's own error, never HTML or a Python exception's text, and moto
never stores anything from a request the sandbox refused (issue 11)."""

from __future__ import annotations

import gc
import http.client
import json
import socket
import threading
import time

import botocore.exceptions
import pytest

import ecskit

SIGNED = "AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/{service}/aws4_request, " \
         "SignedHeaders=host, Signature=0"  # fmt: skip


def post(session, data, headers, path="/"):
    host, port = session.endpoint_url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("POST", path, body=data, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


def ecs_raw(session, operation, data, region="us-east-1"):
    headers = {
        "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": SIGNED.format(region=region, service="ecs"),
    }
    status, kind, body = post(session, data if isinstance(data, bytes) else data.encode(), headers)
    assert "json" in kind, body[:200]
    return status, json.loads(body)


def test_a_null_family_is_refused_and_nothing_is_stored(ecs_session) -> None:
    body = {"family": None, "containerDefinitions": [{"name": "a", "image": "b", "memory": 64}]}
    status, answer = ecs_raw(ecs_session, "RegisterTaskDefinition", json.dumps(body))
    # ECS's own wording and code for RegisterTaskDefinition (docs/sandbox-errors.md, question 1)
    assert (status, answer) == (400, {"__type": "ClientException",
                                      "message": "Family can not be blank."})  # fmt: skip
    ecs = ecs_session.ecs
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []
    assert ecs.list_task_definition_families(status="ALL")["families"] == []


def test_a_null_service_name_leaves_no_service_and_the_cluster_deletes(ecs_session) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="w", containerDefinitions=[{"name": "w", "image": "busybox", "memory": 64}]
    )
    body = {"cluster": "c", "serviceName": None, "taskDefinition": "w", "desiredCount": 1}
    status, answer = ecs_raw(ecs_session, "CreateService", json.dumps(body))
    assert status == 400 and answer["__type"] == "InvalidParameterException"
    assert answer["message"] == "ServiceName can not be blank."
    assert ecs.list_services(cluster="c")["serviceArns"] == []
    ecs.delete_cluster(cluster="c")


@pytest.mark.parametrize(
    ("operation", "body", "code", "message"),
    [
        ("CreateService", {}, "InvalidParameterException", "ServiceName can not be blank."),
        ("RunTask", {"count": 1}, "InvalidParameterException", "TaskDefinition can not be blank."),
        ("DescribeServices", {}, "InvalidParameterException", "Services can not be blank."),
        # wrong JSON types: Coral's deserializer (docs/sandbox-errors.md, question 2)
        ("CreateService", {"serviceName": "s", "desiredCount": "2"}, "SerializationException",
         "STRING_VALUE cannot be converted to Integer"),
        ("CreateCluster", {"clusterName": 5}, "SerializationException",
         "NUMBER_VALUE cannot be converted to String"),
        ("CreateCluster", {"clusterName": ["a"]}, "SerializationException",
         "Unrecognized collection type class java.lang.String"),
        ("CreateCluster", {"tags": {"key": "k"}}, "SerializationException",
         "Start of structure or map found where not expected"),
        ("CreateCluster", {"settings": "enhanced"}, "SerializationException",
         "Unexpected field type"),
        ("CreateService", {"serviceName": "s", "desiredCount": 2**40}, "SerializationException",
         "NUMBER_VALUE cannot be converted to Integer"),
        # a value outside an enum: ECS's wording (question 3)
        ("CreateService", {"serviceName": "s", "launchType": "FOO"}, "InvalidParameterException",
         "FOO is not a valid value for launchType. The value must be one of "
         "[EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]"),
        ("UpdateService", {"service": "s", "desiredCount": 5001}, "ClusterNotFoundException",
         "Cluster not found."),
    ],
)  # fmt: skip
def test_model_errors_in_ecs_words(ecs_session, operation, body, code, message) -> None:
    status, answer = ecs_raw(ecs_session, operation, json.dumps(body))
    assert (status, answer["__type"], answer["message"]) == (400, code, message)


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[" * 100_000, b'{"count": NaN}', b"[1, 2]", b"null", b"\xff\xfe", b"{"],
)
def test_bodies_that_are_not_a_json_object(ecs_session, raw) -> None:
    status, answer = ecs_raw(ecs_session, "ListClusters", raw)
    assert status == 400 and answer["__type"] == "SerializationException"
    assert "Error" not in answer["message"] and "NoneType" not in answer["message"]
    assert ecs_session.ecs.list_clusters()["clusterArns"] == []  # still serving


def test_an_unknown_operation(ecs_session) -> None:
    status, answer = ecs_raw(ecs_session, "LaunchRocket", b"{}")
    assert (status, answer["__type"]) == (400, "UnknownOperationException")


def test_a_region_aws_does_not_have(ecs_session) -> None:
    typo = ecskit.connect(region="us-east1")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        typo.ecs.list_clusters()
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidSignatureException"
    assert error["Message"].startswith("Credential should be scoped to a valid region, not ")
    assert "us-east-1" in error["Message"]  # the hint
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        typo.ec2.describe_vpcs()  # query protocol: XML, SignatureDoesNotMatch
    assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_a_crash_is_a_500_server_exception_logged_with_its_traceback(
    ecs_session, monkeypatch, caplog
) -> None:
    layer = ecs_session.sandbox.layer

    def broken(*_args):
        raise KeyError("deep inside")

    monkeypatch.setattr(layer, "op_ListClusters", broken, raising=False)
    with caplog.at_level("ERROR", logger="ecskit.sandbox.layer"):
        status, answer = ecs_raw(ecs_session, "ListClusters", b"{}")
    assert (status, answer["__type"]) == (500, "ServerException")
    assert "KeyError" not in answer["message"] and "deep inside" not in answer["message"]
    assert any(r.exc_info and "deep inside" in str(r.exc_info[1]) for r in caplog.records)


def test_other_json_services_are_checked_against_their_model(session) -> None:
    with pytest.raises(session.logs.exceptions.InvalidParameterException):
        session.logs.create_log_group(logGroupName="x" * 600)
    assert session.logs.describe_log_groups()["logGroups"] == []


def test_query_services_answer_missing_parameters_in_their_words(session) -> None:
    form = "Action=CreateSubnet&Version=2016-11-15&CidrBlock=10.0.0.0%2F24"
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": SIGNED.format(region="us-east-1", service="ec2")}  # fmt: skip
    status, _, body = post(session, form.encode(), headers)
    assert status == 400 and b"<Code>MissingParameter</Code>" in body
    assert b"The request must contain the parameter VpcId" in body
    form = "Action=CreateRole&Version=2010-05-08&RoleName=r"
    headers["Authorization"] = SIGNED.format(region="us-east-1", service="iam")
    status, _, body = post(session, form.encode(), headers)
    assert status == 400 and b"<Code>ValidationError</Code>" in body
    assert [r for r in session.iam.list_roles()["Roles"] if r["RoleName"] == "r"] == []
    form = "Action=LaunchRocket&Version=2016-11-15"
    headers["Authorization"] = SIGNED.format(region="us-east-1", service="ec2")
    status, _, body = post(session, form.encode(), headers)
    assert status == 400 and b"<Code>InvalidAction</Code>" in body


def test_a_garbled_request_line_answers_json_not_html(session) -> None:
    host, port = session.endpoint_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        answer = raw.recv(4096)
    assert b"<html" not in answer.lower() and b'"__type": "BadRequest"' in answer


def test_a_negative_content_length_reads_as_no_body(session) -> None:
    host, port = session.endpoint_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
            b"X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\n\r\n"
        )
        answer = b""
        while chunk := raw.recv(4096):  # the server closes the connection after answering
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'{"clusterArns": []}' in answer


def test_desired_count_past_the_tasks_per_service_quota(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Desired count exceeds"):
        kit.fargate_service(ecs, network, count=5001)
    assert ecs.list_services(cluster="shop")["serviceArns"] == []
    kit.fargate_service(ecs, network, count=1)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Desired count exceeds"):
        ecs.update_service(cluster="shop", service="web", desiredCount=10**9)


def _worst_list_clusters(ecs, while_running) -> float:
    """The slowest ListClusters while `while_running` runs in another thread."""
    # collect what earlier tests left (the fuzz test's garbage made one full collection of
    # 1.7 M objects take 1.3 s in the middle of this measurement): the sandbox is measured here
    gc.collect()
    done = threading.Event()
    worker = threading.Thread(target=lambda: (while_running(), done.set()))
    worker.start()
    worst = 0.0
    try:
        while not done.is_set():
            started = time.perf_counter()
            ecs.list_clusters()
            worst = max(worst, time.perf_counter() - started)
    finally:
        worker.join(timeout=120)
    return worst


def test_a_huge_service_never_keeps_another_client_waiting(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=5000)

    def wait_until_running() -> None:
        while (
            ecs.describe_services(cluster="shop", services=["web"])["services"][0]["runningCount"]
            < 5000
        ):
            pass

    assert _worst_list_clusters(ecs, wait_until_running) < 1.0


def test_a_megabyte_name_never_keeps_another_client_waiting(ecs_session) -> None:
    ecs = ecs_session.ecs

    def big() -> None:
        answer = ecs.describe_capacity_providers(capacityProviders=["x" * 1_000_000])
        assert answer["capacityProviders"] == []

    assert _worst_list_clusters(ecs, big) < 1.0


def test_json_services_answer_coral_validation_messages(session) -> None:
    with pytest.raises(session.logs.exceptions.InvalidParameterException) as raised:
        session.logs.create_log_group(logGroupName="x" * 600)
    message = raised.value.response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value 'xxx")
    assert message.endswith(
        "at 'logGroupName' failed to satisfy constraint: "
        "Member must have length less than or equal to 512"
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        session.cloudwatch.put_metric_data(
            Namespace="n" * 300, MetricData=[{"MetricName": "m", "Value": 1}]
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
