"""`ecskit validate FILE.json`: the three shapes of file, kinds, exit codes and clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rule_bodies import change, cluster, described, fargate_task_definition, service

from ecskit.cli import main
from ecskit.rules import RULES


def _write(tmp_path: Path, body, name: str = "body.json") -> str:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body, indent=2))
    return str(path)


def test_valid_bare_body_exits_0(tmp_path, capsys):
    assert main(["validate", _write(tmp_path, fargate_task_definition())]) == 0
    assert "task-definition, 0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_one_line_per_problem_then_its_page_and_exit_1(tmp_path, capsys):
    body = change(
        fargate_task_definition(), {"memory": "4096", "containerDefinitions[0].image": ""}
    )
    assert main(["validate", _write(tmp_path, body)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["error", "fargate.cpu-memory", "memory:"]
    assert lines[1].split() == ["read:", RULES["fargate.cpu-memory"].source]
    assert lines[2].split()[:3] == ["error", "container.image", "containerDefinitions[0].image:"]
    assert lines[3].split()[0] == "read:" and lines[3].split()[1].startswith("https://docs.aws")
    assert lines[4].endswith("2 error(s), 0 warning(s)")


def test_warnings_alone_exit_0(tmp_path, capsys):
    body = change(
        fargate_task_definition(),
        {"containerDefinitions[0].environment[0]": {"name": "API_TOKEN", "value": "abc"}},
    )
    assert main(["validate", _write(tmp_path, body)]) == 0
    assert "warning environment.secret-value" in " ".join(capsys.readouterr().out.split())


def test_json_output(tmp_path, capsys):
    body = change(cluster(), {"clusterName": "a b"})
    assert main(["validate", _write(tmp_path, body), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["rule"], p["path"], p["severity"]) for p in problems] == [
        ("names.cluster", "clusterName", "error")
    ]
    assert problems[0]["source"].startswith("https://docs.aws.amazon.com/")


def test_described_task_definition_is_accepted(tmp_path, capsys):
    answer = {"taskDefinition": described(fargate_task_definition()), "tags": []}
    answer["taskDefinition"]["registeredAt"] = "2024-01-01T00:00:00Z"
    answer["taskDefinition"]["requiresAttributes"] = [{"name": "ecs.capability.task-eni"}]
    assert main(["validate", _write(tmp_path, answer)]) == 0
    assert "task-definition, 0 error(s)" in capsys.readouterr().out


def test_described_revision_being_deleted_is_accepted(tmp_path, capsys):
    # a DELETE_IN_PROGRESS revision's answer carries deleteRequestedAt, output-only too
    answer = {"taskDefinition": described(fargate_task_definition())}
    answer["taskDefinition"]["deleteRequestedAt"] = "2024-01-02T00:00:00Z"
    assert main(["validate", _write(tmp_path, answer)]) == 0
    assert "task-definition, 0 error(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (cluster(), "cluster"),
        (service(), "service"),
        ({"cluster": "demo", "service": "web", "desiredCount": 1}, "update-service"),
        ({"cluster": "demo", "taskDefinition": "web:1", "launchType": "EC2"}, "run-task"),
    ],
)
def test_kind_is_inferred(tmp_path, capsys, body, kind):
    main(["validate", _write(tmp_path, body)])
    assert f": {kind}, " in capsys.readouterr().out


def test_cli_input_json_with_kind(tmp_path, capsys):
    # `aws ecs create-cluster --generate-cli-skeleton` style: only empty placeholders
    path = _write(tmp_path, {"clusterName": "", "tags": []})
    assert main(["validate", path, "--kind", "cluster"]) == 1
    assert "names.cluster" in capsys.readouterr().out


def test_malformed_json_names_line_and_column(tmp_path, capsys):
    path = _write(tmp_path, '{\n  "family": "web",\n  "cpu": 256,,\n}')
    assert main(["validate", path]) == 2
    assert "not valid JSON at line 3, column 14" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: no such file" in capsys.readouterr().err


def test_unknown_shape_asks_for_kind(tmp_path, capsys):
    assert main(["validate", _write(tmp_path, {"hello": 1})]) == 2
    assert "give --kind" in capsys.readouterr().err


def test_as_a_subprocess(tmp_path):
    ecskit = Path(sys.executable).parent / "ecskit"
    body = change(fargate_task_definition(), {"networkMode": "bridge"})
    done = subprocess.run(
        [str(ecskit), "validate", _write(tmp_path, body)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "fargate.network-mode" in done.stdout
