"""TaskDefinitionForm keeps what it loads: each odd value shown, sent as loaded, judged by rules."""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest
from traitlets import TraitError

from ecskit import ops
from ecskit.widgets import TaskDefinitionForm
from ecskit.widgets._revision_request import registered_request, response_only
from ecskit.widgets._task_roles import TaskRoles

ROLE = "arn:aws:iam::123456789012:role/somewhere-else"
CONTAINER = {"name": "web", "image": "nginx"}


def _task(**changes) -> dict:
    body = {
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [dict(CONTAINER)],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def _with_container(**changes) -> dict:
    return _task(containerDefinitions=[{**CONTAINER, **changes}])


# Each body holds one value a dropdown could snap, a number could be clamped, a key dropped or
# filled in: loaded, the preview must be the body itself.
LOADED = {
    "fargate-memory-too-big": _task(memory="4096"),
    "fargate-cpu-not-in-table": _task(cpu="300"),
    "cpu-in-vcpu-words": _task(cpu="1 vCPU", memory="2GB"),
    "fargate-without-memory": _task(memory=None),
    "fargate-without-sizes": _task(cpu=None, memory=None),
    "two-launch-types": _task(requiresCompatibilities=["EC2", "FARGATE"]),
    "managed-instances": _task(requiresCompatibilities=["MANAGED_INSTANCES"]),
    "no-launch-type": _task(requiresCompatibilities=None, networkMode=None, cpu=None, memory=None),
    "bridge-on-fargate": _task(networkMode="bridge"),
    "architecture-only": _task(runtimePlatform={"cpuArchitecture": "ARM64"}),
    "platform-not-offered": _task(
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2025_CORE"}
    ),
    "role-not-in-account": _task(taskRoleArn=ROLE, executionRoleArn=ROLE),
    "unknown-top-keys": _task(pidMode="task", tags=[{"key": "team", "value": "a"}]),
    "essential-left-out": _task(containerDefinitions=[{"name": "web", "image": "nginx"}]),
    "essential-false": _with_container(essential=False),
    "port-without-protocol": _with_container(portMappings=[{"containerPort": 80}]),
    "awsvpc-host-port": _with_container(portMappings=[{"containerPort": 80, "hostPort": 80}]),
    "port-extra-keys": _with_container(
        portMappings=[{"containerPort": 80, "name": "http", "appProtocol": "http"}]
    ),
    "environment-without-value": _with_container(environment=[{"name": "EMPTY"}]),
    "environment-with-newline": _with_container(environment=[{"name": "A", "value": "1\n2"}]),
    "empty-lists": _with_container(command=[], environment=[], portMappings=[]),
    "container-cpu-zero": _with_container(cpu=0, memory=100000, memoryReservation=0),
    "awslogs-group-only": _with_container(
        logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/x"}}
    ),
    "other-log-driver": _with_container(logConfiguration={"logDriver": "json-file"}),
    "unknown-container-keys": _with_container(
        secrets=[{"name": "S", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/s"}],
        dependsOn=[{"containerName": "web", "condition": "START"}],
    ),
    "ec2-without-network-mode": _task(
        requiresCompatibilities=["EC2"], networkMode=None, cpu="0.5 vcpu", memory="1 GB"
    ),
}


@pytest.mark.parametrize("body", LOADED.values(), ids=list(LOADED))
def test_a_loaded_body_is_previewed_as_loaded(session, body):
    form = TaskDefinitionForm(session, body=body)
    assert form.body == body
    assert json.loads(form.json) == body
    assert not form.load_message.value  # loaded, not refused


def test_an_invalid_fargate_size_is_shown_and_flagged_not_rewritten(session):
    form = TaskDefinitionForm(session, body=_task(memory="4096"))
    shown = dict((value, label) for label, value in form.fargate_memory.options)
    assert form.fargate_memory.value == "4096"
    assert shown["4096"] == "4 GB (not valid for .25 vCPU)"
    assert form.body["memory"] == "4096"
    assert [p.severity for p in form.problems_at("memory")] == ["error"]
    assert form.submit.disabled
    form.fargate_memory.value = "1024"  # the user's choice is sent, and the problem goes
    assert form.body["memory"] == "1024" and not form.problems_at("memory")


def test_changing_one_input_sends_the_input_and_keeps_the_rest_as_loaded(session):
    body = _with_container(portMappings=[{"containerPort": 80, "hostPort": 80}], cpu=0)
    form = TaskDefinitionForm(session, body=body)
    form.containers[0].image.value = "nginx:1.27"
    sent = form.body["containerDefinitions"][0]
    assert sent["image"] == "nginx:1.27"
    assert sent["portMappings"] == [{"containerPort": 80, "hostPort": 80}] and sent["cpu"] == 0
    form.containers[0].ports[0].container_port.value = "8080"  # awsvpc: no host port sent
    assert form.body["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 8080, "protocol": "tcp"}
    ]


# --- loading a registered revision ---------------------------------------------------------

AWSLOGS = {"awslogs-group": "/ecs/site", "awslogs-region": "us-east-1"}
REGISTERED = _task(
    family="site",
    executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    containerDefinitions=[
        {
            **CONTAINER,
            "memory": 512,
            "portMappings": [{"containerPort": 80}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {**AWSLOGS, "awslogs-stream-prefix": "ecs"},
            },
        }
    ],
)


def test_from_revision_shows_what_was_registered_without_what_ecs_added(session):
    ops.create_task_execution_role(session)
    ops.register_task_definition(session, REGISTERED, create_log_groups=True)
    described = session.ecs.describe_task_definition(taskDefinition="site:1")["taskDefinition"]
    assert described["containerDefinitions"][0]["mountPoints"] == []  # what ECS (and moto) add
    form = TaskDefinitionForm.from_revision(session, "site:1")
    assert form.body == REGISTERED
    # the group exists: ticking "Create" would try to make it again
    assert form.containers[0].create_group.value is False
    form.containers[0].log_group.value = "/ecs/site-new"
    assert form.containers[0].create_group.value is True


def test_a_new_form_ticks_create_only_for_a_group_the_account_lacks(session):
    session.logs.create_log_group(logGroupName="/ecs/have")
    form = TaskDefinitionForm(session)
    form.family.value = "have"
    assert form.containers[0].create_group.value is False
    form.family.value = "lack"
    assert form.containers[0].create_group.value is True
    form.containers[0].create_group.value = False  # the user's choice then stays
    form.family.value = "other"
    assert form.containers[0].create_group.value is False


def test_response_only_members_come_from_botocores_model():
    assert {"taskDefinitionArn", "revision", "status", "registeredAt", "compatibilities"} <= set(
        response_only()
    )
    assert not {"family", "containerDefinitions", "cpu", "tags"} & set(response_only())


def test_botocores_describe_example_becomes_the_request_that_made_it():
    path = Path(botocore.__file__).parent / "data/ecs/2014-11-13/examples-1.json"
    example = json.loads(path.read_text())["examples"]["DescribeTaskDefinition"][0]["output"]
    body = registered_request(example)
    wordpress, mysql = body["containerDefinitions"]
    assert "revision" not in body and "taskDefinitionArn" not in body and "volumes" not in body
    assert wordpress == {
        "name": "wordpress",
        "cpu": 10,
        "image": "wordpress",
        "links": ["mysql"],
        "memory": 500,
        "portMappings": [{"containerPort": 80, "hostPort": 80}],  # bridge: a chosen host port
    }
    assert "mountPoints" not in mysql and "essential" not in mysql
    assert mysql["environment"] == [{"name": "MYSQL_ROOT_PASSWORD", "value": "password"}]


def test_a_plain_request_is_not_stripped():
    body = _with_container(mountPoints=[], cpu=0, essential=True)
    assert registered_request(body) == body


def test_a_fresh_form_asks_for_what_is_missing_once_the_user_acts(session):
    form = TaskDefinitionForm(session)
    assert form.submit.disabled and form.errors  # nothing to register yet
    assert "ecskit-problem" not in form.field("family").problems_html.value
    form.containers[0].name.value = "web"  # the user acts: what is missing is asked for
    assert "family is required" in form.field("family").problems_html.value


def test_a_failed_load_leaves_the_earlier_loaded_body_in_force(session, monkeypatch):
    body = _task(memory="4096")
    form = TaskDefinitionForm(session, body=body)

    def broken(*_args):
        raise TraitError("the role list cannot take it")

    monkeypatch.setattr(TaskRoles, "set", broken)
    assert form.load(_task(family="other", cpu="1024", memory="2048"))  # refused midway
    assert form.body == body
