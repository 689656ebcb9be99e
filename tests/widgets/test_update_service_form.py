"""UpdateServiceForm on the sandbox: loads the service, rolls a new revision, redeploys."""

from __future__ import annotations

import pytest

from ecskit import ops
from ecskit.widgets import ServiceForm, UpdateServiceForm

WEB = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "web", "image": "nginx:1.26", "memory": 512}],
}


@pytest.fixture
def running(session):
    """Cluster prod with service web on web:1 (2 tasks); web:2 registered; web:3 deregistered."""
    session.sandbox.clock = "instant"
    for image in ("nginx:1.26", "nginx:1.27", "nginx:broken"):
        body = {**WEB, "containerDefinitions": [{**WEB["containerDefinitions"][0], "image": image}]}
        ops.register_task_definition(session, body)
    ops.deregister_task_definition(session, "web:3")
    ops.create_cluster(session, {"clusterName": "prod"})
    form = ServiceForm(session, task_definition="web:1")
    form.service_name.value, form.desired.value = "web", 2
    form.submit.click()
    assert "ecskit-created" in form.result.value, form.result.value
    yield session
    session.sandbox.clock = "real"


def describe(session) -> dict:
    return session.ecs.describe_services(cluster="prod", services=["web"])["services"][0]


def test_choosing_the_service_loads_what_it_runs(running):
    form = UpdateServiceForm(running)
    assert (form.cluster.value, form.service_choice.value) == ("prod", "web")
    assert form.revision.value == "web:1" and form.desired.value == 2
    assert [v for _, v in form.revision.options] == ["web:2", "web:1"]  # ACTIVE only
    now = describe(running)
    vpc = now["networkConfiguration"]["awsvpcConfiguration"]
    assert list(form.subnets.value) == vpc["subnets"]
    body = form.body
    assert list(body)[:2] == ["cluster", "service"]
    assert "launchType" not in body and "forceNewDeployment" not in body
    assert form.errors == [], form.problems


def test_a_new_revision_and_count_roll_out(running):
    form = UpdateServiceForm(running, cluster="prod", service="web")
    updated = []
    form.on_update(updated.append)
    form.revision.value = "web:2"
    form.desired.value = 3
    form.circuit_breaker.value = form.rollback.value = True
    form.submit.click()
    assert "ecskit-updated" in form.result.value, form.result.value
    assert "web:2, 3 task(s) wanted" in form.result.value
    running.sandbox.settle()
    now = describe(running)
    assert now["taskDefinition"].endswith("task-definition/web:2")
    assert now["desiredCount"] == now["runningCount"] == 3
    breaker = now["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    tasks = running.ecs.list_tasks(cluster="prod", serviceName="web")["taskArns"]
    described = running.ecs.describe_tasks(cluster="prod", tasks=tasks)["tasks"]
    assert {t["taskDefinitionArn"].rsplit("/", 1)[-1] for t in described} == {"web:2"}
    assert updated and updated[0]["serviceName"] == "web"


def test_force_new_deployment_starts_a_deployment_of_the_same_revision(running):
    before = describe(running)["deployments"][0]["id"]
    form = UpdateServiceForm(running, cluster="prod", service="web")
    form.force.value = True
    assert form.body["forceNewDeployment"] is True
    form.submit.click()
    assert "ecskit-updated" in form.result.value, form.result.value
    primary = next(d for d in describe(running)["deployments"] if d["status"] == "PRIMARY")
    assert primary["id"] != before and primary["taskDefinition"].endswith("web:1")
    assert form.force.value is False  # asked for once


def test_the_boto3_preview_is_the_update(running):
    form = UpdateServiceForm(running, cluster="prod", service="web")
    form.revision.value = "web:2"
    namespace = {"session": running}
    exec(form.boto3_code, namespace)
    assert namespace["response"]["service"]["taskDefinition"].endswith("web:2")


def test_an_inactive_revision_is_refused_beside_the_revision(running):
    form = UpdateServiceForm(running, cluster="prod", service="web")
    form.load({**form.body, "taskDefinition": "web:3"})
    assert "taskDefinition" in [p.path for p in form.errors]
    assert "INACTIVE" in form.field("taskDefinition").problems_html.value
    assert form.submit.disabled
    form._on_submit()
    assert describe(running)["taskDefinition"].endswith("web:1")


def test_a_cluster_without_services_says_what_to_do(session):
    ops.create_cluster(session, {"clusterName": "empty"})
    form = UpdateServiceForm(session)
    assert form.cluster.value == "empty" and form.service_choice.options == ()
    assert [p.path for p in form.errors if p.path == "service"] == ["service"]
    assert "ServiceForm" in form.field("service").problems_html.value
    assert form.submit.disabled
