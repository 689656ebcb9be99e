"""Every request is checked against botocore's input model before moto sees it.

A request that is not JSON, has a member of the wrong type, misses a required member, or has a
value outside the model's enums, lengths, ranges or patterns is answered with the service's own
error and never reaches moto, so moto never stores half a request. What passes reaches moto
cleaned: JSON nulls and members the model does not have are dropped, as AWS ignores them.

The model checks are `ecskit.rules.model`'s, compiled once per operation; the error codes and
wording are the services' own (sources in docs/sandbox-errors.md).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from ecskit.rules import model

from .errors import EcsError

# The services the sandbox hosts that speak JSON (awsJson1_0/1_1): X-Amz-Target prefix -> name.
JSON_SERVICES = ("ecs", "logs", "ecr", "ssm", "application-autoscaling", "secretsmanager",
                 "servicediscovery", "cloudwatch")  # fmt: skip
# The error a value the model refuses becomes, per service (all HTTP 400).
_TYPE_ERROR = "SerializationException"
_VALUE_ERRORS = {
    "ecs": "InvalidParameterException",
    "logs": "InvalidParameterException",
    "ecr": "InvalidParameterException",
    "ssm": "ValidationException",
    "application-autoscaling": "ValidationException",
    "secretsmanager": "InvalidParameterException",
    "servicediscovery": "InvalidInput",
    "cloudwatch": "InvalidParameterValue",
}


class RequestError(EcsError):
    """A request refused before moto saw it: the code, HTTP status and message to answer."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code, message)
        self.status = status


@cache
def services_by_target() -> dict[str, str]:
    """X-Amz-Target prefix -> botocore service name, read from each service's model."""
    found = {}
    for name in JSON_SERVICES:
        prefix = model.service_model(name).metadata.get("targetPrefix")
        if prefix:
            found[prefix] = name
    return found


@cache
def operations(service: str) -> frozenset[str]:
    return frozenset(model.service_model(service).operation_names)


def read_json(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or SerializationException as the services answer."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:  # json's C parser stops ~1,000 levels down, in microseconds
        raise RequestError(
            "SerializationException", "The request body nests too deeply to be read."
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(
            "SerializationException", f"The request body is not JSON: {exc}"
        ) from None
    if not isinstance(body, dict):
        raise RequestError(
            "SerializationException",
            f"The request body must be a JSON object {{...}}, not {_JSON_NAMES[type(body)]}.",
        )
    return body


def check(service: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """`body` checked against the model of `service`'s `operation`; the cleaned body.

    Raises RequestError: SerializationException for a wrong JSON type, else the service's
    validation error naming every field that is wrong.
    """
    if operation not in operations(service):
        raise RequestError(
            "UnknownOperationException", f"{operation} is not an operation of {service}.", 400
        )
    problems = [p for p in model.check_request(service, operation, body) if not _ignored(p)]
    if not problems:
        return clean(service, operation, body)
    shape = _input_shape(service, operation)
    types = [p for p in problems if p.rule == model.TYPE.id]
    if types:  # the JSON could not be read into the shape: Coral's deserializer answers
        raise RequestError(_TYPE_ERROR, _type_message(shape, body, types[0].path))
    too_wide = [p for p in problems if p.rule == model.RANGE.id and _too_wide(shape, body, p)]
    if too_wide:  # a number no Java integer/long holds fails in the deserializer too
        expected, _ = _at(shape, body, too_wide[0].path)
        kind = _JAVA_TYPES[expected.type_name]
        raise RequestError(_TYPE_ERROR, f"NUMBER_VALUE cannot be converted to {kind}")
    code = _VALUE_ERRORS.get(service, _VALUE_ERRORS["ecs"])
    if service == "ecs":
        # ECS words its own checks (docs/sandbox-errors.md, questions 1 and 3)
        code = "ClientException" if operation == "RegisterTaskDefinition" else code
        raise RequestError(code, "; ".join(_ecs_message(shape, body, p) for p in problems[:3]))
    if service == "cloudwatch" and problems[0].rule == model.REQUIRED.id:
        # CloudWatch's own words (docs/sandbox-errors.md, question 10)
        name = problems[0].path
        raise RequestError("MissingParameter", f"The parameter {name} is required.")
    # Coral's validation message, as CloudWatch Logs, Cloud Map and SSM answer it (question 10)
    found = [_coral_constraint(shape, body, p) for p in problems]
    count = len(found)
    raise RequestError(
        code,
        f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(found),
    )


def _coral_constraint(shape: Any, body: Any, problem: Any) -> str:
    """One problem as Coral words it: "Value 'x' at 'path' failed to satisfy constraint: ..."."""
    expected, value = _at(shape, body, problem.path)
    meta = getattr(expected, "metadata", {})
    text = str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    shown = "null" if value is None else f"'{text}'" if isinstance(value, str) else text
    if problem.rule == model.REQUIRED.id:
        rule = "Member must not be null"
    elif problem.rule == model.LENGTH.id:
        too_short = meta.get("min") is not None and len(value) < meta["min"]
        rule = (
            f"Member must have length greater than or equal to {meta['min']}"
            if too_short
            else f"Member must have length less than or equal to {meta.get('max')}"
        )
    elif problem.rule == model.RANGE.id and meta.get("min") is not None and value < meta["min"]:
        rule = f"Member must have value greater than or equal to {meta['min']}"
    elif problem.rule == model.RANGE.id:
        rule = f"Member must have value less than or equal to {meta.get('max')}"
    elif problem.rule == model.PATTERN.id:
        rule = f"Member must satisfy regular expression pattern: {meta.get('pattern')}"
    else:
        return problem.message
    return f"Value {shown} at '{problem.path}' failed to satisfy constraint: {rule}"


def check_query(service: str, form: bytes, query: str) -> None:
    """A query-protocol request (EC2, IAM, ELBv2, ...): its required top-level parameters.

    Their form flattens nested members (`Subnets.member.1`), so only the first level is read.
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    try:
        pairs += parse_qsl(form.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise RequestError("MalformedQueryString", "The request body is not UTF-8.") from None
    params = dict(pairs)
    operation = params.get("Action", "")
    if operation not in operations(service):
        # AWS's common error for an action a query-protocol service does not have
        # (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonErrors.html)
        raise RequestError("InvalidAction", f"The action {operation!r} is not valid for {service}.")
    shape = _input_shape(service, operation)
    if shape is None:
        return
    given = {key.split(".")[0] for key in params}
    for name in shape.required_members:
        wire = shape.members[name].serialization.get("name", name)
        if name not in given and wire not in given:
            if service == "ec2":
                raise RequestError(
                    "MissingParameter", f"The request must contain the parameter {wire}"
                )
            raise RequestError(
                "ValidationError",
                f"1 validation error detected: Value null at '{_lower_first(name)}' failed to "
                "satisfy constraint: Member must not be null",
            )


def clean(service: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body without JSON nulls and members the model does not have."""
    shape = _input_shape(service, operation)
    return _clean(shape, body) if shape is not None else {}


@cache
def _input_shape(service: str, operation: str) -> Any:
    return model.service_model(service).operation_model(operation).input_shape


# Coral's words when JSON cannot become the request's Java object (docs/sandbox-errors.md,
# question 2: "STRING_VALUE cannot be converted to Integer" from ECS; the rest as measured on
# another Coral JSON service by dynalite's test suite).
_JAVA_TYPES = {"string": "String", "integer": "Integer", "long": "Long",
               "boolean": "Boolean", "double": "Double", "float": "Float", "timestamp": "Date",
               "blob": "ByteBuffer"}  # fmt: skip


def _too_wide(shape: Any, body: Any, problem: Any) -> bool:
    expected, value = _at(shape, body, problem.path)
    width = model.WIDTH.get(getattr(expected, "type_name", ""))
    return width is not None and isinstance(value, int) and not -width <= value < width


def _type_message(shape: Any, body: Any, path: str) -> str:
    expected, given = _at(shape, body, path)
    kind = getattr(expected, "type_name", "structure")
    if isinstance(given, dict):
        return "Start of structure or map found where not expected"
    if isinstance(given, list):
        name = _JAVA_TYPES.get(kind)
        return "Unrecognized collection type class " + (
            f"java.lang.{name}" if name else getattr(expected, "name", "Object")
        )
    if kind in ("list", "map", "structure"):
        return "Unexpected field type"
    if isinstance(given, bool):
        value_kind = "TRUE_VALUE" if given else "FALSE_VALUE"
    elif isinstance(given, int):
        value_kind = "NUMBER_VALUE"
    elif isinstance(given, float):
        value_kind = "DECIMAL_VALUE"
    else:
        value_kind = "STRING_VALUE"
    return f"{value_kind} cannot be converted to {_JAVA_TYPES[kind]}"


def _ecs_message(shape: Any, body: Any, problem: Any) -> str:
    """ECS's wording for a missing member or a value outside an enum (else ecskit's own)."""
    path = problem.path
    name = path.split(".")[-1].split("[")[0] or path
    if problem.rule == model.REQUIRED.id:
        return f"{name[:1].upper()}{name[1:]} can not be blank."
    if problem.rule == model.ENUM.id:
        expected, given = _at(shape, body, path)
        allowed = ",".join(expected.metadata.get("enum", ()))
        return f"{given} is not a valid value for {name}. The value must be one of [{allowed}]"
    return problem.message


def _at(shape: Any, value: Any, path: str) -> tuple[Any, Any]:
    """The shape and the value at a problem's path (`a.b[0].c`), as far as the body goes."""
    for token in re.findall(r"\[\d+\]|[^.\[\]]+", path):
        if shape is None:
            break
        if token.startswith("["):
            shape = getattr(shape, "member", None)
            index = int(token[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            if shape.type_name == "map":
                shape = shape.value
            else:
                shape = getattr(shape, "members", {}).get(token)
            value = value.get(token) if isinstance(value, dict) else None
    return shape, value


def _clean(shape: Any, value: Any) -> Any:
    if shape.metadata.get("document"):
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {
            name: _clean(shape.members[name], item)
            for name, item in value.items()
            if item is not None and name in shape.members
        }
    if kind == "list" and isinstance(value, list):
        return [_clean(shape.member, item) for item in value if item is not None]
    if kind == "map" and isinstance(value, dict):
        return {k: _clean(shape.value, v) for k, v in value.items() if v is not None}
    return value


def _ignored(problem: Any) -> bool:
    # AWS ignores members it does not know (the forms still flag them: often a typo)
    return problem.rule == model.UNKNOWN.id


_JSON_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}  # fmt: skip


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]
