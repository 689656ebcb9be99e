"""What `diagnose` answers: the cause in plain words, ECS's own words as evidence, the fix and the
page to read, as fields for code and as text or HTML for a notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass
class Diagnosis:
    """Why a task stopped or a service is not steady.

    `cause_id` is a stable name ("log-group-missing", "steady", "not-recognised"…); `cause`,
    `fix` and `docs` say it for a person; `evidence` quotes what ECS returned; `findings` are what
    the configuration shows (the network path, the execution role) whatever ECS said.
    """

    subject: str
    status: str
    cause_id: str
    cause: str
    explanation: str = ""
    fix: str = ""
    docs: str = ""
    evidence: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    recognised: bool = True
    healthy: bool = False

    @property
    def ok(self) -> bool:
        """Nothing wrong: running or steady, and no finding against the configuration."""
        return self.healthy and not self.findings

    def __str__(self) -> str:
        lines = [f"{self.subject}: {self.status}", f"Cause: {self.cause}"]
        if self.explanation:
            lines.append(f"  {self.explanation}")
        if self.evidence:
            lines.append("ECS says:")
            lines += [f"  {line}" for line in self.evidence]
        if self.findings:
            lines.append("The configuration shows:")
            lines += [f"  - {line}" for line in self.findings]
        if self.fix:
            lines.append(f"Fix: {self.fix}")
        if self.docs:
            lines.append(f"Read: {self.docs}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1d8102" if self.ok else ("#d13212" if self.recognised else "#8d6605")
        parts = [
            f"<div class='ecskit-diagnosis' data-cause='{escape(self.cause_id)}' "
            f"style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>",
            f"<div><b>{escape(self.subject)}</b> — {escape(self.status)}</div>",
            f"<div style='color:{colour}'><b>{escape(self.cause)}</b></div>",
        ]
        if self.explanation:
            parts.append(f"<div>{escape(self.explanation)}</div>")
        if self.evidence:
            quoted = "<br>".join(escape(line) for line in self.evidence)
            parts.append(
                "<div><small>ECS says:</small><div style='font-family:monospace;font-size:12px;"
                f"white-space:pre-wrap'>{quoted}</div></div>"
            )
        if self.findings:
            items = "".join(f"<li>{escape(line)}</li>" for line in self.findings)
            parts.append(f"<div><small>The configuration shows:</small><ul>{items}</ul></div>")
        if self.fix:
            parts.append(f"<div><b>Fix:</b> {escape(self.fix)}</div>")
        if self.docs:
            link = escape(self.docs)
            parts.append(f"<div><b>Read:</b> <a href='{link}' target='_blank'>{link}</a></div>")
        parts.append("</div>")
        return "".join(parts)
