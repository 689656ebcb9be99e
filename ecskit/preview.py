"""One request, three ways to send it: its JSON, boto3 code, and an AWS CLI command.

Each is copy-pasteable and correct: the boto3 code runs as-is where a `session` (an
`ecskit.Session` or a `boto3.Session`) exists, and the CLI command runs in a shell.

>>> print(as_cli("ecs", "deregister_task_definition", {"taskDefinition": "web:1"}))
aws ecs deregister-task-definition --cli-input-json '{
  "taskDefinition": "web:1"
}'
"""

from __future__ import annotations

import json
import keyword
import shlex
from typing import Any


def as_json(body: dict[str, Any]) -> str:
    """The request body as the API, the CLI's --cli-input-json and the console spell it."""
    return json.dumps(body, indent=2)


def as_boto3(service: str, operation: str, body: dict[str, Any]) -> str:
    """Python that sends `body`: `response = client.operation(key=value, ...)`.

    `operation` is boto3's method name (`register_task_definition`).
    """
    lines = [f'{service} = session.client("{service}")', f"response = {service}.{operation}("]
    # Python reads non-ASCII names NFKC-normalized: only plain ASCII names stay themselves
    if all(key.isascii() and key.isidentifier() and not keyword.iskeyword(key) for key in body):
        lines += [f"    {key}={python_literal(value, 1)}," for key, value in body.items()]
    else:  # a key Python cannot take as a keyword argument: pass the dict as it is
        lines.append(f"    **{python_literal(body, 1)},")
    lines.append(")")
    return "\n".join(lines)


def python_literal(value: Any, depth: int = 0) -> str:
    """`value` as Python source, one item a line when it does not fit (like black would)."""
    flat = repr(value)
    if len(flat) + 4 * depth <= 88 or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = "    " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{inner}{key!r}: {python_literal(item, depth + 1)}," for key, item in value.items()
        ]
        return "{\n" + "\n".join(items) + "\n" + "    " * depth + "}"
    items = [f"{inner}{python_literal(item, depth + 1)}," for item in value]
    return "[\n" + "\n".join(items) + "\n" + "    " * depth + "]"


def cli_name(operation: str) -> str:
    """The AWS CLI's name for a boto3 operation: run_task -> run-task."""
    return operation.replace("_", "-")


def as_cli(service: str, operation: str, body: dict[str, Any], session: Any = None) -> str:
    """The AWS CLI command that sends `body` (to `session`'s endpoint, when one is given)."""
    command = f"{service} {cli_name(operation)} --cli-input-json {shlex.quote(as_json(body))}"
    if session is not None and hasattr(session, "cli"):
        return str(session.cli(command))
    return f"aws {command}"
