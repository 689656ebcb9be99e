"""What a loaded body said, kept in the request until the user changes the inputs behind it.

Inputs cannot show every value a body may hold: a size the table lacks, an absent key the form
would fill in, "1 vCPU" that the form would write as 1024. A form shows the loaded value as best
its inputs can (a dropdown offers the value it lacks) and the request keeps the loaded value
itself — its spelling, its absence, its members no input shows — until one of the inputs that
make that key changes. So the preview shows what was loaded and the rules judge that.
"""

from __future__ import annotations

import copy
from typing import Any

_NOTHING = object()


class LoadedValues:
    """The loaded body and, per request key, the inputs' values it was shown with."""

    def __init__(self) -> None:
        self.body: dict[str, Any] | None = None
        self.shown: dict[str, Any] = {}

    def remember(self, body: dict[str, Any] | None, shown: dict[str, Any]) -> None:
        """Keep `body`; `shown` maps each request key to its inputs' values as loaded."""
        self.body = None if body is None else copy.deepcopy(body)
        self.shown = dict(shown)

    def keep(self, built: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
        """`built` with the loaded value (or absence) of every key whose inputs are unchanged."""
        if self.body is None:
            return built
        for key, now in shown.items():
            if self.shown.get(key, _NOTHING) != now:
                continue  # the user changed it: the inputs say what to send
            if key in self.body:
                built[key] = copy.deepcopy(self.body[key])
            else:
                built.pop(key, None)
        return built
