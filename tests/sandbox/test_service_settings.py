"""Service settings ECS answers in every describe: availabilityZoneRebalancing (ENABLED by default
on create, kept on update) and the EBS volumes configured at launch (a deployment's setting)."""

from __future__ import annotations

from typing import Any

import ecskit

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


def _service(session: ecskit.Session, network: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop", capacityProviders=["FARGATE"])
    ecs.register_task_definition(
        family="db", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", volumes=[{"name": "data", "configuredAtLaunch": True}],
        containerDefinitions=[{"name": "db", "image": "postgres:17", "mountPoints": [
            {"sourceVolume": "data", "containerPath": "/var/lib/postgresql"}]}],
    )  # fmt: skip
    return ecs.create_service(
        cluster="shop", serviceName="db", taskDefinition="db", desiredCount=0,
        launchType="FARGATE", networkConfiguration=network["config"], **extra,
    )["service"]  # fmt: skip


def _described(session: ecskit.Session) -> dict[str, Any]:
    return session.ecs.describe_services(cluster="shop", services=["db"])["services"][0]


def test_az_rebalancing_is_enabled_on_create_and_kept_on_update(ecs_session, network) -> None:
    # botocore's CreateService/UpdateService.availabilityZoneRebalancing documentation
    assert _service(ecs_session, network)["availabilityZoneRebalancing"] == "ENABLED"
    ecs_session.ecs.update_service(
        cluster="shop", service="db", availabilityZoneRebalancing="DISABLED"
    )
    assert _described(ecs_session)["availabilityZoneRebalancing"] == "DISABLED"
    ecs_session.ecs.update_service(cluster="shop", service="db", desiredCount=0)
    assert _described(ecs_session)["availabilityZoneRebalancing"] == "DISABLED"


def test_volumes_configured_at_launch_show_in_the_deployment(ecs_session, network) -> None:
    volume = {"name": "data", "managedEBSVolume": {"roleArn": ROLE, "sizeInGiB": 20}}
    _service(ecs_session, network, volumeConfigurations=[volume])
    deployment = _described(ecs_session)["deployments"][0]
    assert deployment["volumeConfigurations"] == [volume]
