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
