"""`ecskit draw` against the sandbox's endpoint, and its messages when it cannot draw."""

from __future__ import annotations

import socket

import pytest

from ecskit.cli import main
from ecskit.graph import node_id


@pytest.fixture(autouse=True)
def _no_named_endpoint(monkeypatch) -> None:
    monkeypatch.delenv("ECSKIT_ENDPOINT", raising=False)


def test_text_tree_by_default(session, account, capsys) -> None:
    assert main(["draw", "--endpoint-url", session.endpoint_url]) == 0
    out = capsys.readouterr().out
    assert "cluster shop\n  runs → service web\n" in out
    assert out.startswith("task definition web\n")


def test_dot_of_one_cluster(session, account, capsys) -> None:
    code = main(
        ["draw", "--endpoint-url", session.endpoint_url, "--cluster", "shop", "--format", "dot"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph ecskit {")
    assert f"\t\t{node_id(account.service)} [" in out
    assert node_id(account.other_cluster) not in out


def test_the_endpoint_can_come_from_the_environment(session, account, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ECSKIT_ENDPOINT", session.endpoint_url)
    assert main(["draw", "--format", "dot", "--expand-tasks"]) == 0
    assert node_id(account.service_tasks[0]) in capsys.readouterr().out


def test_a_cluster_of_many_services_until_expand_services(session, capsys) -> None:
    from ecskit.graph.picture import SERVICES_SHOWN

    ecs = session.ecs
    ecs.create_cluster(clusterName="big")
    ecs.register_task_definition(
        family="idle", containerDefinitions=[{"name": "a", "image": "busybox", "memory": 64}]
    )
    for number in range(SERVICES_SHOWN + 1):
        ecs.create_service(
            cluster="big", serviceName=f"s{number}", taskDefinition="idle", desiredCount=0
        )
    assert main(["draw", "--endpoint-url", session.endpoint_url]) == 0
    out = capsys.readouterr().out
    assert f"cluster big\n  runs → services {SERVICES_SHOWN + 1} services (tasks 0/0" in out
    assert "service s0\n" not in out
    assert main(["draw", "--endpoint-url", session.endpoint_url, "--expand-services"]) == 0
    out = capsys.readouterr().out
    assert all(f"runs → service s{n}\n" in out for n in range(SERVICES_SHOWN + 1))


@pytest.mark.exe
def test_svg_and_png_files(session, account, tmp_path, capsys) -> None:
    svg, png = tmp_path / "account.svg", tmp_path / "account.png"
    assert main(["draw", "--endpoint-url", session.endpoint_url, "-o", str(svg)]) == 0
    assert svg.read_text().lstrip().startswith("<?xml")
    assert node_id(account.service) in svg.read_text()
    assert main(["draw", "--endpoint-url", session.endpoint_url, "-o", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "wrote" in capsys.readouterr().err


def test_no_account_named_says_what_to_pass(capsys) -> None:
    assert main(["draw"]) == 2
    err = capsys.readouterr().err
    assert "--endpoint-url" in err and "--profile" in err and "ecskit sandbox" in err


def test_both_endpoint_and_profile_is_refused(capsys) -> None:
    assert main(["draw", "--endpoint-url", "http://127.0.0.1:1", "--profile", "x"]) == 2
    assert "not both" in capsys.readouterr().err


def test_an_unreachable_endpoint_is_named(capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    assert main(["draw", "--endpoint-url", f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach http://127.0.0.1:{port}" in err and "ecskit sandbox" in err
    assert "Traceback" not in err


def test_a_bad_url_is_named(capsys) -> None:
    assert main(["draw", "--endpoint-url", "localhost"]) == 2
    assert "endpoint_url='localhost'" in capsys.readouterr().err


def test_png_needs_a_file(capsys) -> None:
    assert main(["draw", "--endpoint-url", "http://127.0.0.1:1", "--format", "png"]) == 2
    assert "-o picture.png" in capsys.readouterr().err


def test_a_missing_cluster_is_named(session, capsys) -> None:
    assert main(["draw", "--endpoint-url", session.endpoint_url, "--cluster", "nope"]) == 2
    assert "--cluster nope: no such cluster" in capsys.readouterr().err


def test_a_bad_format_is_named(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["draw", "--format", "jpeg"])
    assert "--format: invalid choice: 'jpeg'" in capsys.readouterr().err
