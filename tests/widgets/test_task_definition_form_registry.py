"""The task-definition form's private registry credentials and a two-container task whose
containers share a lifecycle (essential, dependsOn), driven as a user would."""

from __future__ import annotations

import json

from test_task_definition_form import _errors_at, _filled

from ecskit import preview
from ecskit.widgets import TaskDefinitionForm
from ecskit.widgets.task_definition_form import request_body

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login-AbCdEf"
PRIVATE = "ghcr.io/example/private-app:1"
C0 = "containerDefinitions[0]"
C1 = "containerDefinitions[1]"


def _private(session) -> TaskDefinitionForm:
    form = _filled(session)
    form.containers[0].image.value = PRIVATE
    form.containers[0].lifecycle.private_registry.value = True
    return form


def test_the_secret_field_shows_only_once_asked_for(session):
    form = _filled(session)
    lifecycle = form.containers[0].lifecycle
    assert lifecycle.secret.layout.display == "none"
    assert "repositoryCredentials" not in form.body["containerDefinitions"][0]
    lifecycle.private_registry.value = True
    assert lifecycle.secret.layout.display == ""


def test_the_secret_is_checked_as_the_user_types(session):
    form = _private(session)
    path = f"{C0}.repositoryCredentials"
    assert "give the Secrets Manager secret's ARN" in str(_errors_at(form, path))
    assert form.submit.disabled
    form.containers[0].lifecycle.secret.value = "arn:aws:ssm:us-east-1:123456789012:parameter/x"
    assert "is not a Secrets Manager secret ARN" in str(_errors_at(form, path))
    form.containers[0].lifecycle.secret.value = SECRET
    assert _errors_at(form, path) == [] and not form.submit.disabled
    form.containers[0].image.value = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    assert "not a supported authentication method for ECR" in str(_errors_at(form, path))


def test_the_secret_is_in_every_preview_and_registered(session):
    form = _private(session)
    form.containers[0].lifecycle.secret.value = SECRET
    wanted = {"credentialsParameter": SECRET}
    assert form.body["containerDefinitions"][0]["repositoryCredentials"] == wanted
    form.check()
    assert SECRET in form.json_preview.value
    assert SECRET in preview.as_boto3("ecs", "register_task_definition", form.body)
    command = preview.as_cli("ecs", "register_task_definition", form.body, session)
    assert SECRET in command and "repositoryCredentials" in command
    form.submit.click()
    described = session.ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    assert described["containerDefinitions"][0]["repositoryCredentials"] == wanted


def test_a_revision_with_credentials_loads_back_unchanged(session):
    form = _private(session)
    form.containers[0].lifecycle.secret.value = SECRET
    form.submit.click()
    again = TaskDefinitionForm.from_revision(session, "web:1")
    lifecycle = again.containers[0].lifecycle
    assert lifecycle.private_registry.value and lifecycle.secret.value == SECRET
    # the form sends the revision's request as loaded (ECS's defaults left out), nothing rewritten
    described = session.ecs.describe_task_definition(taskDefinition="web:1")
    assert again.body == request_body(described)
    assert again.body["containerDefinitions"][0]["repositoryCredentials"] == {
        "credentialsParameter": SECRET
    }


def test_a_loaded_name_is_kept_and_warned_about_not_rewritten(session):
    form = _filled(session)
    body = json.loads(json.dumps(form.body))
    body["containerDefinitions"][0]["repositoryCredentials"] = {"credentialsParameter": "login"}
    form.load(body)
    assert form.body["containerDefinitions"][0]["repositoryCredentials"] == {
        "credentialsParameter": "login"
    }
    found = form.problems_at(f"{C0}.repositoryCredentials")
    assert [p.rule for p in found] == ["registry-credentials.full-arn"]


def _two_containers(session) -> TaskDefinitionForm:
    form = _filled(session)
    sidecar = form.add_container()
    sidecar.name.value = "log-router"
    sidecar.image.value = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
    sidecar.essential.value = False
    form.containers[0].lifecycle.depends_on.value = "log-router:START"
    return form


def test_two_containers_share_a_lifecycle_with_depends_on_and_one_essential(session):
    form = _two_containers(session)
    app, sidecar = form.body["containerDefinitions"]
    assert app["essential"] is True and sidecar["essential"] is False
    assert app["dependsOn"] == [{"containerName": "log-router", "condition": "START"}]
    assert form.errors == []
    form.submit.click()
    again = TaskDefinitionForm.from_revision(session, "web:1")
    assert again.containers[0].lifecycle.depends_on.value == "log-router:START"
    assert again.containers[1].essential.value is False


def test_depends_on_problems_show_beside_the_field(session):
    form = _two_containers(session)
    depends = form.containers[0].lifecycle.depends_on
    depends.value = "log-router"
    assert "write NAME:CONDITION" in str(_errors_at(form, f"{C0}.dependsOn"))
    depends.value = "nobody:START"
    assert [p.rule for p in _errors_at(form, f"{C0}.dependsOn")] == ["depends-on.container"]
    depends.value = "log-router:START"
    form.containers[1].lifecycle.depends_on.value = "web:START"  # a circle
    assert any(p.rule == "depends-on.cycle" for p in form.problems)


def test_moving_a_container_moves_its_lifecycle_fields(session):
    form = _two_containers(session)
    form.move_container(form.containers[1], -1)
    assert form.containers[1].lifecycle.f_depends.path == f"{C1}.dependsOn"
    assert form.body["containerDefinitions"][1]["dependsOn"][0]["containerName"] == "log-router"
