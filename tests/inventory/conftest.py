"""The known account's fixtures (`account`, `known`), defined beside its builder."""

from __future__ import annotations

from known_account import account, known

__all__ = ["account", "known"]
