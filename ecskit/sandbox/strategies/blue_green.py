"""BLUE_GREEN: the green revision scales up to the full count, takes test traffic, then all
production traffic at once; both run for `bakeTimeInMinutes` before blue is removed
(botocore ECS model: DeploymentConfiguration.strategy and bakeTimeInMinutes)."""

from __future__ import annotations

from typing import Any


class BlueGreen:
    name = "BLUE_GREEN"
    shifts_traffic = True

    def shifts(self, configuration: dict[str, Any]) -> list[tuple[float, float]]:
        return [(100.0, 0.0)]


STRATEGY = BlueGreen()
