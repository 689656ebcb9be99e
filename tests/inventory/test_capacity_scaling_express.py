"""Container instances, Managed Instances providers, service auto scaling and Express services
in the snapshot and the picture (#13), from the sandbox and from a real-account-shaped answer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from ecskit import graph
from ecskit.inventory import snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sandbox"))

import real_account_answers as real
import test_managed_instances as managed
from test_express import create as create_express
from test_express import make_roles


@pytest.fixture
def built(session: Any) -> dict[str, Any]:
    """A Managed Instances service of two tasks, an Express service, the service-linked role."""
    before = session.sandbox.clock
    session.sandbox.clock = "instant"
    mi = managed.mi.__wrapped__(session)
    managed.create(session, mi)
    managed.register(session)
    managed.web_service(session, mi, 2)
    express = create_express(session, make_roles(session), "shop")
    # ECS made its service-linked role with the cluster (using-service-linked-roles.html)
    linked = session.iam.get_role(RoleName="AWSServiceRoleForECS")
    yield {"mi": mi, "express": express, "linked": linked["Role"]["Arn"]}
    session.sandbox.clock = before


def edges(pic: Any) -> set[tuple[str, str, str]]:
    return {(pic.nodes[t].kind, label, pic.nodes[h].kind) for t, label, h in pic.links}


def test_container_instances_their_ec2_instances_and_tasks(session, built) -> None:
    inv = snapshot(session, progress=False)
    (instance,) = inv.container_instances
    assert instance.capacity_provider == "mi"
    (ec2,) = inv.ec2_instances
    assert ec2.id == instance.ec2_instance_id and ec2.state == "running"
    provider = inv.capacity_providers["mi"]
    assert provider.type == "MANAGED_INSTANCES"
    assert provider.infrastructure_role == built["mi"]["infra"]
    assert provider.instance_profile == built["mi"]["profile"]
    assert provider.subnets == built["mi"]["subnets"][:1]
    assert provider.security_groups == [built["mi"]["group"]]
    pic = graph.picture(inv)
    found = edges(pic)
    assert ("cluster", "has registered", "container instance") in found
    assert ("container instance", "on", "EC2 instance") in found
    assert ("container instance", "capacity from", "capacity provider") in found
    assert ("tasks", "placed on", "container instance") in found
    assert ("capacity provider", "ECS manages with", "IAM role") in found
    assert ("capacity provider", "launches with", "instance profile") in found
    assert ("capacity provider", "launches into", "subnet") in found
    assert ("capacity provider", "secured by", "security group") in found
    expanded = edges(graph.picture(inv, expand_tasks=True))
    assert ("task", "placed on", "container instance") in expanded


def test_auto_scaling_and_the_express_service(session, built) -> None:
    inv = snapshot(session, progress=False)
    service_arn = built["express"]["serviceArn"]
    (target,) = inv.scalable_targets
    assert (target.service_arn, target.min_capacity, target.max_capacity) == (service_arn, 1, 20)
    (policy,) = inv.scaling_policies
    assert policy.type == "TargetTrackingScaling" and len(policy.alarms) == 2
    assert set(policy.alarms) <= {a.name for a in inv.alarms}
    (express,) = inv.express_services
    url = built["express"]["activeConfigurations"][0]["ingressPaths"][0]["endpoint"]
    assert express.urls == [url]
    pic = graph.picture(inv)
    found = edges(pic)
    for edge in [
        ("service", "scaled by", "scalable target"),
        ("scalable target", "adjusted by", "scaling policy"),
        ("scaling policy", "triggered by", "CloudWatch alarm"),
        ("service", "rolls back on", "CloudWatch alarm"),
        ("service", "reachable at", "URL"),
        ("service", "ECS manages with", "IAM role"),
        ("service", "production traffic from", "listener rule"),
        ("listener rule", "forwards to", "target group"),
        ("target group", "behind", "load balancer"),
    ]:
        assert edge in found, edge
    assert (service_arn, "reachable at", f"url:{url}") in pic.links
    # the service-linked role beside the services that use it (#16)
    assert (service_arn, "ECS manages with", built["linked"]) in pic.links
    assert "reachable at → URL " + url in graph.to_text(inv)


def test_calls_stay_few_for_the_new_kinds(session, built) -> None:
    inv = snapshot(session, progress=False)
    assert inv.calls["application-autoscaling:DescribeScalableTargets"] == 1
    assert inv.calls["application-autoscaling:DescribeScalingPolicies"] == 1
    assert inv.calls["cloudwatch:DescribeAlarms"] == 1  # every alarm named, in one call
    assert inv.calls["ecs:DescribeExpressGatewayService"] == 1
    assert inv.calls["ec2:DescribeInstances"] == 1
    assert inv.notes == []


def test_a_real_account_shaped_answer() -> None:
    session = real.Session()
    inv = snapshot(session, progress=False)
    assert inv.notes == []
    # the Managed Instances provider is found by asking again with its cluster
    provider = inv.capacity_providers["mi-prod"]
    assert provider.type == "MANAGED_INSTANCES" and provider.infrastructure_role == real.INFRA
    assert session.calls["DescribeCapacityProviders"] == 2
    # ECS Anywhere: a container instance with no EC2 instance (its mi- id is not EC2's)
    anywhere = inv.container_instances[real.ANYWHERE]
    assert anywhere.ec2_instance_id.startswith("mi-")
    assert [i.id for i in inv.ec2_instances] == ["i-0a1b2c3d4e5f60718"]
    # scaling of a service in another cluster is left out
    assert [t.resource_id for t in inv.scalable_targets] == ["service/prod/api"]
    pic = graph.picture(inv)
    assert pic.nodes[real.ANYWHERE].detail == "mi-0123456789abcdef0"
    assert (real.ON_EC2, "on", "i-0a1b2c3d4e5f60718") in pic.links
    assert (f"{real.SERVICE}#tasks", "placed on", real.ON_EC2) in pic.links
    assert (real.SERVICE, "production traffic from", real.RULE) in pic.links
    assert (real.RULE, "forwards to", real.GROUP) in pic.links
    assert (real.SERVICE, "reachable at", f"url:{real.URL}") in pic.links
    assert (real.SERVICE, "rolls back on", f"alarm:{real.DEPLOY}") in pic.links
    assert pic.nodes[f"alarm:{real.HIGH}"].name == "target tracking AlarmHigh"
    assert "digraph" in graph.to_digraph(inv).source
