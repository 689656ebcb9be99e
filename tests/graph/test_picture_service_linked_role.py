"""The service-linked role in the picture, the text tree and the explorer (#16): drawn beside
the services whose roleArn names it, with one relation word read the right way from each end."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ecskit import graph
from ecskit.graph import node_id
from ecskit.inventory import snapshot
from ecskit.widgets import explore

ROLE = "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
POLICY = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"


@pytest.fixture
def shop(session: Any) -> tuple[dict[str, str], Any]:
    """Cluster shop: `web` on Fargate (awsvpc: ECS uses its service-linked role) and `worker`
    in bridge mode with no load balancer (no roleArn)."""
    ecs, ec2 = session.ecs, session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    ecs.register_task_definition(
        family="worker", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )
    arns = {
        "web": ecs.create_service(
            cluster="shop",
            serviceName="web",
            taskDefinition="web",
            desiredCount=0,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        )["service"]["serviceArn"],
        "worker": ecs.create_service(
            cluster="shop", serviceName="worker", taskDefinition="worker", desiredCount=0
        )["service"]["serviceArn"],
    }
    return arns, snapshot(session, progress=False)


def test_the_role_is_linked_from_the_services_that_use_it_only(shop) -> None:
    arns, inventory = shop
    pic = graph.picture(inventory)
    role = pic.nodes[ROLE]
    assert (role.kind, role.name, role.faded) == ("IAM role", "AWSServiceRoleForECS", False)
    into_role = {(tail, label) for tail, label, head in pic.links if head == ROLE}
    assert into_role == {(arns["web"], "ECS manages with")}
    assert (ROLE, "attaches", POLICY) in pic.links
    assert pic.nodes[POLICY].name == "AmazonECSServiceRolePolicy"
    # the worker (bridge, no load balancer) has no roleArn: nothing guessed for it
    assert not any(t == arns["worker"] and h == ROLE for t, _, h in pic.links)


def test_the_text_tree_and_the_explorer_read_it_from_both_ends(shop) -> None:
    arns, inventory = shop
    text = graph.to_text(inventory)
    assert "ECS manages with → IAM role AWSServiceRoleForECS" in text
    assert "attaches → policy AmazonECSServiceRolePolicy" in text
    ex = explore(inventory)
    ex.select(ROLE)
    words = {(n["relation"], n["kind"], n["name"]) for n in ex.details["neighbours"]}
    assert words == {
        ("lets ECS manage", "service", "web"),
        ("attaches", "policy", "AmazonECSServiceRolePolicy"),
    }
    ex.select(arns["web"])
    words = {(n["relation"], n["kind"], n["name"]) for n in ex.details["neighbours"]}
    assert ("ECS manages with", "IAM role", "AWSServiceRoleForECS") in words


@pytest.mark.skipif(not graph.has_dot(), reason="needs the system `dot`")
def test_the_drawing_puts_the_role_beside_its_service(shop) -> None:
    """In the SVG `dot` lays out, one labelled edge from web; outside the cluster's box."""
    arns, inventory = shop
    svg = graph.to_digraph(inventory).pipe(format="svg").decode()
    role, web = node_id(ROLE), node_id(arns["web"])
    assert f'id="{role}"' in svg
    edge = re.search(rf"<title>{web}&#45;&gt;{role}</title>.*?</g>", svg, re.S)
    assert edge and "ECS manages with" in edge.group(0)
    source = graph.to_digraph(inventory).source
    box = re.search(r"subgraph (cluster_\w+_cluster_shop) \{(.*?)\n\t\}", source, re.S)
    assert box and f"\t\t{web} [" in box.group(2)
    assert role not in box.group(2)  # an account-wide role: not inside one cluster's box
