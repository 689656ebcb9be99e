"""How a service deployment moves from its source revisions to its target: one small module
per `deploymentConfiguration.strategy`, behind one interface.

A strategy says how production traffic moves (`shifts`: the green revision's share after each
step and how long to bake after it); `traffic.TrafficDeployment` walks BLUE_GREEN, CANARY and
LINEAR through ECS's lifecycle stages with those shifts; ROLLING has no traffic shift and stays
the scheduler's rolling update (scheduler.py). Facts and sources: docs/deployments.md and
botocore's ECS model (DeploymentConfiguration, LinearConfiguration, CanaryConfiguration).
"""

from __future__ import annotations

from typing import Any, Protocol

from . import blue_green, canary, linear, rolling


class Strategy(Protocol):
    name: str
    shifts_traffic: bool

    def shifts(self, configuration: dict[str, Any]) -> list[tuple[float, float]]:
        """(green's share of production traffic in %, seconds to bake after it) per step."""
        ...


STRATEGIES: dict[str, Strategy] = {
    s.STRATEGY.name: s.STRATEGY for s in (rolling, blue_green, canary, linear)
}


def strategy_of(configuration: dict[str, Any] | None) -> Strategy:
    """The strategy a deployment configuration names (ROLLING when it names none)."""
    name = (configuration or {}).get("strategy") or "ROLLING"
    return STRATEGIES.get(name, rolling.STRATEGY)
