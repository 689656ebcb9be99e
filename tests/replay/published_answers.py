"""The answers AWS itself published, read at test time from the installed packages.

Two sources, both installed by the `test` extra (pyproject.toml: `awscli`, which brings botocore):

- aws-cli's examples, `awscli/examples/<service>/<command>.rst`: each holds commands
  (`aws ecs describe-tasks --cluster MyCluster ...`) each followed by an `Output::` block of the
  JSON the service answered;
- botocore's `botocore/data/<service>/<version>/examples-1.json`: input and output per operation.

Nothing is copied into the repository: the files are parsed where pip put them. Some blocks are
not JSON (a few are cut with `...`): they are counted in `skipped`, never guessed at.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import awscli
import botocore
import botocore.session
from botocore import xform_name

AWSCLI_EXAMPLES = Path(awscli.__file__).parent / "examples"
BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


@dataclass
class Answer:
    """One published answer: the operation, its request (as far as known) and its output."""

    service: str
    operation: str
    output: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass
class Published:
    answers: list[Answer] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of_service(self, service: str) -> list[Answer]:
        return [a for a in self.answers if a.service == service]

    def of(self, service: str, operation: str) -> list[Answer]:
        return [a for a in self.answers if (a.service, a.operation) == (service, operation)]


def literal_blocks(text: str) -> list[tuple[str, str]]:
    """(the paragraph line ending in `::`, the indented block after it) for every block."""
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        if not lines[i].rstrip().endswith("::"):
            i += 1
            continue
        j, body = i + 1, []
        while j < len(lines) and (not lines[j].strip() or lines[j][:1] in (" ", "\t")):
            body.append(lines[j])
            j += 1
        out.append((lines[i].strip(), textwrap.dedent("\n".join(body)).strip()))
        i = j
    return out


def command_params(command: str) -> tuple[str, dict[str, Any]]:
    """`aws ecs list-tasks --cluster default` -> ("list-tasks", {"cluster": "default"})."""
    words = shlex.split(command.replace("\\\n", " "))
    verb = words[2] if len(words) > 2 else ""
    params: dict[str, Any] = {}
    key = None
    for word in words[3:]:
        if word.startswith("--"):
            key = word[2:]
            params[key] = True
        elif key is not None:
            params[key] = word if params[key] is True else [*_list(params[key]), word]
    return verb, params


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _operations(service: str) -> dict[str, str]:
    """aws-cli command name -> botocore operation name."""
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op, "-"): op for op in model.operation_names}


def _from_awscli(service: str, published: Published) -> None:
    folder = AWSCLI_EXAMPLES / service
    operations = _operations(service)
    for path in sorted(folder.glob("*.rst")):
        command: tuple[str, dict[str, Any]] | None = None
        for head, block in literal_blocks(path.read_text(encoding="utf-8")):
            if block.startswith("aws "):
                command = command_params(block)
                continue
            if not head.startswith("Output::") or command is None:
                continue
            verb, params = command
            where = f"awscli/examples/{folder.name}/{path.name}"
            try:
                output = json.loads(block)
            except ValueError:
                published.skipped.append(f"{where}: an Output block that is not JSON")
                continue
            if verb in operations and isinstance(output, dict):
                published.answers.append(Answer(service, operations[verb], output, params, where))


def _from_botocore(service: str, published: Published) -> None:
    # only the API version clients speak (EC2 keeps examples of older versions beside it)
    version = botocore.session.get_session().get_service_model(service).api_version
    for path in sorted(BOTOCORE_DATA.glob(f"{service}/{version}/examples-1.json")):
        where = f"botocore/data/{service}/{path.parent.name}/examples-1.json"
        examples = json.loads(path.read_text(encoding="utf-8")).get("examples", {})
        for operation, cases in examples.items():
            for case in cases:
                if case.get("output"):
                    published.answers.append(
                        Answer(
                            service, operation, case["output"], case.get("input") or {},
                            f"{where} ({case.get('id', operation)})",
                        )
                    )  # fmt: skip


@cache
def published(*services: str) -> Published:
    """Every published answer of these services (aws-cli's examples, then botocore's)."""
    found = Published()
    for service in services:
        _from_awscli(service, found)
        _from_botocore(service, found)
    return found
