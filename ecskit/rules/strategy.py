"""Capacity provider strategies, shared by clusters (default strategy), services and run-task."""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import as_int, as_list, as_str, dicts
from .problem import ERROR, Problem, rule

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
KINDS = ("cluster", "service", "update-service", "run-task")

BASE_ONCE = rule(
    "strategy.base-once",
    ERROR,
    KINDS,
    "Only one capacity provider in a strategy has a base.",
    docs.STRATEGY_ITEM,
)
MIXED = rule(
    "strategy.fargate-or-asg",
    ERROR,
    KINDS,
    "A strategy uses Fargate capacity providers or Auto Scaling group ones, not both.",
    docs.CAPACITY_PROVIDERS,
)
DUPLICATE = rule(
    "strategy.duplicate",
    ERROR,
    KINDS,
    "Each capacity provider appears once in a strategy.",
    docs.STRATEGY_ITEM,
)
WEIGHTS = rule(
    "strategy.weights",
    ERROR,
    KINDS,
    "When a strategy has several capacity providers, at least one has a weight above 0.",
    docs.STRATEGY_ITEM,
)
SIZE = rule(
    "strategy.size",
    ERROR,
    KINDS,
    "A strategy has at most 20 capacity providers.",
    docs.STRATEGY_ITEM,
)


def providers(strategy: Any) -> list[str]:
    return [as_str(item.get("capacityProvider")) for _, item in dicts(strategy)]


def uses_fargate(strategy: Any) -> bool:
    names = providers(strategy)
    return bool(names) and all(name in FARGATE_PROVIDERS for name in names)


def check(strategy: Any, path: str, out: list[Problem]) -> None:
    """Problems of a capacity provider strategy at `path`."""
    items = dicts(strategy)
    if not items:
        return
    if len(as_list(strategy)) > 20:
        out.append(SIZE.at(path, "Use at most 20 capacity providers in one strategy."))
    seen: set[str] = set()
    with_base = []
    for index, item in items:
        name = as_str(item.get("capacityProvider"))
        if name and name in seen:
            out.append(
                DUPLICATE.at(
                    f"{path}[{index}].capacityProvider",
                    f"{name} is already in this strategy: list each capacity provider once.",
                )
            )
        seen.add(name)
        if (as_int(item.get("base")) or 0) > 0:
            with_base.append(index)
    for index in with_base[1:]:
        out.append(
            BASE_ONCE.at(
                f"{path}[{index}].base",
                "Only one capacity provider may have a base: set this one's base to 0.",
            )
        )
    names = [n for n in seen if n]
    fargate = [n for n in names if n in FARGATE_PROVIDERS]
    if fargate and len(fargate) < len(names):
        out.append(
            MIXED.at(
                path,
                "Do not mix FARGATE/FARGATE_SPOT with Auto Scaling group capacity providers in "
                "one strategy.",
            )
        )
    if len(items) > 1 and all((as_int(item.get("weight")) or 0) == 0 for _, item in items):
        out.append(
            WEIGHTS.at(
                path,
                "Every capacity provider here has weight 0, so no task can be placed: give at "
                "least one a weight above 0.",
            )
        )
