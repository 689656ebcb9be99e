"""LINEAR: production traffic moves to green in equal steps of `stepPercent`, with
`stepBakeTimeInMinutes` between steps and none after 100 % (botocore ECS model,
LinearConfiguration: stepPercent 3.0-100, default 10.0; stepBakeTimeInMinutes 0-1440,
default 6; "This bake time is not applied after reaching 100 percent traffic")."""

from __future__ import annotations

from typing import Any

DEFAULT_STEP_PERCENT = 10.0
DEFAULT_STEP_BAKE_MINUTES = 6


class Linear:
    name = "LINEAR"
    shifts_traffic = True

    def shifts(self, configuration: dict[str, Any]) -> list[tuple[float, float]]:
        conf = configuration.get("linearConfiguration") or {}
        step = float(conf.get("stepPercent", DEFAULT_STEP_PERCENT))
        bake = 60.0 * conf.get("stepBakeTimeInMinutes", DEFAULT_STEP_BAKE_MINUTES)
        out: list[tuple[float, float]] = []
        share = 0.0
        while share < 100.0:
            share = min(100.0, round(share + step, 1))
            out.append((share, bake if share < 100.0 else 0.0))
        return out


STRATEGY = Linear()
