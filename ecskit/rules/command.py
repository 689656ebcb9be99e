"""`ecskit validate FILE.json [--kind ...] [--json]`: check a request body from a file.

The file holds the body bare, as the AWS CLI's `--cli-input-json` file, or a
`{"taskDefinition": {...}}` answer of describe-task-definition (output-only fields dropped).
Exit status: 0 no error (warnings allowed), 1 any error, 2 the file could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .check import KINDS, validate

# describe-task-definition answers these; RegisterTaskDefinition does not take them
# (the one list: the form's load and the console's revision diff drop the same keys)
OUTPUT_ONLY = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "deleteRequestedAt",
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="JSON request body (bare, --cli-input-json, or described)")
    parser.add_argument("--kind", choices=KINDS, help="request kind (inferred when left out)")
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")


def infer_kind(body: dict[str, Any]) -> str | None:
    """The request kind a body looks like, from the fields only that kind has."""
    if "containerDefinitions" in body or "family" in body:
        return "task-definition"
    if "serviceName" in body:
        return "service"
    if "service" in body:
        return "update-service"
    if "taskDefinition" in body:
        return "run-task"
    if {"clusterName", "capacityProviders", "settings", "serviceConnectDefaults"} & set(body):
        return "cluster"
    return None


def unwrap(body: Any) -> Any:
    """A describe-task-definition answer becomes the body RegisterTaskDefinition takes."""
    if isinstance(body, dict) and isinstance(body.get("taskDefinition"), dict):
        inner = {k: v for k, v in body["taskDefinition"].items() if k not in OUTPUT_ONLY}
        if "containerDefinitions" in inner:
            return inner
    if isinstance(body, dict) and "containerDefinitions" in body:
        return {k: v for k, v in body.items() if k not in OUTPUT_ONLY}
    return body


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"ecskit validate: {path}: no such file", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        print(f"ecskit validate: {path}: cannot be read ({error})", file=sys.stderr)
        return 2
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        print(
            f"ecskit validate: {path}: not valid JSON at line {error.lineno}, column "
            f"{error.colno}: {error.msg}",
            file=sys.stderr,
        )
        return 2
    body = unwrap(body)
    kind = args.kind or (infer_kind(body) if isinstance(body, dict) else None)
    if kind is None:
        print(
            f"ecskit validate: {path}: cannot tell what request this is: give --kind "
            f"({', '.join(KINDS)})",
            file=sys.stderr,
        )
        return 2
    problems = validate(kind, body)
    if args.json:
        print(json.dumps([p.to_dict() for p in problems], indent=2))
    else:
        for problem in problems:
            where = problem.path or "(body)"
            print(f"{problem.severity:7} {problem.rule:34} {where}: {problem.message}")
            if problem.source:
                print(f"{'':7} {'':34} read: {problem.source}")
        errors = sum(p.severity == "error" for p in problems)
        print(f"{path}: {kind}, {errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if any(p.severity == "error" for p in problems) else 0
