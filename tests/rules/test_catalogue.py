"""docs/rules.md is generated from the code and up to date; cfn-lint's ECS checks are covered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rule_bodies import DELETE, change, described, fargate_task_definition, service

from ecskit.rules import RULES, validate
from ecskit.rules.catalogue import CFN_LINT, markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
CFN_LINT_RULES = Path(
    "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/cfnlint/rules/resources/ecs"
)
C0 = "containerDefinitions[0]"


def test_the_committed_catalogue_is_up_to_date():
    assert DOC.read_text() == markdown(), (
        "docs/rules.md is stale: run `python -m ecskit.rules.catalogue > docs/rules.md`"
    )


def test_every_rule_is_in_the_catalogue_with_its_source():
    text = markdown()
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} |" in text
        assert rule.source in text or rule.id == "ecskit.internal"


def test_the_cfn_lint_table_covers_its_ten_ecs_checks_with_existing_rules():
    ids = [item.id for item in CFN_LINT]
    expected = ["E3042", "E3044", "E3046", "E3047", "E3048", "E3049", "E3052", "E3053"]
    assert ids == [*expected, "E3054", "E3713"]
    for item in CFN_LINT:
        assert item.counterparts and set(item.counterparts) <= set(RULES), item


@pytest.mark.skipif(not CFN_LINT_RULES.is_dir(), reason="cfn-lint is not installed here")
def test_the_table_lists_every_ecs_rule_cfn_lint_has():
    found = set()
    for source in CFN_LINT_RULES.glob("*.py"):
        found |= set(re.findall(r'id = "(E\d+)"', source.read_text()))
    assert found == {item.id for item in CFN_LINT}


fargate = fargate_task_definition
# cfn-lint id -> a body cfn-lint's check would flag, and the ecskit rule that flags it
CASES = {
    "E3042": ("task-definition", change(fargate(), {f"{C0}.essential": False}), None),
    "E3044": ("service", change(service(), {"schedulingStrategy": "DAEMON"}), None),
    "E3046": (
        "task-definition",
        change(fargate(), {f"{C0}.logConfiguration.options.awslogs-group": DELETE}),
        None,
    ),
    "E3047": ("task-definition", change(fargate(), {"cpu": "512", "memory": "512"}), None),
    "E3048": ("task-definition", change(fargate(), {"cpu": DELETE, "memory": DELETE}), None),
    "E3049": (
        "service",
        change(service(), {"loadBalancers[0].containerPort": 8080}),
        described(fargate()),
    ),
    "E3052": (
        "service",
        change(service(), {"networkConfiguration": DELETE, "launchType": "EC2"}),
        described(fargate()),
    ),
    "E3053": ("task-definition", change(fargate(), {f"{C0}.portMappings[0].hostPort": 81}), None),
    "E3054": (
        "service",
        service(),
        described(change(fargate(), {"requiresCompatibilities": ["EC2"]})),
    ),
    "E3713": (
        "service",
        service(),
        described(change(fargate(), {f"{C0}.logConfiguration": {"logDriver": "syslog"}})),
    ),
}


@pytest.mark.parametrize("item", CFN_LINT, ids=[item.id for item in CFN_LINT])
def test_each_cfn_lint_case_is_caught_by_its_counterpart(item):
    kind, body, revision = CASES[item.id]
    found = {p.rule for p in validate(kind, body, task_definition=revision)}
    assert found & set(item.counterparts), (item.id, found)
