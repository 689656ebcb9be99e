"""Widget tests need the rules engine (every form checks through it)."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "ecskit.rules", reason="ecskit.rules (the rules engine every form checks with) is not built yet"
)
