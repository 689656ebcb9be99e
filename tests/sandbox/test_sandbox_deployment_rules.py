"""The sandbox refuses what the deployment-strategy rules call errors, through boto3, with the
rule's own message, and stores nothing (issue 12; rules in ecskit/rules/deployment_strategy.py
and lifecycle_hooks.py)."""

from __future__ import annotations

import pytest
from conftest import fargate_definition

from ecskit.rules import validate


def _create(ecs, network, configuration):
    return ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web:1", desiredCount=1,
        launchType="FARGATE", networkConfiguration=network["config"],
        deploymentConfiguration=configuration,
    )  # fmt: skip


def _message(kind, body):
    """The message of the one deployment rule `body` breaks."""
    (problem,) = [p for p in validate(kind, body) if p.rule.startswith("deployment.")]
    return problem.message


def test_create_service_refuses_a_canary_percent_below_a_tenth(ecs_session, network) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    fargate_definition(ecs)
    configuration = {"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 0.05}}
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _create(ecs, network, configuration)
    expected = _message("service", {"deploymentConfiguration": configuration})
    assert "multiple of 0.1 from 0.1 to 100.0, not 0.05" in expected
    assert expected in raised.value.response["Error"]["Message"]
    assert "canaryConfiguration.canaryPercent" in raised.value.response["Error"]["Message"]
    assert ecs.list_services(cluster="shop")["serviceArns"] == []  # nothing half-created


def test_update_service_refuses_blue_green_without_a_bake_time(ecs_session, network) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    fargate_definition(ecs)
    _create(ecs, network, {"strategy": "ROLLING"})
    configuration = {"strategy": "BLUE_GREEN"}
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.update_service(cluster="shop", service="web", deploymentConfiguration=configuration)
    expected = _message("update-service", {"deploymentConfiguration": configuration})
    assert "bakeTimeInMinutes" in expected
    assert expected in raised.value.response["Error"]["Message"]
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["deploymentConfiguration"].get("strategy", "ROLLING") == "ROLLING"
    # the same update with a bake time goes through
    configuration["bakeTimeInMinutes"] = 5
    ecs.update_service(cluster="shop", service="web", deploymentConfiguration=configuration)
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"


def test_a_pause_hook_at_production_traffic_shift_is_refused(ecs_session, network) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    fargate_definition(ecs)
    hook = {"targetType": "PAUSE", "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]}
    configuration = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5, "lifecycleHooks": [hook]}
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _create(ecs, network, configuration)
    assert "A PAUSE hook cannot wait at PRODUCTION_TRAFFIC_SHIFT" in str(raised.value)
