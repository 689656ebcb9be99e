"""Service Connect in the picture (#16): a client service links to each server it reaches,
"connects to <dnsName:port>", read back from the server as "answers <dnsName:port> for"; a
server is "registered in" its namespace, a client-only service "joins" it."""

from __future__ import annotations

from typing import Any

import pytest
from public_network import open_to_internet

import ecskit
from ecskit import graph
from ecskit.graph.relations import backward
from ecskit.widgets.explorer import explore


def _definition(ecs: Any, family: str, port: int, name: str) -> None:
    container = {"name": family, "image": "nginx"}
    container["portMappings"] = [{"containerPort": port, "name": name}]
    ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", containerDefinitions=[container],
    )  # fmt: skip


@pytest.fixture
def connected(session: ecskit.Session) -> Any:
    """api serves http (alias port 80) in shop.local; web is its client; lone is in other.local."""
    ecs, ec2 = session.ecs, session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    open_to_internet(ec2, vpc)
    network = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "ENABLED"}}
    ecs.create_cluster(clusterName="shop", serviceConnectDefaults={"namespace": "shop.local"})
    session.servicediscovery.create_http_namespace(Name="other.local")
    _definition(ecs, "api", 8080, "http")
    _definition(ecs, "web", 80, "web")
    served = {"portName": "http", "clientAliases": [{"port": 80}]}
    for name, family, connect in (
        ("api", "api", {"enabled": True, "services": [served]}),
        ("web", "web", {"enabled": True}),
        ("lone", "web", {"enabled": True, "namespace": "other.local"}),
    ):
        ecs.create_service(
            cluster="shop", serviceName=name, taskDefinition=family, desiredCount=1,
            launchType="FARGATE", networkConfiguration=network, serviceConnectConfiguration=connect,
        )  # fmt: skip
    session.sandbox.settle()
    return ecskit.snapshot(session, progress=False)


def test_the_client_connects_to_the_server_at_its_endpoint(connected: Any) -> None:
    pic = graph.picture(connected)
    names = {node.id: (node.kind, node.name) for node in pic.nodes.values()}
    links = {(names[t], label, names[h]) for t, label, h in pic.links}
    web, api, lone = ("service", "web"), ("service", "api"), ("service", "lone")
    assert (web, "connects to http.shop.local:80", api) in links
    assert (api, "registered in", ("namespace", "shop.local")) in links
    assert (web, "joins", ("namespace", "shop.local")) in links
    assert (lone, "joins", ("namespace", "other.local")) in links
    # another namespace reaches nothing; a server does not connect to itself
    assert not any(label.startswith("connects to") and lone in (t, h) for t, label, h in links)
    assert not any(label.startswith("connects to") and t == h for t, label, h in links)
    text = graph.to_text(connected)
    assert "connects to http.shop.local:80 → service api" in text


def test_the_edge_reads_back_from_the_server(connected: Any) -> None:
    assert backward("connects to http.shop.local:80") == "answers http.shop.local:80 for"
    assert backward("joins") == "joined by"
    ex = explore(connected)
    api = next(s.arn for s in connected.services if s.name == "api")
    ex.select(api)
    words = {(n["relation"], n["kind"], n["name"]) for n in ex.details["neighbours"]}
    assert ("answers http.shop.local:80 for", "service", "web") in words
