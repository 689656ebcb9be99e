"""Reading a request body that may be anything: each reader returns a safe default."""

from __future__ import annotations

import re
from typing import Any

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
TD = ("task-definition",)  # the request kind of task-definition rules
# what ECS allows in a family, cluster, service and container name
NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int | None:
    """An integer field's value; None when absent or not a whole number (the model reports it)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) for the items of a list that are objects."""
    return [(i, item) for i, item in enumerate(as_list(value)) if isinstance(item, dict)]


def strings(value: Any) -> list[str]:
    return [item for item in as_list(value) if isinstance(item, str)]


def platform_version(value: Any) -> tuple[int, int, int] | None:
    """ "1.4.0" -> (1, 4, 0); None for LATEST, absent or not a version."""
    found = _VERSION.match(as_str(value).strip())
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def container_path(index: int) -> str:
    """containerDefinitions[index]: where a container's problems are reported."""
    return f"containerDefinitions[{index}]"
