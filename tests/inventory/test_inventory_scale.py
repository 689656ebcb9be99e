"""1,000 services over many pages of every list: the snapshot misses nothing, batches fully."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ecs.models import ecs_backends

from ecskit.inventory import snapshot

CLUSTERS = 25
SERVICES = 1000
REVISIONS = 25
TASKS = 25
PAGE = 10  # every list spans at least 3 pages at this size


def test_a_thousand_services_over_many_pages_miss_nothing(session) -> None:
    ecs = session.ecs
    with ThreadPoolExecutor(8) as pool:
        clusters = list(
            pool.map(lambda i: ecs.create_cluster(clusterName=f"c{i:02}"), range(CLUSTERS))
        )
        body = {
            "containerDefinitions": [{"name": "a", "image": "nginx", "memory": 128}],
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
        }
        revisions = list(
            pool.map(
                lambda i: ecs.register_task_definition(family=f"f{i % 5}", **body),
                range(REVISIONS),
            )
        )
        namespaces = list(
            pool.map(
                lambda i: session.servicediscovery.create_http_namespace(Name=f"ns{i:02}"),
                range(REVISIONS),
            )
        )
    assert len(namespaces) == REVISIONS
    revision = revisions[0]["taskDefinition"]["taskDefinitionArn"]
    # 1,000 create_service calls over HTTP take ~10 s here: fill moto's store directly.
    backend = ecs_backends[DEFAULT_ACCOUNT_ID][session.region]
    made = {
        backend.create_service(f"c{i % CLUSTERS:02}", f"s{i:04}", 0, revision).arn
        for i in range(SERVICES)
    }
    tasks = []
    for count in (10, 10, 5):
        tasks += ecs.run_task(
            cluster="c00",
            taskDefinition=revisions[-1]["taskDefinition"]["taskDefinitionArn"],
            count=count,
            launchType="FARGATE",
            networkConfiguration=_default_network(session),
        )["tasks"]

    inv = snapshot(session, page_size=PAGE)

    assert set(inv.services.keys()) == made
    assert set(inv.clusters.keys()) == {c["cluster"]["clusterArn"] for c in clusters}
    assert set(inv.revisions.keys()) == {
        r["taskDefinition"]["taskDefinitionArn"] for r in revisions
    }
    assert set(inv.tasks.keys()) == {t["taskArn"] for t in tasks}
    assert len(inv.namespaces) == REVISIONS
    assert len(inv.families) == 5
    # describes are full batches: 40 services a cluster = 4 calls of 10
    assert inv.calls["ecs:DescribeServices"] == SERVICES // 10
    assert inv.calls["ecs:DescribeClusters"] == 1
    assert inv.calls["ecs:DescribeTasks"] == 1
    # what scales a service is asked once for the whole account, not per service; no policy
    # names an alarm here and no service is Express or on a container instance
    assert inv.calls["application-autoscaling:DescribeScalableTargets"] == 1
    assert inv.calls["application-autoscaling:DescribeScalingPolicies"] == 1
    for none in ("cloudwatch:DescribeAlarms", "ecs:DescribeExpressGatewayService",
                 "ec2:DescribeInstances", "ecs:DescribeServiceRevisions"):  # fmt: skip
        assert inv.calls[none] == 0, none
    if _sandbox_pages(session):
        assert inv.calls["ecs:ListServices"] == SERVICES // PAGE
        assert inv.calls["ecs:ListClusters"] >= 3
        assert inv.calls["ecs:ListTaskDefinitions"] >= 3


def _sandbox_pages(session) -> bool:
    """Whether the sandbox pages ECS lists yet (moto alone ignores maxResults)."""
    return "nextToken" in session.ecs.list_clusters(maxResults=1)


def _default_network(session) -> dict:
    subnets = session.ec2.describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}]
    )["Subnets"]
    groups = session.ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [subnets[0]["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return {
        "awsvpcConfiguration": {
            "subnets": [subnets[0]["SubnetId"]],
            "securityGroups": [groups[0]["GroupId"]],
        }
    }
