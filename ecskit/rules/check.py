"""validate(kind, body): every problem ECS documents for one request body."""

from __future__ import annotations

from typing import Any

from . import (
    cluster,
    containers,
    deployment_strategy,
    docs,
    lifecycle_hooks,
    managed_instances,
    model,
    placement,
    service,
    service_options,
    tags,
    task_definition,
)
from .problem import WARNING, Problem, rule
from .task_facts import read

KINDS = ("task-definition", "cluster", "service", "update-service", "run-task")
_PAGES = {
    "task-definition": docs.REGISTER_TASK_DEFINITION,
    "cluster": docs.CREATE_CLUSTER,
    "service": docs.CREATE_SERVICE,
    "update-service": docs.UPDATE_SERVICE,
    "run-task": docs.RUN_TASK,
}

INTERNAL = rule(
    "ecskit.internal",
    WARNING,
    KINDS,
    "ecskit could not finish checking part of the body (a bug in ecskit: please report it).",
    "",
)


def validate(
    kind: str, body: Any, *, task_definition: dict[str, Any] | None = None
) -> list[Problem]:
    """The problems of `body` as a request of `kind`: [] when ECS would accept it.

    `kind` is one of KINDS. `task_definition` is the revision a service or run-task body
    names, as describe_task_definition returns it; without it the rules that need the
    revision (launch type compatibility, awsvpc network configuration...) are skipped.

    >>> [p.rule for p in validate("cluster", {"clusterName": "my cluster"})]
    ['names.cluster']
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    page = _PAGES[kind]
    out = [
        problem if problem.source != model.REQUIRED.source else _with_source(problem, page)
        for problem in model.check(kind, body)
    ]
    if not isinstance(body, dict):
        return out
    try:
        tags.run(kind, body, out)
        if kind == "task-definition":
            facts = read(body)
            task_definition_rules(facts, out)
        elif kind == "cluster":
            cluster.run(body, out)
        else:
            revision = task_definition
            if isinstance(revision, dict) and isinstance(revision.get("taskDefinition"), dict):
                revision = revision["taskDefinition"]
            revision = revision if isinstance(revision, dict) else None
            service.run(kind, body, revision, out)
            managed_instances.run_request(kind, body, out)
            service_options.run(kind, body, revision, out)
            placement.run(kind, body, revision, out)
            if kind in deployment_strategy.SV:
                deployment_strategy.run(kind, body, out)
                lifecycle_hooks.run(body, out)
    except Exception as error:  # a body no rule foresaw: say so rather than crash a form
        out.append(INTERNAL.at("", f"ecskit could not finish checking this body ({error!r})."))
    return out


def task_definition_rules(facts: Any, out: list[Problem]) -> None:
    task_definition.run(facts, out)
    containers.run(facts, out)
    managed_instances.run(facts, out)


def _with_source(problem: Problem, page: str) -> Problem:
    return Problem(problem.rule, problem.severity, problem.path, problem.message, page)
