"""The public face other modules code against: validate, Problem, KINDS and the size helpers."""

from __future__ import annotations

import dataclasses

import pytest

from ecskit.rules import (
    FARGATE_CPU_UNITS,
    KINDS,
    Problem,
    fargate_memory_options,
    network_modes_for,
    parse_cpu,
    parse_memory,
    validate,
)


def test_kinds_and_unknown_kind():
    assert KINDS == ("task-definition", "cluster", "service", "update-service", "run-task")
    with pytest.raises(ValueError, match="task-definition, cluster, service"):
        validate("taskdef", {})


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", [None, [], "x", 3, {"": None}, {"cpu": {"a": [1]}}])
def test_any_body_gives_a_list(kind, body):
    problems = validate(kind, body)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert not [p for p in problems if p.rule == "ecskit.internal"]


def test_problem_is_frozen_and_serialisable():
    problem = validate("cluster", {"clusterName": "a b"})[0]
    assert problem.to_dict() == {
        "rule": "names.cluster",
        "severity": "error",
        "path": "clusterName",
        "message": problem.message,
        "source": problem.source,
    }
    assert problem.source.startswith("https://docs.aws.amazon.com/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.rule = "x"  # type: ignore[misc]


def test_size_helpers():
    assert FARGATE_CPU_UNITS == (256, 512, 1024, 2048, 4096, 8192, 16384)
    assert fargate_memory_options(256) == [512, 1024, 2048]
    assert fargate_memory_options(300) == []
    assert parse_cpu("1 vCPU") == 1024
    assert parse_cpu("0.25 vcpu") == 256
    assert parse_cpu(".5 vCPU") == 512
    assert parse_cpu("1024") == 1024
    assert parse_cpu("lots") is None
    assert parse_cpu(True) is None
    assert parse_memory("3GB") == 3072
    assert parse_memory("512") == 512
    assert parse_memory("0.5 GB") == 512
    assert parse_memory("1.3 MB") is None
    assert parse_memory("a lot") is None


def test_network_modes():
    assert network_modes_for("FARGATE") == ["awsvpc"]
    assert network_modes_for("EC2") == ["awsvpc", "bridge", "host", "none"]
    assert network_modes_for("EXTERNAL") == ["bridge", "host", "none"]
    assert network_modes_for("EC2", "WINDOWS_SERVER_2022_CORE") == ["default", "awsvpc"]
