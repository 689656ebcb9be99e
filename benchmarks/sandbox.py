"""The sandbox's cost per call over plain moto (target <= 1.5x), and its scheduler at scale.

.venv/bin/python benchmarks/sandbox.py [--calls 200] [--services 200] [--per-service 10]

Both servers run in this process on loopback, in one run, calls interleaved so drift on a
shared machine hits both alike: plain moto (`DomainDispatcherApplication` under werkzeug, as
`moto_server` serves it, its calls made with the sandbox's speed-ups to moto taken out:
`ecskit.sandbox.tuning.disabled()`) and ecskit's sandbox (the same app behind the ECS layer).
Medians.
Then the scheduler: services x tasks made and brought to steady state, and a call's cost with
all those tasks in the store.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

CONFIG = Config(retries={"max_attempts": 1})


def plain_moto() -> str:
    """moto's own server app on a loopback port, without ecskit's layer."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    server = make_server(
        "127.0.0.1",
        0,
        DomainDispatcherApplication(create_backend_app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def client(url: str, service: str = "ecs") -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=CONFIG,
    )


def median_ms(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def per_call(calls: int) -> None:
    from ecskit.sandbox import Sandbox, tuning

    box = Sandbox(port=0).start()
    box.clock = "instant"
    moto_url = plain_moto()
    sandbox_ecs, moto_ecs = client(box.endpoint_url), client(moto_url)
    sandbox_ecs.create_cluster(clusterName="bench")  # one store: both see the same state
    sandbox_ecs.register_task_definition(
        family="bench", containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
    )
    sandbox_ecs.create_service(
        cluster="bench", serviceName="svc", taskDefinition="bench", desiredCount=0
    )
    operations: dict[str, Callable[[Any], Any]] = {
        "ListClusters": lambda c: c.list_clusters(),
        "DescribeClusters": lambda c: c.describe_clusters(clusters=["bench"]),
        "DescribeServices": lambda c: c.describe_services(cluster="bench", services=["svc"]),
        "ListTaskDefinitions": lambda c: c.list_task_definitions(),
        "DescribeTaskDefinition": lambda c: c.describe_task_definition(taskDefinition="bench"),
    }
    print(f"per call, median of {calls} (interleaved in rounds of 10)")
    print(f"{'operation':<24}{'plain moto':>12}{'sandbox':>12}{'ratio':>8}")
    ratios = []
    for name, op in operations.items():
        with tuning.disabled():
            op(moto_ecs)  # warm both
        op(sandbox_ecs)
        m: list[float] = []
        s: list[float] = []
        for _ in range(calls // 10):
            with tuning.disabled():
                m.append(median_ms(lambda op=op: op(moto_ecs), 10))
            s.append(median_ms(lambda op=op: op(sandbox_ecs), 10))
        ms, ss = statistics.median(m), statistics.median(s)
        ratios.append(ss / ms)
        print(f"{name:<24}{ms:>10.2f}ms{ss:>10.2f}ms{ss / ms:>7.2f}x")
    print(f"{'median ratio':<48}{statistics.median(ratios):>7.2f}x (target <= 1.5x)")
    box.stop()


def scheduler(services: int, per_service: int) -> None:
    from ecskit.sandbox import Sandbox

    box = Sandbox(port=0).start()
    box.reset()
    box.clock = "instant"
    ecs, ec2 = client(box.endpoint_url), client(box.endpoint_url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/17")["Subnet"]["SubnetId"]
    # Since the sandbox judges each task's way to its registry (sandbox/network_path.py), a
    # Docker Hub image needs the internet: an internet gateway, a default route, a public IP.
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    ec2.create_route(
        RouteTableId=table["RouteTables"][0]["RouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=igw,
    )
    net = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "ENABLED"}}
    ecs.create_cluster(clusterName="big")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx"}],
    )
    box.clock = "manual"  # create everything first, then let the scheduler start it all
    start = time.perf_counter()
    for i in range(services):
        ecs.create_service(
            cluster="big",
            serviceName=f"s{i:03}",
            taskDefinition="web",
            desiredCount=per_service,
            launchType="FARGATE",
            networkConfiguration=net,
        )
    created = time.perf_counter() - start
    start = time.perf_counter()
    box.settle()
    settled = time.perf_counter() - start
    cluster = ecs.describe_clusters(clusters=["big"])["clusters"][0]
    total = services * per_service
    assert cluster["runningTasksCount"] == total, cluster
    print(f"\nscheduler: {services} services x {per_service} tasks = {total} tasks")
    # each call's tick starts the tasks of the services made before it: creating includes starting
    each = created / services * 1000
    label = f"CreateService x {services} (starting tasks as they go)"
    print(f"{label}: {created:.2f} s, {each:.1f} ms each")
    print(f"settle() to {total} RUNNING tasks: {settled:.2f} s")
    describe = median_ms(lambda: ecs.describe_clusters(clusters=["big"]), 50)
    print(f"DescribeClusters with {total} tasks stored: {describe:.2f} ms (median of 50)")
    box.clock = "instant"
    ecs.update_service(cluster="big", service="s000", taskDefinition="web", forceNewDeployment=True)
    start = time.perf_counter()
    waiter = ecs.get_waiter("services_stable")
    waiter.wait(cluster="big", services=["s000"], WaiterConfig={"Delay": 0.01, "MaxAttempts": 50})
    rolled = time.perf_counter() - start
    print(f"a rolling deployment of {per_service} tasks among them: {rolled:.2f} s")
    box.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--per-service", type=int, default=10)
    args = parser.parse_args()
    per_call(args.calls)
    scheduler(args.services, args.per_service)


if __name__ == "__main__":
    main()
