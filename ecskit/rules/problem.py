"""A problem found in a request body, and the rule that finds it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: which rule, how bad, where, what to do, and why.

    `severity` is "error" when ECS rejects the request or the task cannot start, "warning"
    when it works but is risky. `path` is a field path such as
    `containerDefinitions[1].portMappings[0].hostPort` ("" for the whole body).
    """

    rule: str
    severity: str
    path: str
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.path or "(body)"
        return f"{self.severity} {self.rule} {where}: {self.message}"


@dataclass(frozen=True)
class Rule:
    """A documented ECS rule: stable id, severity, the request kinds it checks, and its source."""

    id: str
    severity: str
    kinds: tuple[str, ...]
    what: str
    source: str

    def at(
        self, path: str, message: str, *, severity: str | None = None, source: str | None = None
    ) -> Problem:
        """A problem found by this rule at `path` (a narrower source page may be given)."""
        return Problem(self.id, severity or self.severity, path, message, source or self.source)


# Every rule, by id, in the order the modules declare them: the catalogue reads this.
RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, kinds: tuple[str, ...], what: str, source: str) -> Rule:
    """Declare a rule once, at import time; its id must be new."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} is declared twice")
    RULES[rule_id] = Rule(rule_id, severity, kinds, what, source)
    return RULES[rule_id]
