"""ROLLING: the scheduler replaces tasks within minimumHealthyPercent and maximumPercent
(scheduler.py); no traffic is shifted by listener rules."""

from __future__ import annotations

from typing import Any


class Rolling:
    name = "ROLLING"
    shifts_traffic = False

    def shifts(self, configuration: dict[str, Any]) -> list[tuple[float, float]]:
        return []


STRATEGY = Rolling()
