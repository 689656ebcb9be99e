"""When a task's health checks pass and fail, and when its containers exit: the timeline of one
RUNNING task, worked out once from its containers' health checks and behaviours (pure: health.py
applies it over the sandbox clock). Facts and sources: docs/container-behaviour.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .behaviour import Behaviour

# HealthCheck's defaults (botocore's ECS model: interval 30 s, retries 3, startPeriod off)
INTERVAL, RETRIES, START_PERIOD = 30, 3, 0
# Out of memory: the container's reason, and SIGKILL's exit code (128 + 9)
# (https://repost.aws/knowledge-center/ecs-resolve-outofmemory-errors)
OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
OOM_EXIT_CODE = 137


@dataclass(frozen=True)
class Container:
    """What the timeline needs of one container definition."""

    name: str
    essential: bool
    check: tuple[float, int, float] | None  # interval, retries, startPeriod
    behaviour: Behaviour | None


@dataclass(order=True)
class Happening:
    at: float
    order: int
    kind: str = field(compare=False)  # container-health, exit, target, elb-stop, health-stop
    detail: dict[str, Any] = field(compare=False, default_factory=dict)


def timeline(
    containers: list[Container],
    started: float,
    targets: Sequence[tuple[dict[str, Any], float, int]] = (),
    grace: float = 0.0,
) -> list[Happening]:
    """Every happening of one task's life from `started` (epoch seconds), in no order."""
    found: list[Happening] = []
    for container in containers:
        said = container.behaviour or Behaviour()
        base = {"name": container.name, "essential": container.essential}
        if said.exits is not None or said.out_of_memory:
            code = OOM_EXIT_CODE if said.out_of_memory else said.exits
            reason = OOM_REASON if said.out_of_memory else None
            found.append(
                Happening(started + said.after, len(found), "exit",
                          {**base, "code": code, "reason": reason})
            )  # fmt: skip
        if container.check is not None:
            failing_from = started + said.after if said.health == "unhealthy" else math.inf
            for at, status in check_results(container.check, started, failing_from):
                found.append(
                    Happening(at, len(found), "container-health", {**base, "status": status})
                )
    failing = [c for c in containers if (c.behaviour or Behaviour()).health == "unhealthy"]
    for lb, interval, threshold in targets:
        app = next((c for c in failing if c.name == lb.get("containerName")), None)
        if app is None:
            continue
        after = app.behaviour.after if app.behaviour else 0.0
        # the target group checks from registration on; `threshold` failures in a row
        first = math.ceil(after / interval) * interval
        unhealthy = started + first + (threshold - 1) * interval
        at_once = first == 0  # it never passes a check: never healthy in the target group
        found.append(Happening(unhealthy, len(found), "target", {"lb": lb, "at_once": at_once}))
        found.append(Happening(max(unhealthy, started + grace), len(found), "elb-stop", {"lb": lb}))
    return found


def check_results(
    check: tuple[float, int, float], started: float, failing_from: float
) -> list[tuple[float, str]]:
    """When a container turns HEALTHY and UNHEALTHY: checks every `interval` from the start;
    failures inside startPeriod count only once a check has passed (HealthCheck.startPeriod)."""
    interval, retries, start_period = check
    results = []
    healthy = False
    failures = 0
    step = 1
    while True:
        at = started + step * interval
        if at < failing_from:
            if not healthy:
                results.append((at, "HEALTHY"))
                healthy = True
            if failing_from == math.inf:
                return results
        elif healthy or at >= started + start_period:
            failures += 1
            if failures >= retries:
                results.append((at, "UNHEALTHY"))
                return results
        step += 1


def check_parameters(health_check: Any) -> tuple[float, int, float] | None:
    if not isinstance(health_check, dict) or not health_check.get("command"):
        return None
    return (
        float(health_check.get("interval") or INTERVAL),
        int(health_check.get("retries") or RETRIES),
        float(health_check.get("startPeriod") or START_PERIOD),
    )
