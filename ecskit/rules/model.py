"""Types, enums, lengths, ranges and required fields, read from botocore's ECS service model.

The model is walked once per operation, lazily, into small checking functions; a body is then
checked without touching botocore again (forms check on every keystroke).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from difflib import get_close_matches
from functools import cache
from typing import Any

from .model_patterns import in_words, matcher
from .problem import ERROR, Problem, rule

API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"

# request kind -> botocore operation
OPERATIONS = {
    "task-definition": "RegisterTaskDefinition",
    "cluster": "CreateCluster",
    "service": "CreateService",
    "update-service": "UpdateService",
    "run-task": "RunTask",
}
_KINDS = tuple(OPERATIONS)
_SOURCE = API + "API_Operations.html"

REQUIRED = rule(
    "model.required",
    ERROR,
    _KINDS,
    "A field the API marks as required is missing.",
    _SOURCE,
)
TYPE = rule(
    "model.type",
    ERROR,
    _KINDS,
    "A field has the wrong JSON type (text, whole number, true/false, list or object).",
    _SOURCE,
)
ENUM = rule(
    "model.enum",
    ERROR,
    _KINDS,
    "A field only takes one of the values the API lists.",
    _SOURCE,
)
LENGTH = rule(
    "model.length",
    ERROR,
    _KINDS,
    "A text or list is shorter or longer than the API allows.",
    _SOURCE,
)
RANGE = rule(
    "model.range",
    ERROR,
    _KINDS,
    "A number is outside the range the API allows.",
    _SOURCE,
)
PATTERN = rule(
    "model.pattern",
    ERROR,
    _KINDS,
    "A text has characters the API does not allow there (tag keys and values, instance types).",
    _SOURCE,
)
UNKNOWN = rule(
    "model.unknown-field",
    ERROR,
    _KINDS,
    "A field the API does not have (often a typo or wrong capitalisation).",
    _SOURCE,
)
Check = Callable[[Any, str, list[Problem]], None]

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "long": "a whole number",
    "boolean": "true or false",
    "double": "a number",
    "float": "a number",
    "list": "a list [...]",
    "map": "an object {...}",
    "structure": "an object {...}",
    "timestamp": "a date and time",
    "blob": "text",
}


# The largest magnitude a whole number of the model's integer (32-bit) or long (64-bit) holds.
WIDTH = {"integer": 2**31, "long": 2**63}


def _is_type(value: Any, type_name: str) -> bool:
    if type_name in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name in ("double", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name in ("string", "blob"):
        return isinstance(value, str | bytes) if type_name == "blob" else isinstance(value, str)
    if type_name == "list":
        return isinstance(value, list)
    if type_name in ("map", "structure"):
        return isinstance(value, dict)
    return True  # timestamps and documents: any JSON the CLI can turn into one


def _wrong_type(path: str, type_name: str, value: Any) -> Problem:
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if len(shown) > 40:
        shown = shown[:37] + "..."
    expected = _TYPE_NAMES[type_name]
    if type_name == "string" and isinstance(value, int | float) and not isinstance(value, bool):
        expected = f'text in quotes ("{value}")'
    return TYPE.at(path, f"{path or 'The body'} must be {expected}, not {shown}.")


def _unknown_message(where: str, name: str, members: dict[str, Any]) -> str:
    by_lower = {m.lower(): m for m in members}
    close = [by_lower[m] for m in get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)]
    if close:
        return f"{where} is not a field here: did you mean {close[0]}?"
    if len(members) <= 8:
        return f"{where} is not a field here: use one of {', '.join(members)}."
    return f"{where} is not a field here: remove it (see the API reference for the fields)."


def _compile(shape: Any, memo: dict[str, Check]) -> Check:
    """A function checking a value against `shape` (recursive shapes are compiled once)."""
    if shape.name in memo:
        return memo[shape.name]
    type_name = shape.type_name
    meta = shape.metadata
    if meta.get("document"):

        def check_any(value: Any, path: str, out: list[Problem]) -> None:
            return None

        memo[shape.name] = check_any
        return check_any

    if type_name == "structure":
        # a recursive shape meets itself through this forwarder until it is compiled
        holder: dict[str, Check] = {}
        memo[shape.name] = lambda value, path, out: holder["check"](value, path, out)
        members = {name: _compile(member, memo) for name, member in shape.members.items()}
        required = tuple(meta.get("required", ()))

        def check_structure(value: Any, path: str, out: list[Problem]) -> None:
            if not isinstance(value, dict):
                out.append(_wrong_type(path, "structure", value))
                return
            prefix = f"{path}." if path else ""
            for name in required:
                # JSON null is no value: AWS treats a null member as absent
                if value.get(name) is None:
                    out.append(REQUIRED.at(prefix + name, f"{prefix}{name} is required: add it."))
            for name, item in value.items():
                check = members.get(name)
                if check is None:
                    where = f"{prefix}{name}"
                    out.append(UNKNOWN.at(where, _unknown_message(where, str(name), members)))
                elif item is not None:
                    check(item, prefix + name, out)

        holder["check"] = check_structure
        memo[shape.name] = check_structure
        return check_structure

    if type_name == "list":
        item_check = _compile(shape.member, memo)
        low, high = meta.get("min"), meta.get("max")

        def check_list(value: Any, path: str, out: list[Problem]) -> None:
            if not isinstance(value, list):
                out.append(_wrong_type(path, "list", value))
                return
            if low is not None and len(value) < low:
                out.append(LENGTH.at(path, f"{path} needs at least {low} item(s)."))
            if high is not None and len(value) > high:
                out.append(LENGTH.at(path, f"{path} takes at most {high} items: remove some."))
            for index, item in enumerate(value):
                if item is not None:
                    item_check(item, f"{path}[{index}]", out)

        memo[shape.name] = check_list
        return check_list

    if type_name == "map":
        key_check = _compile(shape.key, memo)
        value_check = _compile(shape.value, memo)

        def check_map(value: Any, path: str, out: list[Problem]) -> None:
            if not isinstance(value, dict):
                out.append(_wrong_type(path, "map", value))
                return
            for key, item in value.items():
                where = f"{path}.{key}"
                key_check(key, where, out)
                if item is not None:
                    value_check(item, where, out)

        memo[shape.name] = check_map
        return check_map

    enum = frozenset(meta.get("enum", ()))
    shown_enum = ", ".join(meta.get("enum", ()))
    low, high = meta.get("min"), meta.get("max")
    if type_name in WIDTH:  # a number the service must hold: 32-bit integer, 64-bit long
        low = max(low, -WIDTH[type_name]) if low is not None else -WIDTH[type_name]
        high = min(high, WIDTH[type_name] - 1) if high is not None else WIDTH[type_name] - 1
    pattern = matcher(meta["pattern"]) if type_name == "string" and "pattern" in meta else None
    plain_string = (
        type_name == "string" and not enum and low is None and high is None and pattern is None
    )

    def check_scalar(value: Any, path: str, out: list[Problem]) -> None:
        if plain_string and type(value) is str:
            return  # the common case, answered at once
        if not _is_type(value, type_name):
            out.append(_wrong_type(path, type_name, value))
            return
        if enum and value not in enum:
            out.append(ENUM.at(path, f"{path} must be one of {shown_enum}, not {value!r}."))
        if type_name == "string":
            if low is not None and len(value) < low:
                out.append(LENGTH.at(path, f"{path} needs at least {low} character(s)."))
            if high is not None and len(value) > high:
                out.append(LENGTH.at(path, f"{path} takes at most {high} characters."))
            if pattern is not None and not pattern(value):
                out.append(
                    PATTERN.at(
                        path,
                        f"{path} has characters not allowed there: {in_words(meta['pattern'])}.",
                    )
                )
        elif type_name in ("integer", "long", "double", "float"):
            if value != value or value in (float("inf"), float("-inf")):
                out.append(RANGE.at(path, f"{path} must be a finite number, not {value!r}."))
            elif low is not None and value < low:
                out.append(RANGE.at(path, f"{path} must be at least {low}."))
            if high is not None and value > high:
                out.append(RANGE.at(path, f"{path} must be at most {high}."))

    memo[shape.name] = check_scalar
    return check_scalar


@cache
def service_model(service: str = "ecs") -> Any:
    """botocore's model of `service` (loaded once; the sandbox's request check reads it too)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@cache
def _memo(service: str) -> dict[str, Check]:
    """Compiled checks by shape name, one table per service (shape names repeat across them)."""
    return {}


# One compile at a time: a structure's forwarder is in the memo before its members are built,
# and another thread must never run it half-built (KeyError 'check' under parallel creates).
_COMPILING = threading.Lock()


def _compiled(shape: Any, service: str) -> Check:
    """`shape`'s check, built whole in a private copy of the service's memo and only then
    published: a failure midway leaves the shared memo as it was."""
    with _COMPILING:
        memo = _memo(service)
        if shape.name in memo:
            return memo[shape.name]
        building = dict(memo)
        check = _compile(shape, building)
        memo.update(building)
        return check


@cache
def operation_checker(service: str, operation: str) -> Check | None:
    """The compiled check for any operation of any botocore service (None: no input)."""
    shape = service_model(service).operation_model(operation).input_shape
    return None if shape is None else _compiled(shape, service)


def check_request(service: str, operation: str, body: Any) -> list[Problem]:
    """Model problems of `body` as a request of `service`'s `operation` (the sandbox's check).

    >>> [p.message for p in check_request("ecs", "RunTask", {"count": 2**40})]
    ['taskDefinition is required: add it.', 'count must be at most 2147483647.']
    """
    found = operation_checker(service, operation)
    out: list[Problem] = []
    if found is not None:
        found(body, "", out)
    return out


@cache
def input_shape(kind: str) -> Any:
    """botocore's input shape for a request kind."""
    return service_model().operation_model(OPERATIONS[kind]).input_shape


@cache
def checker(kind: str) -> Check:
    """The compiled check for a request kind's whole body."""
    return _compiled(input_shape(kind), "ecs")


def check(kind: str, body: Any) -> list[Problem]:
    """Model problems of `body` as a request of `kind`."""
    out: list[Problem] = []
    checker(kind)(body, "", out)
    return out


def enum_values(shape_name: str) -> tuple[str, ...]:
    """The values of one of the model's enums, e.g. "LogDriver"."""
    return tuple(service_model().shape_for(shape_name).metadata.get("enum", ()))
