"""ExpressServiceForm: problems named by field as the user types, previews, roles, submit."""

from __future__ import annotations

import json

import pytest

from ecskit import express, preview
from ecskit.rules import express as rules
from ecskit.widgets import ExpressServiceForm


def _messages(form) -> dict[str, str]:
    return {p.path: p.message for p in form.problems}


def test_an_empty_form_asks_for_the_image_and_both_roles(bare_account):
    form = ExpressServiceForm(bare_account)
    messages = _messages(form)
    assert messages["primaryContainer.image"] == "Image is required, e.g. nginx:1.27."
    assert messages["executionRoleArn"].startswith("Task execution role is required")
    assert messages["infrastructureRoleArn"].startswith("Infrastructure role is required")
    assert form.submit.disabled


def test_typing_moves_each_problem_to_its_field(session):
    form = ExpressServiceForm(session)
    form.health_path.value = "health"
    assert "must start with /" in form.problems_at("healthCheckPath")[0].message
    form.health_path.value = "/health"
    assert form.problems_at("healthCheckPath") == []
    form.minimum.value, form.maximum.value = 5, 2
    assert "below minimum tasks" in form.problems_at("scalingTarget")[0].message
    form.target.value = 150
    assert "above 100" in form.problems_at("scalingTarget.autoScalingTargetValue")[0].message
    form.metric.value = "REQUEST_COUNT_PER_TARGET"  # a count, not a percent
    assert form.problems_at("scalingTarget.autoScalingTargetValue") == []
    form.service_name.value = "my app"
    assert "letters, numbers" in form.problems_at("serviceName")[0].message


def test_memory_follows_the_fargate_table_for_the_cpu_chosen(session):
    form = ExpressServiceForm(session)
    assert (form.cpu.value, form.memory.value) == (1024, 2048)
    form.cpu.value = 256
    assert [v for _, v in form.memory.options] == [512, 1024, 2048]
    assert form.body["memory"] == "2048"  # still a .25 vCPU size: kept
    form.cpu.value = 4096
    assert form.body["memory"] == "8192"  # the smallest 4 vCPU size
    form.cpu.value = 256
    assert form.body["memory"] == "512"
    assert form.errors == [] or all(p.rule != "express.size" for p in form.problems)


def test_the_create_buttons_make_the_documented_roles(session):
    form = ExpressServiceForm(session)
    form.create_execution.click()
    form.create_infrastructure.click()
    assert form.execution_role.value.endswith(":role/ecsTaskExecutionRole")
    assert form.infrastructure_role.value.endswith(":role/ecsInfrastructureRoleForExpressServices")
    role = session.iam.get_role(RoleName="ecsInfrastructureRoleForExpressServices")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs.amazonaws.com"}
    execution = session.iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]
    assert "ecs-tasks.amazonaws.com" in json.dumps(execution["AssumeRolePolicyDocument"])
    form.image.value = "public.ecr.aws/nginx/nginx:latest"
    assert form.errors == [], form.problems


def test_previews_are_the_create_express_gateway_service_request(session):
    form = ExpressServiceForm(session)
    form.image.value = "nginx:1.27"
    body = form.body
    assert body["primaryContainer"] == {"image": "nginx:1.27", "containerPort": 80}
    assert body["scalingTarget"] == {
        "minTaskCount": 1,
        "maxTaskCount": 20,
        "autoScalingMetric": "AVERAGE_CPU",
        "autoScalingTargetValue": 60,
    }
    assert json.loads(form.json) == body
    assert "ecs.create_express_gateway_service(" in form.boto3_code
    assert "create-express-gateway-service --cli-input-json" in form.cli_command
    assert preview.as_json(body) == form.json


def test_a_loaded_body_round_trips_and_keeps_what_it_cannot_show(session):
    body = {
        "infrastructureRoleArn": "arn:aws:iam::123456789012:role/infra",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "serviceName": "web",
        "primaryContainer": {
            "image": "nginx",
            "containerPort": 8080,
            "environment": [{"name": "MODE", "value": "prod"}],
        },
        "cpu": "512",
        "memory": "3072",
        "scalingTarget": {"minTaskCount": 2, "maxTaskCount": 6},
    }
    form = ExpressServiceForm(session)
    assert form.load(body) == []
    sent = form.body
    assert sent["primaryContainer"]["environment"] == [{"name": "MODE", "value": "prod"}]
    assert sent["serviceName"] == "web" and sent["cpu"] == "512" and sent["memory"] == "3072"
    assert form.errors == [], form.problems


def test_rules_refuse_container_fields_beside_a_task_definition():
    problems = rules.check(
        {
            "infrastructureRoleArn": "arn:aws:iam::123456789012:role/infra",
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "cpu": "256",
        }
    )
    assert [(p.rule, p.path) for p in problems] == [("express.image", "cpu")]


def test_submit_creates_the_service_it_previews(session):
    form = ExpressServiceForm(session)
    form.create_execution.click()
    form.create_infrastructure.click()
    form.image.value = "public.ecr.aws/nginx/nginx:latest"
    form.service_name.value = "hello"
    form.submit.click()
    if "UnsupportedFeatureException" in form.result.value:
        pytest.skip("the sandbox does not emulate Express Mode yet")
    assert "ecskit-created" in form.result.value, form.result.value
    described = express.describe_service(session, form.answer["serviceArn"])
    config = described["activeConfigurations"][0]
    assert config["primaryContainer"]["image"] == "public.ecr.aws/nginx/nginx:latest"
    assert config["cpu"] == "1024" and config["memory"] == "2048"
    assert form.url and form.url in form.url_html.value
    assert form.url.endswith(".on.aws") or ".on.aws" in form.url


def test_a_refused_submit_names_the_field_and_makes_nothing(session):
    form = ExpressServiceForm(session)
    form.create_execution.click()
    form.image.value = "nginx"
    # a role ARN of the right shape that does not exist: ECS (or the sandbox) refuses it
    form.load({**form.body, "infrastructureRoleArn": "arn:aws:iam::123456789012:role/missing"})
    before = (
        session.ecs.list_services(cluster="default")["serviceArns"] if _has_default(session) else []
    )
    form.submit.click()
    assert "ecskit-error" in form.result.value
    assert form.problems_at("infrastructureRoleArn"), form.result.value  # beside its field
    after = (
        session.ecs.list_services(cluster="default")["serviceArns"] if _has_default(session) else []
    )
    assert after == before


def _has_default(session) -> bool:
    found = session.ecs.describe_clusters(clusters=["default"])["clusters"]
    return bool(found) and found[0]["status"] == "ACTIVE"


def test_the_boto3_and_cli_previews_create_the_same_service(session):
    from test_previews import run_cli

    form = ExpressServiceForm(session)
    form.create_execution.click()
    form.create_infrastructure.click()
    form.image.value = "nginx:1.27"
    form.service_name.value = "from-code"
    exec(form.boto3_code, {"session": session})
    form.service_name.value = "from-cli"
    done = run_cli(form.cli_command)
    assert done.returncode == 0, done.stderr
    names = [
        arn.rsplit("/", 1)[-1]
        for arn in session.ecs.list_services(cluster="default")["serviceArns"]
    ]
    assert {"from-code", "from-cli"} <= set(names)
