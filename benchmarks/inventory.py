"""A snapshot of a large account: ecskit's snapshot() against the plain boto3 way, at 20 ms a call.

The account: 10 clusters, 500 services, 5,000 tasks, 1,000 revisions (100 families of 10, the
first half of each deregistered), a task role, an execution role and a log group. Every call to
the sandbox waits `--latency-ms` (20 ms, a real region's round trip) before it is answered.

The plain way is what a careful user writes: boto3 paginators, describes batched to their
limits, one call after another. Both fetch the same resources; both are timed in this run.

By default the sandbox runs in its own process (as AWS does: the server's work is not on the
client's CPU); `--in-process` uses this process's sandbox (`session.sandbox.latency = 0.02`).

.venv/bin/python benchmarks/inventory.py [--runs 3] [--latency-ms 20] [--in-process]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import ecskit
from ecskit import graph
from ecskit.inventory import snapshot

CLUSTERS, SERVICES, TASKS, FAMILIES, REVISIONS = 10, 500, 5000, 100, 1000
ACCOUNT, REGION = "123456789012", "us-east-1"


# -- the account ------------------------------------------------------------------------------
def build_account() -> list[str]:
    """Fill moto's store directly (5,000 tasks over HTTP would take minutes to build)."""
    from moto.ecs.models import ecs_backends
    from moto.iam.models import iam_backends
    from moto.logs.models import logs_backends

    iam = iam_backends[ACCOUNT]["global"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    roles = [iam.create_role(n, trust, "/", None, "", [], None).arn for n in ("task", "exec")]
    logs_backends[ACCOUNT][REGION].create_log_group("/ecs/bench", {})
    ecs = ecs_backends[ACCOUNT][REGION]
    container = {
        "name": "app",
        "image": "nginx:1.27",
        "memory": 128,
        "environment": [{"name": "MODE", "value": "bench"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/bench"}},
    }
    latest = []
    for family in range(FAMILIES):
        arns = [
            ecs.register_task_definition(
                f"app{family:03}",
                [container],
                network_mode="awsvpc",
                requires_compatibilities=["FARGATE"],
                cpu="256",
                memory="512",
                task_role_arn=roles[0],
                execution_role_arn=roles[1],
            ).arn
            for _ in range(REVISIONS // FAMILIES)
        ]
        for arn in arns[: len(arns) // 2]:
            ecs.deregister_task_definition(arn)
        latest.append(arns[-1])
    for c in range(CLUSTERS):
        ecs.create_cluster(f"cluster{c:02}")
    return latest


def create_services(url: str, latest: list[str]) -> None:
    """Services through the sandbox's front door, so its scheduler (if any) runs them."""
    session = ecskit.connect(endpoint_url=url)
    ecs = session.ecs
    default = [{"Name": "default-for-az", "Values": ["true"]}]
    subnets = [s["SubnetId"] for s in session.ec2.describe_subnets(Filters=default)["Subnets"]]
    vpc = session.ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    groups = session.ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    network = {
        "awsvpcConfiguration": {
            "subnets": subnets[:2],
            "securityGroups": [groups[0]["GroupId"]],
            "assignPublicIp": "ENABLED",
        }
    }

    def create(s: int) -> None:
        ecs.create_service(
            cluster=f"cluster{s % CLUSTERS:02}",
            serviceName=f"svc{s:03}",
            taskDefinition=latest[s % FAMILIES],
            desiredCount=TASKS // SERVICES,
            launchType="FARGATE",
            networkConfiguration=network,
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(SERVICES)))


def top_up_tasks() -> None:
    """Start each service's tasks the scheduler has not started (moto alone starts none)."""
    from moto.ecs.models import ecs_backends

    ecs = ecs_backends[ACCOUNT][REGION]
    running: Counter[str] = Counter(
        task.group for tasks in ecs.tasks.values() for task in tasks.values()
    )
    for service in list(ecs.services.values()):
        missing = service.desired_count - running[f"service:{service.name}"]
        if missing > 0:
            ecs.run_task(
                service.cluster_name, service.task_definition, missing, None, "ecs-svc", None,
                "FARGATE", service.network_configuration, group=f"service:{service.name}",
            )  # fmt: skip


def settle(box: Any) -> None:
    """Every service's tasks started: by the sandbox's scheduler if it has one, else by us."""
    if not hasattr(box.layer, "settle"):
        top_up_tasks()
        return
    # the steady state at once: a sandbox still starting tasks would measure its scheduler
    box.layer.clock.mode = "instant"
    box.layer.settle()


def serve(latency: float) -> None:
    """The sandbox in this process: build, then serve with latency; print the URL when ready."""
    from ecskit.sandbox import Sandbox

    box = Sandbox(port=0).start()
    create_services(box.endpoint_url, build_account())
    settle(box)
    box.latency = latency
    print(box.endpoint_url, flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin


# -- the plain boto3 way ----------------------------------------------------------------------
def plain(session: Any) -> dict[str, int]:
    """Sequential, paginated, describes batched to their limits: what a careful user writes."""
    ecs, found = session.ecs, Counter()

    def pages(client: Any, name: str, key: str, **kw: Any) -> list[Any]:
        return [x for page in client.get_paginator(name).paginate(**kw) for x in page[key]]

    clusters = pages(ecs, "list_clusters", "clusterArns")
    for i in range(0, len(clusters), 100):
        found["clusters"] += len(ecs.describe_clusters(clusters=clusters[i : i + 100])["clusters"])
    for cluster in clusters:
        services = pages(ecs, "list_services", "serviceArns", cluster=cluster)
        for i in range(0, len(services), 10):
            batch = services[i : i + 10]
            found["services"] += len(
                ecs.describe_services(cluster=cluster, services=batch)["services"]
            )
        for status in ("RUNNING", "STOPPED"):
            tasks = pages(ecs, "list_tasks", "taskArns", cluster=cluster, desiredStatus=status)
            for i in range(0, len(tasks), 100):
                batch = tasks[i : i + 100]
                found["tasks"] += len(ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"])
        instances = pages(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster)
        for i in range(0, len(instances), 100):
            batch = instances[i : i + 100]
            ecs.describe_container_instances(cluster=cluster, containerInstances=batch)
    roles, groups = set(), set()
    for status in ("ACTIVE", "INACTIVE"):
        for arn in pages(ecs, "list_task_definitions", "taskDefinitionArns", status=status):
            revision = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
            found["revisions"] += 1
            roles |= {revision.get("taskRoleArn"), revision.get("executionRoleArn")} - {None}
            for c in revision["containerDefinitions"]:
                groups.add(c.get("logConfiguration", {}).get("options", {}).get("awslogs-group"))
    for arn in roles:
        name = arn.rsplit("/", 1)[-1]
        session.iam.get_role(RoleName=name)
        pages(session.iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)
        pages(session.iam, "list_role_policies", "PolicyNames", RoleName=name)
    for group in groups - {None}:
        pages(session.logs, "describe_log_groups", "logGroups", logGroupNamePrefix=group)
    pages(session.servicediscovery, "list_namespaces", "Namespaces")
    pages(session.servicediscovery, "list_services", "Services")
    pages(session.ecr, "describe_repositories", "repositories")
    pages(session.iam, "list_roles", "Roles", PathPrefix="/aws-service-role/ecs.amazonaws.com/")
    return dict(found)


# -- measuring --------------------------------------------------------------------------------
def counted(session: Any) -> Counter[str]:
    """Count every API call the session's clients send (botocore's before-call event)."""
    calls: Counter[str] = Counter()
    for name in ("ecs", "iam", "logs", "servicediscovery", "ecr", "ec2", "elbv2"):
        # ECS calls by operation; the others by service too (Cloud Map has a ListServices)
        prefix = "" if name == "ecs" else f"{name}:"
        session.client(name).meta.events.register(
            "before-call.*.*", lambda model, prefix=prefix, **_: calls.update([prefix + model.name])
        )
    return calls


def minimum() -> dict[str, int]:
    """The fewest ECS calls the page sizes (100) and batch limits allow for this account."""
    per_cluster_services, per_cluster_tasks = SERVICES // CLUSTERS, TASKS // CLUSTERS
    return {
        "ListClusters": 1,
        "DescribeClusters": math.ceil(CLUSTERS / 100),
        "ListServices": CLUSTERS * math.ceil(per_cluster_services / 100),
        "DescribeServices": CLUSTERS * math.ceil(per_cluster_services / 10),
        # RUNNING and STOPPED are separate lists; an empty list is still one call
        "ListTasks": CLUSTERS * (math.ceil(per_cluster_tasks / 100) + 1),
        "DescribeTasks": CLUSTERS * math.ceil(per_cluster_tasks / 100),
        # ACTIVE and INACTIVE halves, and the (empty) DELETE_IN_PROGRESS list: one call
        "ListTaskDefinitions": 2 * math.ceil(REVISIONS / 2 / 100) + 1,
        "DescribeTaskDefinition": REVISIONS,
        # every service is steady: DescribeServices' currentServiceRevisions say enough
        "DescribeServiceDeployments": 0,
        "DescribeServiceRevisions": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    if args.serve:
        serve(latency)
        return

    started = time.perf_counter()
    server = None
    if args.in_process:
        session = ecskit.connect()
        create_services(session.endpoint_url, build_account())
        settle(session.sandbox)
        session.sandbox.latency = latency
    else:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--latency-ms", str(args.latency_ms)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        url = server.stdout.readline().strip() if server.stdout else ""
        session = ecskit.connect(endpoint_url=url)
    where = "in this process" if args.in_process else "in its own process"
    print(f"account built in {time.perf_counter() - started:.1f} s; sandbox {where}")
    try:
        report(session, args.runs, latency)
    finally:
        if server is not None:
            server.communicate("")  # closing stdin ends the server


def report(session: Any, runs: int, latency: float) -> None:
    calls = counted(session)
    session.ecs.list_clusters()
    times: dict[str, list[float]] = {"plain": [], "ecskit": []}
    call_counts: dict[str, Counter[str]] = {}
    inventory = None
    seen: dict[str, dict[str, int]] = {}
    for _ in range(runs):
        for way in ("plain", "ecskit"):
            calls.clear()
            started = time.perf_counter()
            if way == "plain":
                found = plain(session)
            else:
                inventory = snapshot(session, progress=False)
                found = {
                    "clusters": len(inventory.clusters),
                    "services": len(inventory.services),
                    "tasks": len(inventory.tasks),
                    "revisions": len(inventory.revisions),
                }
            times[way].append(time.perf_counter() - started)
            call_counts[way] = Counter(calls)
            seen[way] = found
    assert seen["plain"] == seen["ecskit"], seen  # the same account seen both ways
    assert inventory is not None
    plain_s, ecskit_s = (statistics.median(times[w]) for w in ("plain", "ecskit"))
    found = seen["ecskit"]
    print(
        f"\n{found['clusters']} clusters, {found['services']} services, {found['tasks']} tasks, "
        f"{found['revisions']} revisions; "
        f"{latency * 1000:.0f} ms a call; medians of {runs} runs"
    )
    print(f"{'':<26}{'plain boto3':>14}{'ecskit':>12}{'minimum':>10}")
    least = minimum()
    for op in least:
        print(
            f"{op:<26}{call_counts['plain'][op]:>14}{call_counts['ecskit'][op]:>12}{least[op]:>10}"
        )
    total_plain, total_ecskit = (
        sum(call_counts["plain"].values()),
        sum(call_counts["ecskit"].values()),
    )
    print(f"{'API calls, all services':<26}{total_plain:>14}{total_ecskit:>12}")
    print(f"{'wall time':<26}{plain_s:>13.2f}s{ecskit_s:>11.2f}s")
    print(f"ecskit is {plain_s / ecskit_s:.1f}x faster (target >= 5x)")

    # the default picture, drawn as a notebook shows it: to_digraph, then dot's SVG
    drawing: list[float] = []
    building: list[float] = []
    for _ in range(3):
        started = time.perf_counter()
        digraph = graph.to_digraph(inventory)
        building.append(time.perf_counter() - started)
        if graph.has_dot():
            digraph.pipe(format="svg")
        drawing.append(time.perf_counter() - started)
    pic = graph.picture(inventory)
    print(
        f"\ndefault picture: {len(pic.nodes)} nodes, {len(pic.edges)} edges; built in "
        f"{statistics.median(building):.2f} s, drawn (dot -Tsvg) in "
        f"{statistics.median(drawing):.2f} s, medians of 3 (target <= 1 s)"
        + ("" if graph.has_dot() else "; no `dot` here: SVG not measured")
    )
    full = graph.picture(inventory, expand_services=True)
    print(f"every service drawn (expand_services=True): {len(full.nodes)} nodes")


if __name__ == "__main__":
    main()
