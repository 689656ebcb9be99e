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
from datetime import datetime, timezone

MODES = ("real", "instant", "manual")
DEFAULT_STEP = 0.75  # seconds per state change: a task is RUNNING ~2-3 s after RunTask


class ClockError(ValueError):
    """A clock mode or step the sandbox does not know."""


class Clock:
    """Sandbox time in epoch seconds, in one of MODES."""

    def __init__(self, mode: str | None = None, step: float | None = None) -> None:
        self._offset = 0.0
        self._frozen_at = time.time()
        self.rushing = False  # settle(): every state change takes no time, whatever the mode
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
        if value == "manual":
            self._frozen_at = self.now()
            self._offset = 0.0
        elif getattr(self, "_mode", None) == "manual":
            self._offset = self.now() - time.time()
        self._mode = value

    @property
    def instant(self) -> bool:
        return self._mode == "instant"

    def now(self) -> float:
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
        self._offset += seconds

    def __repr__(self) -> str:
        return f"<ecskit sandbox clock {self._mode}, {self.step:g} s a step>"
