"""The sweep (docs/rules.md): every constraint botocore's ECS documentation states for a request
the rules check has a rule, or a reason it needs none."""

from __future__ import annotations

import re

import botocore

from ecskit.rules import validate
from ecskit.rules.catalogue import RULES  # every rule, the forms' own included
from ecskit.rules.sweep import REASONS, statements, sweep
from ecskit.rules.sweep_table import TABLE


def test_every_documented_constraint_is_covered():
    uncovered = [v.statement for v in sweep() if not v.rule and not v.reason]
    assert uncovered == [], (
        f"botocore {botocore.__version__} documents constraints the sweep does not cover; add a "
        "rule or an entry with a reason to ecskit/rules/sweep_table.py: "
        + "; ".join(f"{s.where}: {s.sentence}" for s in uncovered)
    )


def test_every_cover_is_a_rule_or_a_reason():
    for where, pattern, cover, _ in TABLE:
        re.compile(pattern)
        assert cover in RULES or cover in REASONS, f"{where} /{pattern}/ -> {cover}"


def test_no_entry_is_dead():
    """Each entry matches a statement no earlier entry took: a stale entry hides nothing."""
    used = {v.entry for v in sweep()}
    dead = [TABLE[i] for i in range(len(TABLE)) if i not in used]
    assert dead == []


def test_the_sweep_reads_the_model_and_the_shapes_own_documentation():
    found = {(s.where, s.sentence) for s in statements()}
    assert ("HealthCheck.timeout", "You may specify between 2 and 60 seconds.") in found
    assert any(where == "SystemControl" for where, _ in found)
    assert len(found) > 400
    kinds = {s.where: s.kinds for s in statements()}
    assert kinds["RunTaskRequest.count"] == ("run-task",)
    assert "service" in kinds["DeploymentConfiguration.maximumPercent"]


def test_most_statements_have_a_rule():
    verdicts = sweep()
    assert sum(1 for v in verdicts if v.rule) / len(verdicts) > 0.55


def test_a_rule_the_sweep_names_fires_on_what_its_statement_forbids():
    # "The valid values for Fargate are 2-120 seconds." (ContainerDefinition.stopTimeout)
    cover = next(
        v
        for v in sweep()
        if v.statement.where == "ContainerDefinition.stopTimeout"
        and "2-120" in v.statement.sentence
    )
    body = {
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{"name": "web", "image": "nginx", "stopTimeout": 121}],
    }
    assert cover.rule in [p.rule for p in validate("task-definition", body)]
