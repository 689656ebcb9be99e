"""CANARY: `canaryPercent` of production traffic to green, a bake of `canaryBakeTimeInMinutes`,
then the rest at once (botocore ECS model, CanaryConfiguration: canaryPercent 0.1-100, default
5.0; canaryBakeTimeInMinutes 0-1440, default 10)."""

from __future__ import annotations

from typing import Any

DEFAULT_PERCENT = 5.0
DEFAULT_BAKE_MINUTES = 10


class Canary:
    name = "CANARY"
    shifts_traffic = True

    def shifts(self, configuration: dict[str, Any]) -> list[tuple[float, float]]:
        conf = configuration.get("canaryConfiguration") or {}
        percent = float(conf.get("canaryPercent", DEFAULT_PERCENT))
        bake = 60.0 * conf.get("canaryBakeTimeInMinutes", DEFAULT_BAKE_MINUTES)
        if percent >= 100.0:
            return [(100.0, 0.0)]
        return [(percent, bake), (100.0, 0.0)]


STRATEGY = Canary()
