"""Every ECS operation, fuzzed on the wire: the sandbox never answers HTML or a Python error,
keeps serving, and afterwards every List call works and every stored resource describes.

Requests are drawn from botocore's input shapes (so most pass the model check and reach the
handlers and moto), then mutated as an attacker would: nulls, wrong types, huge and deep
values, unicode, numbers past any width, and bodies that are not JSON at all.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TARGET = "AmazonEC2ContainerServiceV20141113."
MODEL = botocore.session.get_session().get_service_model("ecs")
OPERATIONS = sorted(MODEL.operation_names)
# What a Python exception's text looks like in an answer.
PYTHON_TEXT = re.compile(
    r"Traceback|NotImplementedError|KeyError|AttributeError|TypeError|IndexError|"
    r"ValueError|RecursionError|NoneType|object has no attribute|<!doctype|<html",
    re.IGNORECASE,
)
# Names the fuzzer reuses so requests reach real resources, not only "not found".
KNOWN = {
    "cluster": ["fuzz", "default", "arn:aws:ecs:us-east-1:123456789012:cluster/fuzz"],
    "taskDefinition": ["fuzz", "fuzz:1", "fuzz:99"],
    "service": ["svc", "gone"],
    "serviceName": ["svc", "svc2"],
    "family": ["fuzz", "f2"],
    "clusterName": ["fuzz", "f2"],
}
# Bodies that are not a JSON object, or not JSON at all.
RAW_BODIES = [b"", b"not json", b"[1,2]", b"null", b"{", b"[" * 50_000, b'{"count": NaN}',
              b"\xff\xfe", b'{"a": 1e999}']  # fmt: skip
HOSTILE = st.one_of(
    st.none(),
    st.just("x" * 200_000),
    st.just(2**70),
    st.just(-(2**40)),
    st.just(1e308),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.booleans(),
)


def shape_values(shape: Any, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """Plausible values of one botocore shape (known names where the API points at one)."""
    if name in KNOWN:
        return st.one_of(st.sampled_from(KNOWN[name]), st.text(max_size=12))
    kind = shape.type_name
    if kind == "structure":
        if depth > 3:
            return st.just({})
        members = {n: shape_values(m, n, depth + 1) for n, m in shape.members.items()}
        required = {n: members.pop(n) for n in shape.required_members if n in members}
        return st.fixed_dictionaries(required, optional=members)
    if kind == "list":
        return st.lists(shape_values(shape.member, "", depth + 1), max_size=2)
    if kind == "map":
        return st.dictionaries(st.text(max_size=8), shape_values(shape.value, "", depth + 1),
                               max_size=2)  # fmt: skip
    enum = shape.metadata.get("enum")
    if enum:
        return st.sampled_from(enum)
    if kind in ("integer", "long"):
        return st.integers(min_value=-2, max_value=20_000)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.integers(min_value=0, max_value=2_000_000_000)
    return st.text(max_size=20)


def mutate(body: dict[str, Any], draw: Any) -> dict[str, Any]:
    """Replace one member (at the top or one level down) with something hostile."""
    if not body or not draw(st.booleans()):
        return body
    key = draw(st.sampled_from(sorted(body)))
    value = body[key]
    if isinstance(value, dict) and value and draw(st.booleans()):
        inner = draw(st.sampled_from(sorted(value)))
        return {**body, key: {**value, inner: draw(HOSTILE)}}
    return {**body, key: draw(HOSTILE)}


@st.composite
def requests(draw: Any) -> tuple[str, bytes]:
    operation = draw(st.sampled_from(OPERATIONS))
    kind = draw(st.sampled_from(["shape", "shape", "shape", "raw"]))
    if kind == "raw":
        raw = draw(st.sampled_from(RAW_BODIES))
        return operation, raw
    shape = MODEL.operation_model(operation).input_shape
    body = draw(shape_values(shape)) if shape is not None else {}
    return operation, json.dumps(mutate(body, draw)).encode()


def post(url: str, operation: str, data: bytes) -> tuple[int, str, bytes]:
    host, port = url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("POST", "/", body=data, headers={
            "X-Amz-Target": TARGET + operation,
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ecs/"
                             "aws4_request, SignedHeaders=host, Signature=0",
        })  # fmt: skip
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


@pytest.fixture
def fuzz_account(ecs_session: Any, network: dict[str, Any], kit: Any) -> Any:
    """A cluster, a revision and a service for the fuzzer's requests to find."""
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="fuzz")
    kit.fargate_definition(ecs, family="fuzz")
    ecs.create_service(
        cluster="fuzz", serviceName="svc", taskDefinition="fuzz", desiredCount=2,
        launchType="FARGATE", networkConfiguration=network["config"],
    )  # fmt: skip
    return ecs_session


def test_every_operation_answers_as_aws_under_fuzzing(fuzz_account: Any) -> None:
    url = fuzz_account.endpoint_url
    seen: dict[str, int] = {}

    @settings(
        max_examples=1200,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(requests())
    def one(request: tuple[str, bytes]) -> None:
        operation, data = request
        status, content_type, body = post(url, operation, data)
        text = body.decode("utf-8", "replace")
        assert "json" in content_type, (operation, status, text[:300])
        answer = json.loads(body)
        assert status in (200, 400), (operation, status, text[:300])
        if status == 400:
            assert answer.get("__type") and answer.get("message"), (operation, text[:300])
            assert not PYTHON_TEXT.search(answer["message"]), (operation, text[:300])
        seen[operation] = seen.get(operation, 0) + 1

    one()
    assert len(seen) >= 80, f"only {len(seen)} operations were tried"
    everything_still_lists_and_describes(fuzz_account.ecs)


def everything_still_lists_and_describes(ecs: Any) -> None:
    """Every List call pages, and every resource it names describes (boto3 parses it all)."""
    clusters = ecs.list_clusters()["clusterArns"]
    for start in range(0, len(clusters), 100):
        ecs.describe_clusters(clusters=clusters[start : start + 100])
    for cluster in clusters:
        services = [a for p in ecs.get_paginator("list_services").paginate(cluster=cluster)
                    for a in p["serviceArns"]]  # fmt: skip
        for start in range(0, len(services), 10):
            ecs.describe_services(cluster=cluster, services=services[start : start + 10])
        tasks = [a for p in ecs.get_paginator("list_tasks").paginate(cluster=cluster)
                 for a in p["taskArns"]]  # fmt: skip
        for start in range(0, len(tasks), 100):
            ecs.describe_tasks(cluster=cluster, tasks=tasks[start : start + 100])
        ecs.list_container_instances(cluster=cluster)
    for status in ("ACTIVE", "INACTIVE"):
        for page in ecs.get_paginator("list_task_definitions").paginate(status=status):
            for arn in page["taskDefinitionArns"]:
                ecs.describe_task_definition(taskDefinition=arn)
        ecs.list_task_definition_families(status=status)
    ecs.describe_capacity_providers()
    ecs.list_account_settings()
