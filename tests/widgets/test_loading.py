"""Loading a body into a form: a wrong JSON type changes nothing and says which field and why."""

from __future__ import annotations

import json

import pytest
from traitlets import TraitError

from ecskit import console, ops
from ecskit.widgets import (
    ClusterForm,
    RunTaskForm,
    ServiceForm,
    TaskDefinitionForm,
    UpdateServiceForm,
)
from ecskit.widgets._task_roles import TaskRoles


def _filled(session) -> TaskDefinitionForm:
    form = TaskDefinitionForm(session)
    form.family.value = "web"
    editor = form.containers[0]
    editor.name.value, editor.image.value = "web", "nginx:1.27"
    editor.add_port().container_port.value = "80"
    return form


def _state(form: TaskDefinitionForm) -> tuple:
    """What the user sees: the body, the editors themselves, and every editor's inputs."""
    return (
        json.dumps(form.body, sort_keys=True),
        [id(editor) for editor in form.containers],
        [(e.name.value, e.image.value, e.log_group.value) for e in form.containers],
        form.launch_type.value,
        form.network_mode.value,
    )


def _message(form) -> str:
    return form.load_message.value.replace("&quot;", '"').replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"family": 5, "containerDefinitions": []}, 'family must be text in quotes ("5"), not 5.'),
        (
            {"family": "api", "containerDefinitions": {"name": "web", "image": "nginx"}},
            "containerDefinitions must be a list [...], not dict.",
        ),
        (
            {"family": "api", "containerDefinitions": [{"name": 5, "image": "nginx"}]},
            "containerDefinitions[0].name must be text",
        ),
        (
            {"containerDefinitions": [{"name": "a", "portMappings": [{"containerPort": "80"}]}]},
            "containerDefinitions[0].portMappings[0].containerPort must be a whole number",
        ),
        ({"family": "api", "cpu": 256, "memory": [512]}, "cpu must be text"),
        (["not", "an", "object"], "The body must be a JSON object {...}, not list."),
    ],
)
def test_a_wrong_type_through_load_from_json_changes_nothing(session, body, said):
    form = _filled(session)
    before = _state(form)
    form.json_input.value = json.dumps(body)
    form.load_button.click()
    assert _state(form) == before
    assert said in _message(form) and "Nothing was loaded" in _message(form)
    assert form.tabs.selected_index == 3  # where "Load from JSON" and its message are
    assert "ecskit-error" in form.result.value


def test_every_wrong_field_is_named_in_one_message(session):
    form = _filled(session)
    problems = form.load({"family": 1, "cpu": 2, "memory": 3, "taskRoleArn": 4, "networkMode": 5})
    assert [p.path for p in problems] == ["family", "cpu", "memory", "taskRoleArn", "networkMode"]
    assert "(and 1 more)" in _message(form) and form.family.value == "web"


def test_a_wrong_body_given_to_the_constructor_waits_in_the_json_box(session):
    body = {"family": "api", "containerDefinitions": {"name": "web"}}
    form = TaskDefinitionForm(session, body=body)
    assert form.family.value == "" and len(form.containers) == 1  # a fresh form
    assert json.loads(form.json_input.value) == body
    assert "containerDefinitions must be a list" in _message(form)
    # fixed in the box, it loads
    form.json_input.value = json.dumps(
        {**body, "containerDefinitions": [body["containerDefinitions"]]}
    )
    form.load_button.click()
    assert form.load_message.value == "" and form.family.value == "api"
    assert [e.name.value for e in form.containers] == ["web"]


def test_a_wrongly_typed_revision_opens_as_a_message_not_a_traceback(session, monkeypatch):
    answer = {"taskDefinition": {"family": "web", "containerDefinitions": [{"name": 7}]}}
    monkeypatch.setattr(console, "describe_task_definition", lambda *_: answer)
    form = TaskDefinitionForm.from_revision(session, "web:1")
    assert "containerDefinitions[0].name must be text" in _message(form)
    assert form.family.value == ""


def test_nulls_load_as_absent_and_an_unknown_protocol_is_shown_not_raised(session):
    form = TaskDefinitionForm(session)
    body = {
        "family": "web",
        "cpu": None,
        "containerDefinitions": [
            None,
            {"name": "a", "image": "b", "memory": 128, "portMappings": [{"protocol": "sctp"}]},
        ],
    }
    assert form.load(body) == []
    assert form.family.value == "web" and [e.name.value for e in form.containers] == ["a"]
    assert form.containers[0].ports[0].protocol.value == "sctp"
    assert any(p.path == "containerDefinitions[0].portMappings[0].protocol" for p in form.errors), (
        form.errors
    )


def test_a_fill_that_fails_midway_puts_every_input_back(session, monkeypatch):
    form = _filled(session)
    form.containers[0].log_group.value = "/typed/by/hand"
    before = _state(form)

    def broken(*_args):
        raise TraitError("the role list cannot take it")

    # fails after the family, launch type and network mode were already changed
    monkeypatch.setattr(TaskRoles, "set", broken)
    body = {
        "family": "other",
        "requiresCompatibilities": ["EC2"],
        "networkMode": "host",
        "containerDefinitions": [{"name": "x", "image": "y", "memory": 128}],
    }
    problems = form.load(body)
    assert problems and "Nothing was loaded" in _message(form)
    assert _state(form) == before
    assert [f.path for f in form.fields if f.path.startswith("containerDefinitions[0]")]


def test_cluster_form_refuses_a_dict_for_a_list(session):
    form = ClusterForm(session)
    form.name.value, form.tags.value = "shop", "team=blue"
    before = form.body
    problems = form.load({"clusterName": "x", "settings": {"name": "containerInsights"}})
    assert [p.path for p in problems] == ["settings"]
    assert "settings must be a list [...], not dict." in _message(form)
    assert form.body == before


@pytest.mark.parametrize(
    ("form_class", "body", "said"),
    [
        (ServiceForm, {"serviceName": "s", "desiredCount": "three"}, "desiredCount must be"),
        (RunTaskForm, {"count": "2"}, "count must be a whole number"),
        (UpdateServiceForm, {"service": "s", "desiredCount": 1.5}, "desiredCount must be"),
        (
            ServiceForm,
            {"networkConfiguration": {"awsvpcConfiguration": {"subnets": "subnet-1"}}},
            "networkConfiguration.awsvpcConfiguration.subnets must be a list",
        ),
    ],
)
def test_deployment_forms_refuse_wrong_types_and_keep_their_values(session, form_class, body, said):
    form = form_class(session)
    before = form.body
    assert form.load(body)
    assert said in _message(form) and form.body == before


def test_an_unknown_launch_type_loads_and_the_rules_say_why(session):
    ops.create_cluster(session, {"clusterName": "shop"})
    form = RunTaskForm(session)
    assert form.load({"cluster": "shop", "launchType": "MOON"}) == []
    assert form.launch.value == "MOON"
    assert any(p.path == "launchType" for p in form.errors), form.errors


def test_json_nested_beyond_reading_is_a_message(session):
    form = _filled(session)
    form.json_input.value = "[" * 100_000 + "]" * 100_000
    form.load_button.click()
    assert "nested too deep" in _message(form) and form.family.value == "web"
