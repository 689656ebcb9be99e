"""The graph tests draw the inventory tests' known account: share its builder and fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inventory"))

from known_account import account, known

__all__ = ["account", "known"]
