"""`ecskit sandbox` and `ecskit lab` as a user runs them, with the real AWS CLI beside them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import ecskit

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """`ecskit sandbox` in a subprocess: (endpoint URL, the AWS CLI line it printed)."""
    proc = subprocess.Popen(
        [str(BIN / "ecskit"), "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]
    url = lines[0].split(" serving on ")[1].split()[0]
    yield url, lines[2]
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=10)
    assert "ecskit sandbox stopped" in out
    assert proc.returncode == 0


def _aws(url: str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    out = subprocess.run(
        [
            str(BIN / "aws"),
            "--endpoint-url",
            url,
            "--region",
            "us-east-1",
            "--output",
            "json",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(out) if out.strip() else {}


def test_sandbox_prints_its_endpoint_and_the_cli_line(served: tuple[str, str]) -> None:
    url, cli_line = served
    assert url.startswith("http://127.0.0.1:")
    assert f"aws --endpoint-url {url} --region us-east-1 ecs list-clusters" in cli_line


def test_a_cluster_made_by_the_aws_cli_is_seen_by_ecskit(served: tuple[str, str]) -> None:
    url, _ = served
    _aws(url, "ecs", "create-cluster", "--cluster-name", "from-cli")
    s = ecskit.connect(endpoint_url=url)
    names = [c["clusterName"] for c in s.ecs.describe_clusters(clusters=["from-cli"])["clusters"]]
    assert names == ["from-cli"]


def test_a_cluster_made_by_ecskit_is_seen_by_the_aws_cli(served: tuple[str, str]) -> None:
    url, _ = served
    s = ecskit.connect(endpoint_url=url)
    arn = s.ecs.create_cluster(clusterName="from-ecskit")["cluster"]["clusterArn"]
    assert arn in _aws(url, "ecs", "list-clusters")["clusterArns"]


def test_the_cli_line_for_cloud_map_reaches_the_sandbox(served: tuple[str, str]) -> None:
    """DiscoverInstances puts `data-` before the host: the printed line turns that off."""
    import shlex

    url, _ = served
    s = ecskit.connect(endpoint_url=url)
    s.servicediscovery.create_http_namespace(Name="from-line")
    line = s.cli("servicediscovery discover-instances --namespace-name from-line --service-name x")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    words = shlex.split(line)
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    words[0] = str(BIN / "aws")
    run = subprocess.run(words, env=env, capture_output=True, text=True, timeout=60)
    # the sandbox answered (no such Cloud Map service), not "Could not connect to data-127.0.0.1"
    assert "ServiceNotFound" in run.stderr, run.stderr


def test_main_rejects_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    from ecskit.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["nope"])
    assert exit_.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_lab_starts_jupyterlab_on_the_course(tmp_path: Path) -> None:
    port = _free_port()
    course = tmp_path / "course"
    course.mkdir()
    (course / "00-start.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        env[var] = str(tmp_path / var.lower())
    log = (tmp_path / "lab.log").open("w")
    token = "ecskit-test"
    proc = subprocess.Popen(
        [str(BIN / "ecskit"), "lab", "--notebooks", str(course), "--port", str(port),
         "--no-browser", f"--IdentityProvider.token={token}"],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        contents = None
        for _ in range(120):
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                url = f"http://127.0.0.1:{port}/api/contents?token={token}"
                with urllib.request.urlopen(url, timeout=2) as answer:
                    contents = json.load(answer)
                break
            except OSError:
                time.sleep(0.25)
        assert contents is not None, (tmp_path / "lab.log").read_text()
        assert [item["name"] for item in contents["content"]] == ["00-start.ipynb"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_lab_refuses_a_missing_folder(capsys: pytest.CaptureFixture[str]) -> None:
    from ecskit.cli import main

    assert main(["lab", "--notebooks", "/no/such/folder"]) == 2
    assert "--notebooks /no/such/folder: no such folder" in capsys.readouterr().err


def test_help_has_examples_and_the_sandbox_help_its_defaults(capsys):
    from ecskit.cli import build_parser

    assert "examples:" in build_parser().format_help()
    assert "ecskit sandbox --port 5000" in build_parser().format_help()
    box = build_parser()._subparsers._group_actions[0].choices["sandbox"].format_help()
    assert "(default: 5000)" in box and "(default: 127.0.0.1)" in box
