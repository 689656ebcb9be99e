"""The sandbox reached in-process (no socket), the serial crawl and the thread-free warm-up:
what a Pyodide kernel relies on, checked in CPython. In-process, botocore still does everything
above the socket: a user's before-send answer, Stubber and the retry handler behave as over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import types

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber
from public_network import open_to_internet

import ecskit
from ecskit.inventory import snapshot
from ecskit.sandbox import in_process


def _client(layer, service: str = "ecs", config: Config | None = None):
    boto = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    in_process.attach(boto.events, layer)
    # .invalid never resolves: an answer can only have come from the in-process HTTP session
    return boto.client(service, endpoint_url=in_process.IN_PROCESS_URL, config=config)


def _answer(request, status: int, body: dict) -> AWSResponse:
    """An answer as botocore's HTTP layer returns it (ECS speaks JSON)."""
    return AWSResponse(request.url, status, {}, in_process._Raw(json.dumps(body).encode()))


def test_the_sandbox_layer_answers_ecs_and_ec2_with_no_socket(session) -> None:
    ecs = _client(session.sandbox.layer)
    ecs.create_cluster(clusterName="lite")
    assert ecs.list_clusters()["clusterArns"][0].endswith(":cluster/lite")
    assert _client(session.sandbox.layer, "ec2").describe_vpcs()["Vpcs"][0]["IsDefault"] is True
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.create_service(cluster="nope", serviceName="web", taskDefinition="web")


# moto keeps one store per process and the layer hooks into it: a second sandbox gets a process
BROWSER_LIKE = """
import socket, threading
def refuse(*args, **kwargs):
    raise RuntimeError("no sockets or threads here")
socket.socket.bind = socket.socket.connect = refuse
threading.Thread.start = refuse
from ecskit.sandbox import Sandbox, in_process
in_process.THREADS = False
box = Sandbox().open()
assert not box.running and box.layer.warm.is_set()
print(box.layer.clock.mode)
in_process.IN_BROWSER = True  # what sys.platform == "emscripten" sets in Pyodide
import ecskit
s = ecskit.connect()
s.ecs.create_cluster(clusterName="tab")
print(s.ecs.list_clusters()["clusterArns"][0].rsplit("/", 1)[1], s.describe())
"""


def test_open_builds_the_layer_with_no_socket_and_no_thread() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BROWSER_LIKE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "real",
        "tab sandbox in this browser tab, region us-east-1, read-write",
    ]


def test_connect_sends_the_kernels_calls_in_process_and_keeps_http_for_the_cli(session) -> None:
    box = session.sandbox
    served = []
    # the HTTP server hands every request to the layer: count what reaches it over the socket
    server = box._server
    original = server.app
    server.app = lambda environ, start: served.append(1) or original(environ, start)
    try:
        before = box.layer.calls
        session.ecs.list_clusters()
        assert box.layer.calls == before + 1 and served == []
        assert in_process.sends_in_process(session.ecs)
        # what lives outside the kernel still gets the HTTP endpoint
        assert f"--endpoint-url {box.endpoint_url}" in session.cli()
        boto3.client(
            "ecs",
            endpoint_url=box.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).list_clusters()
        assert served == [1]
    finally:
        server.app = original


def test_the_route_can_be_set_back_to_http_and_a_wrong_one_is_named(monkeypatch) -> None:
    monkeypatch.setenv("ECSKIT_SANDBOX_ROUTE", "http")
    assert in_process.route() == "http"
    over_http = ecskit.connect()
    assert not in_process.sends_in_process(over_http.ecs)
    assert over_http.endpoint_url == over_http.sandbox.endpoint_url
    # DiscoverInstances carries the model's hostPrefix "data-": over HTTP it must not become
    # a host of its own (data-127.0.0.1), which never resolves
    discovery = over_http.servicediscovery
    discovery.create_http_namespace(Name="routes")
    with pytest.raises(discovery.exceptions.ServiceNotFound):  # the sandbox's answer: it got there
        discovery.discover_instances(NamespaceName="routes", ServiceName="x")
    monkeypatch.setenv("ECSKIT_SANDBOX_ROUTE", "pigeon")
    with pytest.raises(in_process.RouteError, match="'pigeon' is not one of in-process, http"):
        ecskit.connect()


def test_a_users_before_send_answer_wins_and_the_sandbox_never_sees_the_request(session) -> None:
    # the testing idiom: answer some calls in a before-send handler, let the rest through
    mine = ecskit.connect()  # its own boto3 session on the same sandbox
    canned = {"clusterArns": ["arn:aws:ecs:us-east-1:123456789012:cluster/canned"]}

    def before_send(request, **_):
        if request.headers["X-Amz-Target"].endswith(b".ListClusters"):
            return _answer(request, 200, canned)
        return None

    mine.ecs.meta.events.register("before-send", before_send)
    layer = session.sandbox.layer
    before = layer.calls
    assert mine.ecs.list_clusters()["clusterArns"] == canned["clusterArns"]
    assert layer.calls == before  # the old before-send route ran the sandbox too, and won
    mine.ecs.create_cluster(clusterName="real")  # not answered by the user: the sandbox's
    assert layer.calls == before + 1
    assert session.ecs.list_clusters()["clusterArns"][0].endswith(":cluster/real")


def test_a_refusal_answered_in_before_send_leaves_nothing_in_the_sandbox(session) -> None:
    mine = ecskit.connect()
    refusal = {"__type": "ClientException", "message": "Too many clusters."}
    mine.ecs.meta.events.register(
        "before-send", lambda request, **_: _answer(request, 400, refusal)
    )
    with pytest.raises(mine.ecs.exceptions.ClientException, match="Too many clusters."):
        mine.ecs.create_cluster(clusterName="never")
    assert session.ecs.list_clusters()["clusterArns"] == []


def test_stubber_answers_a_sandbox_client_and_the_sandbox_runs_nothing(session) -> None:
    mine = ecskit.connect()
    layer = session.sandbox.layer
    before = layer.calls
    with Stubber(mine.ecs) as stub:
        stub.add_response("list_clusters", {"clusterArns": []}, {})
        stub.add_client_error("create_cluster", "ClientException", "stubbed", 400)
        assert mine.ecs.list_clusters()["clusterArns"] == []
        with pytest.raises(mine.ecs.exceptions.ClientException, match="stubbed"):
            mine.ecs.create_cluster(clusterName="x")
        stub.assert_no_pending_responses()
    assert layer.calls == before
    mine.ecs.create_cluster(clusterName="after")  # the stub gone, the sandbox answers again
    assert layer.calls == before + 1


def test_a_throttled_or_5xx_answer_goes_through_botocores_retry_handler(session, monkeypatch):
    layer = session.sandbox.layer
    answered: list[str] = []

    def flaky(environ, start):
        # the first answer a 503, the second ECS's throttling error, then the sandbox's own
        answered.append(environ["HTTP_X_AMZ_TARGET"])
        if len(answered) == 1:
            start("503 Service Unavailable", [("Content-Type", "application/x-amz-json-1.1")])
            return [b"{}"]
        if len(answered) == 2:
            start("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1")])
            return [b'{"__type": "ThrottlingException", "message": "Rate exceeded"}']
        return layer(environ, start)

    slept: list[float] = []
    # botocore's Endpoint sleeps the retry handler's delay between attempts: record, not wait
    monkeypatch.setattr("botocore.endpoint.time", types.SimpleNamespace(sleep=slept.append))
    retrying = Config(retries={"mode": "standard", "total_max_attempts": 3})
    answer = _client(flaky, config=retrying).list_clusters()
    assert answer["clusterArns"] == [] and answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answered == ["AmazonEC2ContainerServiceV20141113.ListClusters"] * 3
    assert len(slept) == 2


def test_a_serial_crawl_finds_what_the_thread_pool_finds(session, monkeypatch) -> None:
    session.ecs.create_cluster(clusterName="one")
    session.ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "a", "image": "nginx", "memory": 64}]
    )
    for name in ("a", "b", "c"):
        session.ecs.create_service(
            cluster="one", serviceName=name, taskDefinition="web", desiredCount=1
        )
    pooled = snapshot(session, progress=False)
    from ecskit.inventory import crawl

    monkeypatch.setattr(crawl, "THREADS", False)
    monkeypatch.setattr(crawl, "ThreadPoolExecutor", None)  # any use of a pool fails the test
    serial = snapshot(session, progress=False)
    assert sorted(s.name for s in serial.services) == ["a", "b", "c"]
    assert [s.arn for s in serial.services] == [s.arn for s in pooled.services]
    assert len(serial.revisions) == len(pooled.revisions) == 1


def test_the_real_clock_moves_tasks_with_no_thread_of_its_own(session) -> None:
    session.sandbox.clock = "real"  # 0.75 s a state: RUNNING about 2-3 s after RunTask
    session.ecs.create_cluster(clusterName="c")
    session.ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "a", "image": "nginx"}],
    )
    vpc = session.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = session.ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]
    group = session.ec2.create_security_group(GroupName="w", Description="w", VpcId=vpc)
    # a public subnet and a public IP: the task must reach Docker Hub (or the sandbox stops it)
    open_to_internet(session.ec2, vpc)
    where = {
        "subnets": [subnet["SubnetId"]],
        "securityGroups": [group["GroupId"]],
        "assignPublicIp": "ENABLED",
    }
    arn = session.ecs.run_task(
        cluster="c",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": where},
    )["tasks"][0]["taskArn"]
    threads = threading.active_count()
    seen = []
    for _ in range(80):  # wall time passes; each call's tick moves the task on
        time.sleep(0.1)
        seen.append(session.ecs.describe_tasks(cluster="c", tasks=[arn])["tasks"][0])
        if seen[-1]["lastStatus"] == "RUNNING":
            break
    assert seen[-1]["lastStatus"] == "RUNNING", [t["lastStatus"] for t in seen]
    assert threading.active_count() == threads  # no thread started to move it
