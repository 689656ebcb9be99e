"""The sandbox reached in-process (botocore's before-send handler) against HTTP over loopback.

.venv/bin/python benchmarks/in_process.py [--calls 300]

One sandbox in this process, one run: two clients on the same store, one sending over the
sandbox's HTTP server, one handing each request to the WSGI layer in-process
(ecskit/sandbox/in_process.py). Calls interleaved in rounds of 10 so drift on a shared machine
hits both alike; medians per operation, then the median ratio.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from sandbox import median_ms  # benchmarks/sandbox.py: this script's folder is on sys.path

CONFIG = Config(retries={"total_max_attempts": 1})


def client(url: str, service: str = "ecs", layer: Any = None) -> Any:
    from ecskit.sandbox import in_process

    session = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    if layer is not None:
        in_process.attach(session.events, layer)
    return session.client(service, endpoint_url=url, config=CONFIG)


def compare(calls: int) -> float:
    from ecskit.sandbox import Sandbox

    box = Sandbox(port=0).start()
    box.clock = "instant"
    http, local = client(box.endpoint_url), client(box.endpoint_url, layer=box.layer)
    http_ec2, local_ec2 = (
        client(box.endpoint_url, "ec2"),
        client(box.endpoint_url, "ec2", layer=box.layer),
    )
    local.create_cluster(clusterName="bench")
    local.register_task_definition(
        family="bench", containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
    )
    local.create_service(cluster="bench", serviceName="svc", taskDefinition="bench", desiredCount=0)
    operations: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "ListClusters": (http.list_clusters, local.list_clusters),
        "DescribeClusters": (
            lambda: http.describe_clusters(clusters=["bench"]),
            lambda: local.describe_clusters(clusters=["bench"]),
        ),
        "DescribeServices": (
            lambda: http.describe_services(cluster="bench", services=["svc"]),
            lambda: local.describe_services(cluster="bench", services=["svc"]),
        ),
        "DescribeTaskDefinition": (
            lambda: http.describe_task_definition(taskDefinition="bench"),
            lambda: local.describe_task_definition(taskDefinition="bench"),
        ),
        "ec2 DescribeVpcs": (http_ec2.describe_vpcs, local_ec2.describe_vpcs),
    }
    print(f"per call, median of {calls} (interleaved in rounds of 10)")
    print(f"{'operation':<24}{'HTTP':>12}{'in-process':>12}{'ratio':>8}")
    ratios = []
    for name, (over_http, in_proc) in operations.items():
        over_http(), in_proc()  # warm both
        h: list[float] = []
        p: list[float] = []
        for _ in range(max(calls // 10, 1)):
            h.append(median_ms(over_http, 10))
            p.append(median_ms(in_proc, 10))
        hm, pm = statistics.median(h), statistics.median(p)
        ratios.append(pm / hm)
        print(f"{name:<24}{hm:>10.2f}ms{pm:>10.2f}ms{pm / hm:>7.2f}x")
    ratio = statistics.median(ratios)
    print(f"{'median ratio (in-process / HTTP)':<48}{ratio:>7.2f}x")
    box.stop()
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    compare(parser.parse_args().calls)


if __name__ == "__main__":
    main()
