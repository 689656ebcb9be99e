"""The sweep: every constraint botocore's ECS documentation states for a request the rules check,
with the rule that checks it or the reason none is needed (docs/rules.md, "The sweep").

The statements are read from the installed botocore's ECS model: the documentation string of every
member of every shape reachable from RegisterTaskDefinition, CreateCluster, CreateService,
UpdateService and RunTask, split into sentences, keeping those that state a requirement ("required",
"must", "not supported", a range, a maximum, valid values). `sweep()` pairs each with the first
entry of `sweep_table.TABLE` that matches it; tests/rules/test_sweep.py fails on any statement no
entry matches (a newer botocore documenting a new constraint) and on any entry that names a rule
that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .model import OPERATIONS, service_model

# Words that make a sentence a statement of a constraint (the rest is description).
_CONSTRAINT = re.compile(
    r"\b(required|not supported|isn't supported|aren't supported|must|between|maximum|minimum|"
    r"valid values|can't|cannot|only supported|up to)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Why a statement needs no rule of its own.
REASONS = {
    "model": "Checked by the model rules (model.required, model.enum, model.length, model.range, "
    "model.pattern): botocore's model carries the constraint itself.",
    "describes": "Describes what ECS, Docker or the agent does, not what a request may contain.",
    "instance": "Depends on the container instance (its AMI, agent, Docker daemon or free "
    "resources), which a request does not show: ECS decides it when it places the task.",
    "account": "Needs the account's state (whether a resource exists, is unique, or what a role "
    "may do): the sandbox answers it as ECS does, and the forms list only what exists.",
    "console": "About the AWS console, not the API.",
    "elsewhere": "A constraint on another service's resource (ELBv2, EFS, S3 Files, KMS, Cloud "
    "Map), set in that service, not in this request.",
    "not-emulated": "A feature the sandbox and forms do not offer yet (daemons, gateways, VPC "
    "Lattice, App Mesh proxies, Elastic Inference, confidential sandboxes, GPUs): ECS's own "
    "check answers it on a real account.",
}


@dataclass(frozen=True)
class Statement:
    """One sentence of botocore's ECS documentation that states a constraint."""

    shape: str
    member: str
    sentence: str
    kinds: tuple[str, ...]

    @property
    def where(self) -> str:
        """Shape.member, or the Shape alone for its own documentation."""
        return f"{self.shape}.{self.member}" if self.member else self.shape


@dataclass(frozen=True)
class Verdict:
    """What covers a statement: a rule id, or a reason from REASONS (with a note)."""

    statement: Statement
    rule: str | None
    reason: str | None
    note: str = ""
    entry: int | None = None  # which entry of sweep_table.TABLE matched


def _text(html: str | None) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).replace("&gt;", ">").strip()


@cache
def statements() -> tuple[Statement, ...]:
    """Every constraint sentence, once, with the request kinds whose body can hold it."""
    found: dict[tuple[str, str, str], set[str]] = {}
    model = service_model()
    for kind, operation in OPERATIONS.items():
        seen: set[str] = set()
        stack = [model.operation_model(operation).input_shape]
        while stack:
            shape = stack.pop()
            if shape.type_name == "list":
                stack.append(shape.member)
                continue
            if shape.type_name == "map":
                stack.append(shape.value)
                continue
            if shape.type_name != "structure" or shape.name in seen:
                continue
            seen.add(shape.name)
            for sentence in _SENTENCE_END.split(_text(shape.documentation)):
                if _CONSTRAINT.search(sentence):
                    found.setdefault((shape.name, "", sentence), set()).add(kind)
            for name, member in shape.members.items():
                for sentence in _SENTENCE_END.split(_text(member.documentation)):
                    if _CONSTRAINT.search(sentence):
                        found.setdefault((shape.name, name, sentence), set()).add(kind)
                stack.append(member)
    order = {kind: i for i, kind in enumerate(OPERATIONS)}
    return tuple(
        Statement(shape, member, sentence, tuple(sorted(kinds, key=order.__getitem__)))
        for (shape, member, sentence), kinds in found.items()
    )


def _model_covers(statement: Statement) -> bool:
    """A "required" the model marks required, or "valid values" of a model enum."""
    shape = service_model().shape_for(statement.shape)
    if not statement.member:
        return False
    member = shape.members[statement.member]
    text = statement.sentence.lower()
    if "required" in text and statement.member in shape.required_members:
        return "if " not in text and "when " not in text
    return bool(getattr(member, "enum", None)) and "valid values" in text


def sweep() -> list[Verdict]:
    """Each statement with what covers it (rule None and reason None: not covered)."""
    from .sweep_table import TABLE

    verdicts = []
    for statement in statements():
        verdict = Verdict(statement, None, None)
        for entry, (where, pattern, covered_by, note) in enumerate(TABLE):
            if not _matches(where, statement) or not re.search(
                pattern, statement.sentence, re.IGNORECASE
            ):
                continue
            if covered_by in REASONS:
                verdict = Verdict(statement, None, covered_by, note, entry)
            else:
                verdict = Verdict(statement, covered_by, None, note, entry)
            break
        else:
            if _model_covers(statement):
                verdict = Verdict(statement, None, "model")
        verdicts.append(verdict)
    return verdicts


def _matches(where: str, statement: Statement) -> bool:
    """`where` is "Shape.member", either part "*", several joined by "|"."""
    for one in where.split("|"):
        shape, _, member = one.partition(".")
        shape_ok = shape in ("*", statement.shape) or (
            shape.startswith("*") and statement.shape.endswith(shape[1:])
        )
        if shape_ok and member in ("*", statement.member):
            return True
    return False


def markdown() -> list[str]:
    """The sweep as docs/rules.md's last section: counts, then every statement and its cover."""
    verdicts = sweep()
    by_rule = sum(1 for v in verdicts if v.rule)
    lines = [
        "## The sweep: botocore's ECS documentation, statement by statement",
        "",
        f"{len(verdicts)} sentences of botocore's ECS documentation (botocore "
        f"{_botocore_version()}) state a requirement for a request these rules check. "
        f"{by_rule} are checked by a rule; the others need none, for the reason given "
        "(tests/rules/test_sweep.py fails when a newer botocore states one that is not in this "
        "table).",
        "",
        "| where | statement | checked by |",
        "| --- | --- | --- |",
    ]
    for v in sorted(verdicts, key=lambda v: (v.statement.where, v.statement.sentence)):
        cover = f"`{v.rule}`" if v.rule else (f"{v.reason}" if v.reason else "**not covered**")
        if v.note:
            cover += f": {v.note}"
        sentence = v.statement.sentence.replace("|", "\\|")
        if len(sentence) > 220:
            sentence = sentence[:217] + "..."
        lines.append(f"| `{v.statement.where}` | {sentence} | {cover} |")
    lines += ["", "Reasons:", ""]
    lines += [f"- **{key}**: {text}" for key, text in REASONS.items()]
    return lines


def _botocore_version() -> str:
    import botocore

    return botocore.__version__
