"""Property tests: random and mutated bodies never raise, and always give a list of problems."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_bodies import (
    cluster,
    described,
    ec2_task_definition,
    fargate_task_definition,
    run_task,
    service,
    update_service,
)

from ecskit.rules import KINDS, Problem, validate
from ecskit.rules.command import infer_kind, unwrap

SEEDS = {
    "task-definition": [fargate_task_definition(), ec2_task_definition()],
    "cluster": [cluster()],
    "service": [service()],
    "update-service": [update_service()],
    "run-task": [run_task()],
}
REVISIONS = [None, described(fargate_task_definition()), described(ec2_task_definition())]
TRIED: dict[str, int] = {"random": 0, "mutated": 0, "files": 0}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["awsvpc", "FARGATE", "256", "1 vCPU", "3GB", "web", "HEALTHY", "DAEMON"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _check(kind: str, body, revision) -> None:
    problems = validate(kind, body, task_definition=revision)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert not [p for p in problems if p.rule == "ecskit.internal"], problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), body=json_values, revision=st.sampled_from(REVISIONS))
def test_random_bodies_never_raise(kind, body, revision):
    TRIED["random"] += 1
    _check(kind, body, revision)


def _paths(value, prefix=()):
    """Every (container, key) inside a JSON value, to mutate one at a time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(KINDS))
    body = copy.deepcopy(draw(st.sampled_from(SEEDS[kind])))
    paths = list(_paths(body))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(paths))
        parent = body
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "delete"]))
            if action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    return kind, body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated(), revision=st.sampled_from(REVISIONS))
def test_mutated_bodies_never_raise(case, revision):
    TRIED["mutated"] += 1
    kind, body = case
    _check(kind, body, revision)


@settings(max_examples=100, deadline=None)
@given(content=json_values)
def test_any_json_file_content_is_read_or_refused_plainly(content):
    TRIED["files"] += 1
    body = unwrap(content)
    kind = infer_kind(body) if isinstance(body, dict) else None
    if kind is not None:
        _check(kind, body, None)


def test_report_how_many_inputs_were_tried(record_property):
    # pytest -rA or --junitxml shows it; run alone (-k report), it runs the property tests first
    for count, prop in (
        ("random", test_random_bodies_never_raise),
        ("mutated", test_mutated_bodies_never_raise),
        ("files", test_any_json_file_content_is_read_or_refused_plainly),
    ):
        if not TRIED[count]:
            prop()
    record_property("random_bodies", TRIED["random"])
    record_property("mutated_bodies", TRIED["mutated"])
    record_property("file_contents", TRIED["files"])
    print(
        f"hypothesis tried {TRIED['random']} random and {TRIED['mutated']} mutated bodies, "
        f"{TRIED['files']} file contents"
    )
    assert TRIED["random"] >= 100 and TRIED["mutated"] >= 100
