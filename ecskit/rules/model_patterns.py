"""The model's text patterns (Java regexes) read in Python, and what they allow in words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_UNICODE_CLASS = re.compile(r"\\p\{(\w)\}")
# What the model's patterns allow, in words (botocore's ECS model: TagKey, TagValue, ...).
_ALLOWED = {
    "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)": "letters, numbers, spaces and _ . : / = + - @",
    "[a-zA-Z0-9\\.\\*\\-]+": "letters, numbers and . * -",
}


def in_words(pattern: str) -> str:
    """What `pattern` allows, in words when ecskit knows them, else the pattern itself."""
    return _ALLOWED.get(pattern, pattern)


def matcher(pattern: str) -> Callable[[str], bool] | None:
    """A whole-text test for one of the model's patterns (None if Python cannot read it).

    The model writes Java regexes; `\\p{L}`-style classes (letters, spaces, numbers), which
    Python's `re` lacks, are read for a single character class such as `([\\p{L}_.]*)`.
    """
    categories = tuple(_UNICODE_CLASS.findall(pattern))
    if not categories:
        try:
            compiled = re.compile(pattern)
        except re.error:
            return None
        return lambda text: compiled.fullmatch(text) is not None
    whole = re.fullmatch(r"\(?\[(.*)\]([*+])\)?", pattern)
    if whole is None:
        return None
    rest = _UNICODE_CLASS.sub("", whole.group(1))
    try:
        single = re.compile(f"[{rest}]") if rest else None
    except re.error:
        return None
    at_least_one = whole.group(2) == "+"

    def allowed(text: str) -> bool:
        if at_least_one and not text:
            return False
        return all(
            unicodedata.category(ch)[0] in categories
            or (single is not None and single.fullmatch(ch) is not None)
            for ch in text
        )

    return allowed
