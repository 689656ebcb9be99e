"""Test helper: does AWS's answer hold what the form sent, unchanged?"""

from __future__ import annotations

from typing import Any


def subset_matches(sent: Any, answered: Any) -> bool:
    """True when every value in `sent` is in `answered` unchanged (AWS adds defaults, not edits)."""
    if isinstance(sent, dict):
        return isinstance(answered, dict) and all(
            key in answered and subset_matches(value, answered[key]) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(answered, list)
            and len(sent) == len(answered)
            and all(subset_matches(a, b) for a, b in zip(sent, answered, strict=True))
        )
    return bool(sent == answered)
