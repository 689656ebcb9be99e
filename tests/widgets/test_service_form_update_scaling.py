"""UpdateServiceForm: the service's auto scaling read, changed and removed; AZ rebalancing."""

from __future__ import annotations

import pytest

from ecskit import ops, scaling
from ecskit.widgets import ServiceForm, UpdateServiceForm

WEB = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 512}],
}
CPU = "ECSServiceAverageCPUUtilization"


@pytest.fixture
def running(session):
    ops.register_task_definition(session, WEB)
    ops.create_cluster(session, {"clusterName": "prod"})
    form = ServiceForm(session, task_definition="web:1")  # made as a learner makes it
    form.service_name.value = "web"
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    scaling.apply(
        session, "prod", "web", {"minTasks": 1, "maxTasks": 3, "metric": CPU, "target": 70}
    )
    return session


def test_the_service_scaling_is_loaded_then_changed(running):
    form = UpdateServiceForm(running, "prod", "web")
    assert form.scaling.enabled.value is True
    assert (form.scaling.minimum.value, form.scaling.maximum.value) == (1, 3)
    assert form.scaling.target.value == 70
    form.scaling.maximum.value = 8
    form.scaling.metric.value = "ECSServiceAverageMemoryUtilization"
    assert "put-scaling-policy" in form.scaling.requests.value
    form.submit.click()
    assert "ecskit-updated" in form.result.value, form.result.value
    assert scaling.current(running, "prod", "web") == {
        "minTasks": 1,
        "maxTasks": 8,
        "metric": "ECSServiceAverageMemoryUtilization",
        "target": 70.0,
    }


def test_turning_scaling_off_removes_the_scalable_target(running):
    form = UpdateServiceForm(running, "prod", "web")
    form.scaling.enabled.value = False
    form.submit.click()
    assert "ecskit-updated" in form.result.value, form.result.value
    assert scaling.current(running, "prod", "web") == {}


def test_az_rebalancing_keeps_or_sets(running):
    form = UpdateServiceForm(running, "prod", "web")
    current = running.ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert form.rebalancing.value == current.get("availabilityZoneRebalancing", "")
    form.rebalancing.value = "DISABLED"
    assert form.body["availabilityZoneRebalancing"] == "DISABLED"
    form.submit.click()
    after = running.ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert after.get("availabilityZoneRebalancing") == "DISABLED"
