"""A notebook can start from "the state after chapter N": save, reset, restore."""

from __future__ import annotations

import json

import pytest

from ecskit.sandbox.snapshot import SnapshotError


def test_restore_rebuilds_the_same_resources_with_the_same_ids(ecs_session, network, kit) -> None:
    ecs, box = ecs_session.ecs, ecs_session.sandbox
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=2)
    before = {
        "clusters": ecs.list_clusters()["clusterArns"],
        "revisions": ecs.list_task_definitions()["taskDefinitionArns"],
        "services": ecs.list_services(cluster="shop")["serviceArns"],
        "subnets": [s["SubnetId"] for s in ecs_session.ec2.describe_subnets()["Subnets"]],
    }
    snapshot = json.loads(json.dumps(box.save()))  # it survives being written to a file
    box.reset()
    assert ecs.list_clusters()["clusterArns"] == []
    box.restore(snapshot)
    after = {
        "clusters": ecs.list_clusters()["clusterArns"],
        "revisions": ecs.list_task_definitions()["taskDefinitionArns"],
        "services": ecs.list_services(cluster="shop")["serviceArns"],
        "subnets": [s["SubnetId"] for s in ecs_session.ec2.describe_subnets()["Subnets"]],
    }
    assert after == before
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["runningCount"] == 2


def test_restore_refuses_what_is_not_a_snapshot(session) -> None:
    with pytest.raises(SnapshotError, match="save"):
        session.sandbox.restore({"clusters": []})


def test_a_reset_sandbox_has_the_same_default_vpc_whatever_ran_before(ecs_session, kit):
    """Restoring replays writes, so ids must repeat: moto's reset rebuilds the default VPC, and
    it once drew its ids from wherever the previous work left the random generator."""
    ecs, ec2, box = ecs_session.ecs, ecs_session.ec2, ecs_session.sandbox

    def default_subnets() -> list[str]:
        box.reset()
        found = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
        return sorted(s["SubnetId"] for s in found["Subnets"])

    first = default_subnets()
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    kit.fargate_definition(ecs)
    ecs.run_task(
        cluster="shop",
        taskDefinition="web",
        count=3,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": first[:1]}},
    )
    assert default_subnets() == first
