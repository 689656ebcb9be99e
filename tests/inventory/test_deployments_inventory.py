"""Service revisions and the live deployment in a snapshot, with the fewest calls (issue 12)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from public_network import open_to_internet

import ecskit
from ecskit import graph
from ecskit.graph import node_id
from ecskit.inventory import records as r
from ecskit.inventory import snapshot
from ecskit.inventory.deployments import task_definitions

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
CANARY = {
    "strategy": "CANARY",
    "bakeTimeInMinutes": 0,
    "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 10},
}


@pytest.fixture
def manual(session: ecskit.Session) -> Iterator[ecskit.Session]:
    box = session.sandbox
    before, box.clock = box.clock, "manual"
    yield session
    box.clock = before


def _recorded(session: Any) -> Counter[str]:
    """Every ECS and ELB call the snapshot sends, by operation (botocore's before-send)."""
    calls: Counter[str] = Counter()
    for name in ("ecs", "elbv2"):
        session.client(name).meta.events.register(
            "before-send.*.*",
            lambda request, **_: calls.update([request.headers.get("X-Amz-Target", b"").decode()
                                               .rsplit(".", 1)[-1] or _action(request)]),
        )  # fmt: skip
    return calls


def _action(request: Any) -> str:
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
    return next((p[7:] for p in body.split("&") if p.startswith("Action=")), "?")


def _shop(session: Any, count: int, **service: Any) -> dict[str, Any]:
    """Cluster shop, web:1 and web:2, service web on web:1 (behind an ALB if asked), settled."""
    ec2, ecs = session.ec2, session.ecs
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{n}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((2, "a"), (3, "b"))
    ]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    # public subnets: the tasks must reach Docker Hub (the sandbox stops them otherwise)
    open_to_internet(ec2, vpc)
    network = {"awsvpcConfiguration": {"subnets": subnets[:1], "securityGroups": [group],
                                       "assignPublicIp": "ENABLED"}}  # fmt: skip
    ecs.create_cluster(clusterName="shop")
    for image in ("nginx:1", "nginx:2"):
        ecs.register_task_definition(
            family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=[{"name": "web", "image": image,
                                                 "portMappings": [{"containerPort": 80}]}],
        )  # fmt: skip
    out: dict[str, Any] = {}
    make_alb = service.pop("alb", None)
    if make_alb is not None:
        made = make_alb(vpc, subnets)
        groups, rules = made["groups"], [made["production"], made["test"]]
        service["loadBalancers"] = [{
            "targetGroupArn": groups[0], "containerName": "web", "containerPort": 80,
            "advancedConfiguration": {"alternateTargetGroupArn": groups[1],
                "productionListenerRule": rules[0], "testListenerRule": rules[1], "roleArn": ROLE},
        }]  # fmt: skip
        out |= {"blue": groups[0], "green": groups[1], "production": rules[0], "test": rules[1]}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web:1", desiredCount=count,
        launchType="FARGATE", networkConfiguration=network, **service,
    )  # fmt: skip
    session.sandbox.settle()
    return out


def test_a_canary_in_progress_is_in_the_snapshot_with_both_revisions_and_weights(
    manual, blue_green_alb
) -> None:
    alb = _shop(manual, 10, alb=blue_green_alb, deploymentConfiguration=CANARY)
    manual.ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(10)  # green's tasks run; 10 % of production goes to them
    calls = _recorded(manual)

    inv = snapshot(manual, progress=False)

    (deployment,) = inv.service_deployments
    service = inv.services["web"]
    assert deployment.arn == service.current_deployment
    assert (deployment.status, deployment.stage) == ("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT")
    green = inv.service_revisions[deployment.target_revision]
    (blue_arn,) = deployment.source_revisions
    blue = inv.service_revisions[blue_arn]
    assert deployment.production_weights == {green.arn: 10.0, blue.arn: 90.0}
    assert set(service.current_revisions) == {green.arn, blue.arn}
    assert green.task_definition.endswith("web:2") and blue.task_definition.endswith("web:1")
    assert (green.running_count, green.requested_count) == (10, 10)
    assert (blue.running_count, blue.requested_count) == (10, 10)
    assert deployment.forwards[alb["production"]] == {alb["blue"]: 90.0, alb["green"]: 10.0}
    assert {alb["blue"], alb["green"]} <= set(inv.target_groups.keys())
    # one describe for the deployment, none for revisions: deployments[] named their task defs
    assert calls["DescribeServiceDeployments"] == inv.calls["ecs:DescribeServiceDeployments"] == 1
    assert calls["DescribeServiceRevisions"] == 0
    assert calls["DescribeRules"] == 1

    pic = graph.picture(inv)
    source = graph.to_digraph(inv).source
    edges = set(pic.edges)
    assert (service.arn, "runs", green.arn) in edges and (service.arn, "runs", blue.arn) in edges
    assert (green.arn, "uses", green.task_definition) in edges
    assert (service.arn, "changed by", deployment.arn) in edges
    assert (deployment.arn, "deploys", green.arn) in edges
    assert (deployment.arn, "replaces", blue.arn) in edges
    assert (blue.arn, "90% production", alb["blue"]) in edges
    assert (green.arn, "10% production", alb["green"]) in edges
    assert (service.arn, "production traffic from", alb["production"]) in edges
    assert (service.arn, "test traffic from", alb["test"]) in edges
    assert (alb["production"], "forwards to", alb["green"]) in edges
    assert (service.arn, "uses", green.task_definition) not in edges  # via its revision
    assert f'{node_id(blue.arn)} -> {node_id(alb["blue"])} [label="90% production"]' in source
    assert f'{node_id(green.arn)} -> {node_id(alb["green"])} [label="10% production"]' in source
    assert "IN_PROGRESS · PRODUCTION_TRAFFIC_SHIFT" in source
    # every relation has one name, read from either end (no name means two things)
    names = {label for _, label, _ in edges}
    assert not names & {"deployed by", "replaced by", "runs revision"}


def test_a_steady_service_costs_no_deployment_call(manual) -> None:
    _shop(manual, 2)
    calls = _recorded(manual)

    inv = snapshot(manual, progress=False)

    service = inv.services["web"]
    (revision,) = inv.service_revisions
    assert service.current_revisions == [revision.arn] and service.current_deployment
    assert revision.task_definition == service.task_definition
    assert (revision.running_count, revision.requested_count) == (2, 2)
    assert len(inv.service_deployments) == 0
    assert calls["DescribeServiceDeployments"] == calls["DescribeServiceRevisions"] == 0
    assert inv.calls["ecs:DescribeServiceDeployments"] == 0
    assert calls["DescribeServices"] == 1


def test_answers_without_the_new_fields_still_snapshot(session) -> None:
    """moto's own answers (and AWS's published ones) have no revisions: absent means none."""
    own = ecskit.connect(endpoint_url=session.endpoint_url)

    def strip(parsed: dict[str, Any], **_: Any) -> None:
        for item in parsed.get("services") or []:
            item.pop("currentServiceDeployment", None)
            item.pop("currentServiceRevisions", None)

    own.ecs.meta.events.register("after-call.ecs.DescribeServices", strip)
    _shop(session, 2)
    inv = snapshot(own, progress=False)
    assert len(inv.services) == 1 and not inv.notes
    assert len(inv.service_revisions) == len(inv.service_deployments) == 0
    assert inv.calls["ecs:DescribeServiceDeployments"] == 0
    service = inv.services["web"]
    assert (service.arn, "uses", service.task_definition) in graph.picture(inv).links


def _service(deployments: list[dict[str, Any]], revisions: list[str]) -> r.Service:
    return r.Service(
        raw={"deployments": deployments}, arn="s", task_definition="td:2",
        current_revisions=revisions,
    )  # fmt: skip


def test_task_definitions_come_from_the_deployments_where_they_decide_it() -> None:
    two = [{"status": "PRIMARY", "taskDefinition": "td:2"},
           {"status": "ACTIVE", "taskDefinition": "td:1"}]  # fmt: skip
    moving = r.ServiceDeployment(status="IN_PROGRESS", target_revision="new",
                                 source_revisions=["old"])  # fmt: skip
    assert task_definitions(_service(two, ["new", "old"]), moving) == {
        "new": "td:2",
        "old": "td:1",
    }
    # rolling back: the PRIMARY runs the revision rolled back to
    back = r.ServiceDeployment(status="ROLLBACK_IN_PROGRESS", target_revision="new",
                               source_revisions=["old"], rollback_revision="old")  # fmt: skip
    assert task_definitions(_service(two, ["new", "old"]), back) == {"old": "td:2", "new": "td:1"}
    # two ACTIVE deployments of different task definitions: left to DescribeServiceRevisions
    three = [*two, {"status": "ACTIVE", "taskDefinition": "td:0"}]
    assert task_definitions(_service(three, ["new", "old", "older"]), moving) == {"new": "td:2"}
    # a steady service: its one revision runs its task definition
    one = [{"status": "PRIMARY", "taskDefinition": "td:2"}]
    assert task_definitions(_service(one, ["only"]), None) == {"only": "td:2"}
