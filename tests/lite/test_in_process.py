"""The sandbox reached in-process (no socket), the serial crawl and the thread-free warm-up:
what a Pyodide kernel relies on, checked in CPython."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import boto3
import pytest
from public_network import open_to_internet

import ecskit
from ecskit.inventory import snapshot
from ecskit.sandbox import in_process


def _client(layer, service: str = "ecs"):
    boto = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    in_process.attach(boto.events, layer)
    # .invalid never resolves: an answer can only have come from the handler
    return boto.client(service, endpoint_url=in_process.IN_PROCESS_URL)


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
socket.socket.bind = refuse
threading.Thread.start = refuse
from ecskit.sandbox import Sandbox, in_process
in_process.THREADS = False
box = Sandbox().open()
assert not box.running and box.layer.warm.is_set()
print(box.layer.clock.mode)
"""


def test_open_builds_the_layer_with_no_socket_and_no_thread() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BROWSER_LIKE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "real"


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
    handlers = over_http.ecs.meta.events._emitter._unique_id_handlers
    assert "ecskit-in-process" not in handlers
    monkeypatch.setenv("ECSKIT_SANDBOX_ROUTE", "pigeon")
    with pytest.raises(in_process.RouteError, match="'pigeon' is not one of in-process, http"):
        ecskit.connect()


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
