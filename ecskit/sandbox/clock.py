"""The sandbox's clock: how fast tasks and deployments move through their states.

- ``"real"``: wall time; each state change takes `step` seconds (quick enough to watch).
- ``"instant"``: every call sees the steady state (tasks RUNNING at once, rollouts done).
- ``"manual"``: time stands still until `advance(seconds)` moves it (for tests and lessons).

The mode can be preset with the environment variable ``ECSKIT_SANDBOX_CLOCK`` (``real``,
``instant``, ``manual``), e.g. for an ``ecskit sandbox`` subprocess driven by the AWS CLI.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

MODES = ("real", "instant", "manual")
DEFAULT_STEP = 0.75  # seconds per state change: a task is RUNNING ~2-3 s after RunTask


class ClockError(ValueError):
    """A clock mode or step the sandbox does not know."""


class Clock:
    """Sandbox time in epoch seconds, in one of MODES."""

    def __init__(self, mode: str | None = None, step: float | None = None) -> None:
        self._offset = 0.0
        self._frozen_at = time.time()
        # told (event, value) before a mode change, an advance or a settle: snapshots record them
        self.listeners: list[Callable[[str, Any], None]] = []
        self.pinned: float | None = None  # a snapshot's replay: the time of the event replayed
        self._rushing = False
        self.mode = mode or os.environ.get("ECSKIT_SANDBOX_CLOCK", "real") or "real"
        env_step = os.environ.get("ECSKIT_SANDBOX_STEP")
        self.step = step if step is not None else float(env_step) if env_step else DEFAULT_STEP

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ClockError(
                f"clock {value!r} is not one of {', '.join(MODES)}: use 'real' to watch tasks "
                "start, 'instant' for the steady state at once, 'manual' with advance(seconds)."
            )
        if value != getattr(self, "_mode", value):
            self._tell("mode", value)
        if value == "manual":
            self._frozen_at = self.now()
            self._offset = 0.0
        elif getattr(self, "_mode", None) == "manual":
            self._offset = self.now() - time.time()
        self._mode = value

    @property
    def rushing(self) -> bool:
        """settle(): every state change takes no time, whatever the mode."""
        return self._rushing

    @rushing.setter
    def rushing(self, value: bool) -> None:
        if value and not self._rushing:
            self._tell("settle", None)
        self._rushing = value

    @property
    def instant(self) -> bool:
        return self._mode == "instant"

    def now(self) -> float:
        if self.pinned is not None:
            return self.pinned
        if getattr(self, "_mode", "real") == "manual":
            return self._frozen_at + self._offset
        return time.time() + self._offset

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def duration(self) -> float:
        """How long one state change lasts now (0 on the instant clock)."""
        return 0.0 if self.instant or self.rushing else self.step

    def advance(self, seconds: float) -> None:
        """Move sandbox time forward (any mode; the only way time moves on 'manual')."""
        if seconds < 0:
            raise ClockError(f"advance({seconds}): time only moves forward; give seconds >= 0.")
        self._tell("advance", seconds)
        if self.pinned is not None:
            self.pinned += seconds
            return
        self._offset += seconds

    def set_now(self, epoch: float) -> None:
        """Sandbox time is `epoch` now, and moves on from there as the mode says (restore)."""
        self.pinned = None
        self._frozen_at, self._offset = epoch, 0.0
        if self._mode != "manual":
            self._offset = epoch - time.time()

    def _tell(self, event: str, value: Any) -> None:
        for listener in self.listeners:
            listener(event, value)

    def __repr__(self) -> str:
        return f"<ecskit sandbox clock {self._mode}, {self.step:g} s a step>"
