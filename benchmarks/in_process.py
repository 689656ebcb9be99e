"""The sandbox reached in-process (the client's in-process HTTP session) against HTTP over loopback.

.venv/bin/python benchmarks/in_process.py [--calls 300]

One run, in this process: plain moto over HTTP (`moto_server`'s app, ecskit's speed-ups to moto
taken out, as benchmarks/sandbox.py runs it), ecskit's sandbox over its HTTP server, and the
same sandbox reached in-process (ecskit/sandbox/in_process.py), all three on one store. Calls
interleaved in rounds of 10 so drift on a shared machine hits all alike; medians per operation,
then the median ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from sandbox import median_ms, plain_moto  # benchmarks/sandbox.py: this folder is on sys.path

CONFIG = Config(retries={"total_max_attempts": 1})
OPERATIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "ListClusters": ("ecs", lambda c: c.list_clusters()),
    "DescribeClusters": ("ecs", lambda c: c.describe_clusters(clusters=["bench"])),
    "DescribeServices": ("ecs", lambda c: c.describe_services(cluster="bench", services=["svc"])),
    "DescribeTaskDefinition": ("ecs", lambda c: c.describe_task_definition(taskDefinition="bench")),
    "ec2 DescribeVpcs": ("ec2", lambda c: c.describe_vpcs()),
}


def client(url: str, service: str = "ecs", layer: Any = None) -> Any:
    from ecskit.sandbox import in_process

    session = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    if layer is not None:
        in_process.attach(session.events, layer)
    return session.client(service, endpoint_url=url, config=CONFIG)


def compare(calls: int) -> float:
    from ecskit.sandbox import Sandbox, tuning

    box = Sandbox(port=0).start()
    box.clock = "instant"
    moto_url = plain_moto()
    routes: dict[str, Callable[[str], Any]] = {
        "plain moto": lambda service: client(moto_url, service),
        "HTTP": lambda service: client(box.endpoint_url, service),
        "in-process": lambda service: client(box.endpoint_url, service, layer=box.layer),
    }
    clients = {(route, s): make(s) for route, make in routes.items() for s in ("ecs", "ec2")}
    local = clients["in-process", "ecs"]
    local.create_cluster(clusterName="bench")
    local.register_task_definition(
        family="bench", containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
    )
    local.create_service(cluster="bench", serviceName="svc", taskDefinition="bench", desiredCount=0)

    def timed(route: str, service: str, op: Callable[[Any], Any]) -> float:
        # plain moto runs without ecskit's speed-ups to moto, as `moto_server` would
        quiet = tuning.disabled() if route == "plain moto" else contextlib.nullcontext()
        with quiet:
            return median_ms(lambda: op(clients[route, service]), 10)

    print(f"per call, median of {calls} (interleaved in rounds of 10)")
    print(f"{'operation':<24}{'plain moto':>12}{'HTTP':>10}{'in-process':>12}{'in-proc/HTTP':>14}")
    ratios, to_moto = [], []
    for name, (service, op) in OPERATIONS.items():
        for route in routes:
            timed(route, service, op)  # warm each
        times: dict[str, list[float]] = {route: [] for route in routes}
        for _ in range(max(calls // 10, 1)):
            for route in routes:
                times[route].append(timed(route, service, op))
        moto, http, proc = (statistics.median(times[route]) for route in routes)
        ratios.append(proc / http)
        to_moto.append(proc / moto)
        print(f"{name:<24}{moto:>10.2f}ms{http:>8.2f}ms{proc:>10.2f}ms{proc / http:>13.2f}x")
    ratio, moto_ratio = statistics.median(ratios), statistics.median(to_moto)
    print(f"{'median ratio in-process / sandbox over HTTP':<58}{ratio:>13.2f}x")
    print(f"{'median ratio in-process / plain moto over HTTP':<58}{moto_ratio:>13.2f}x")
    box.stop()
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    compare(parser.parse_args().calls)


if __name__ == "__main__":
    main()
