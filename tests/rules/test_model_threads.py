"""The model's compiled checks are built safely from many threads at once (the picture helper
creates resources in threads): no thread ever runs a check another thread is still building."""

from __future__ import annotations

import threading
import time

import pytest

from ecskit.rules import model

# five ECS operations whose requests share the NetworkConfiguration structure
OPERATIONS = ("CreateService", "UpdateService", "RunTask", "StartTask", "CreateTaskSet")
NETWORK = {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}
THREADS = 24


def _forget_compiled_checks() -> None:
    model.operation_checker.cache_clear()
    model.checker.cache_clear()
    model._memo.cache_clear()


@pytest.fixture
def fresh_checks():
    """Every check compiled again, from nothing, by the test's threads."""
    _forget_compiled_checks()
    yield
    _forget_compiled_checks()


def _problems_in_threads(count: int, pause: float = 0.0) -> tuple[list, list[BaseException]]:
    """check_request from `count` threads released together by a barrier."""
    barrier = threading.Barrier(count)
    found: list = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        barrier.wait()
        try:
            found.append(model.check_request("ecs", OPERATIONS[index % len(OPERATIONS)], NETWORK))
        except BaseException as error:  # the old race: KeyError 'check'
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return found, errors


def test_many_threads_compiling_shared_shapes_at_once_all_get_whole_checks(
    fresh_checks, monkeypatch
):
    compile_shape = model._compile

    def slower(shape, memo):
        time.sleep(0.0005)  # a wider window between publishing a shape and finishing it
        return compile_shape(shape, memo)

    monkeypatch.setattr(model, "_compile", slower)
    for _ in range(3):
        _forget_compiled_checks()
        found, errors = _problems_in_threads(THREADS)
        assert errors == []
        assert len(found) == THREADS
        # every request lacks its required fields, and each thread says so
        assert all(any(p.rule == "model.required" for p in problems) for problems in found)


def test_a_check_still_being_built_is_never_handed_to_another_thread(fresh_checks, monkeypatch):
    compile_shape = model._compile
    inside = threading.Event()
    other_done = threading.Event()

    def gated(shape, memo):
        # the first thread stops halfway through NetworkConfiguration: its members unbuilt
        if shape.name == "AwsVpcConfiguration" and threading.current_thread().name == "first":
            inside.set()
            other_done.wait(timeout=0.5)  # the other thread cannot finish before us: fine
        return compile_shape(shape, memo)

    monkeypatch.setattr(model, "_compile", gated)
    results: dict[str, object] = {}

    def run(name: str, operation: str) -> None:
        try:
            results[name] = model.check_request("ecs", operation, NETWORK)
        except BaseException as error:
            results[name] = error
        finally:
            if name == "second":
                other_done.set()

    first = threading.Thread(target=run, args=("first", "CreateService"), name="first")
    first.start()
    assert inside.wait(timeout=10)
    second = threading.Thread(target=run, args=("second", "UpdateService"), name="second")
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)
    for name in ("first", "second"):
        assert isinstance(results[name], list), f"{name}: {results[name]!r}"
        assert [p.path for p in results[name] if p.rule == "model.required"]
    # both threads checked the same network configuration the same way: no problems there
    assert not [p for p in results["second"] if p.path.startswith("networkConfiguration")]


def test_a_failure_while_compiling_leaves_no_half_built_check_behind(fresh_checks, monkeypatch):
    compile_shape = model._compile
    calls = {"n": 0}

    def failing_once(shape, memo):
        if shape.name == "AwsVpcConfiguration" and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("botocore hiccup")
        return compile_shape(shape, memo)

    monkeypatch.setattr(model, "_compile", failing_once)
    with pytest.raises(RuntimeError):
        model.check_request("ecs", "CreateService", NETWORK)
    # another operation sharing NetworkConfiguration compiles it whole, and it works
    problems = model.check_request("ecs", "UpdateService", NETWORK)
    assert [p.path for p in problems if p.rule == "model.required"] == ["service"]
