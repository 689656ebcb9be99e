"""The boto3 and AWS CLI tabs are executable: each, run as shown, makes the same resource."""

from __future__ import annotations

import ast
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sent_and_answered import subset_matches

from ecskit import ops, preview
from ecskit.widgets import ClusterForm, TaskDefinitionForm
from ecskit.widgets.task_definition_form import request_body

VENV_BIN = Path(sys.executable).parent


def run_cli(command: str) -> subprocess.CompletedProcess:
    """Run the CLI tab's command in a shell, with the venv's `aws` first on PATH."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AWS_PROFILE", None)
    return subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _task_definition_form(session) -> TaskDefinitionForm:
    ops.create_task_execution_role(session)  # awslogs on Fargate needs it; the form picks it
    form = TaskDefinitionForm(session)
    form.family.value = "web"
    editor = form.containers[0]
    editor.name.value = "web"
    editor.image.value = "nginx:1.27"
    editor.command.value = "nginx -g 'daemon off;'"
    editor.add_port().container_port.value = "80"
    editor.environment.value = 'QUOTE=it\'s "quoted"'
    return form


def test_boto3_and_cli_previews_register_the_same_task_definition(session):
    form = _task_definition_form(session)
    assert form.errors == []
    namespace = {"session": session}
    exec(form.boto3_code, namespace)  # the tab's code, as a user would paste it
    assert namespace["response"]["taskDefinition"]["revision"] == 1
    command = form.cli_command
    assert command.startswith("AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws ")
    assert f"--endpoint-url {session.endpoint_url}" in command
    done = run_cli(command)
    assert done.returncode == 0, done.stderr
    form.submit.click()
    described = [
        session.ecs.describe_task_definition(taskDefinition=f"web:{n}")["taskDefinition"]
        for n in (1, 2, 3)
    ]
    bodies = [request_body(d) for d in described]
    assert bodies[0] == bodies[1] == bodies[2]
    assert subset_matches(form.body, described[0])


def test_cluster_previews_create_the_same_cluster(session):
    form = ClusterForm(session)
    form.name.value = "from-code"
    form.insights.value = "enabled"
    form.tags.value = "team=blue"
    exec(form.boto3_code, {"session": session})
    form.name.value = "from-cli"
    done = run_cli(form.cli_command)
    assert done.returncode == 0, done.stderr
    described = session.ecs.describe_clusters(
        clusters=["from-code", "from-cli"], include=["SETTINGS", "TAGS"]
    )["clusters"]
    assert [c["clusterName"] for c in described] == ["from-code", "from-cli"]
    for cluster in described:
        assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
        assert cluster["tags"] == [{"key": "team", "value": "blue"}]


def test_cli_preview_without_a_sandbox_is_plain_aws():
    command = preview.as_cli("ecs", "run_task", {"cluster": "c", "taskDefinition": "web:1"})
    assert command.startswith("aws ecs run-task --cli-input-json '{")


def test_preview_tabs_render_the_request_when_opened(session):
    form = _task_definition_form(session)
    assert '"family": "web"' in form.json_preview.value.replace("&quot;", '"')
    form.tabs.selected_index = 1
    assert "response = ecs.register_task_definition(" in form.boto3_preview.value
    form.tabs.selected_index = 2
    assert "ecs register-task-definition --cli-input-json" in form.cli_preview.value
    form.family.value = "changed"  # the open tab follows each change
    assert "changed" in form.cli_preview.value


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), JSON, max_size=5))
def test_any_body_survives_the_boto3_and_cli_previews(body):
    code = preview.as_boto3("ecs", "run_task", body)
    call = ast.parse(code).body[1].value
    sent: dict = {}
    for kw in call.keywords:  # key=value, or **{...} for keys Python cannot name
        value = ast.literal_eval(kw.value)
        sent.update(value if kw.arg is None else {kw.arg: value})
    assert sent == body
    words = shlex.split(preview.as_cli("ecs", "run_task", body))
    assert words[:4] == ["aws", "ecs", "run-task", "--cli-input-json"]
    assert json.loads(words[4]) == body
