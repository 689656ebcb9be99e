"""What the explorer shows for a node: its kind, name and the API's JSON, secrets hidden."""

from __future__ import annotations

from typing import Any

from .nodes import Node


def describe(node: Node) -> dict[str, Any]:
    """What the explorer shows for a node: its kind, name and the API's JSON (secrets hidden)."""
    raw = node.record.raw if node.record is not None else {}
    return {"kind": node.kind, "name": node.name, "id": node.id, "json": hide_values(raw)}


def hide_values(value: Any) -> Any:
    """The JSON with environment values hidden: a container's environment may hold secrets."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "environment" and isinstance(item, list):
                out[key] = [{"name": e.get("name"), "value": "…hidden…"} for e in item]
            else:
                out[key] = hide_values(item)
        return out
    if isinstance(value, list):
        return [hide_values(v) for v in value]
    return value
