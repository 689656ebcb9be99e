"""What an exercise check answers: each thing asked for, right or missing, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Item:
    """One thing the exercise asks for: `ok` or not, what it is, and the hint when it is not."""

    ok: bool
    what: str
    hint: str = ""

    def __str__(self) -> str:
        mark = "✔" if self.ok else "✘"
        tail = "" if self.ok or not self.hint else f" — {self.hint}"
        return f"{mark} {self.what}{tail}"


@dataclass
class Result:
    """The answer of `ecskit.course.check(...)`: every item, in the order the exercise asks."""

    exercise: str
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, ok: bool, what: str, hint: str = "") -> bool:
        self.items.append(Item(bool(ok), what, hint))
        return bool(ok)

    @property
    def passed(self) -> bool:
        return bool(self.items) and all(item.ok for item in self.items)

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if not item.ok]

    def __bool__(self) -> bool:
        return self.passed

    def summary(self) -> str:
        right = sum(item.ok for item in self.items)
        if self.passed:
            return f"Exercise {self.exercise} ({self.title}): all {right} right. Well done!"
        return f"Exercise {self.exercise} ({self.title}): {right} of {len(self.items)} right."

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(f"  {item}" for item in self.items)])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1d8102" if self.passed else "#d13212"
        rows = "".join(
            f"<li style='list-style:none'><span style='color:{'#1d8102' if i.ok else '#d13212'}'>"
            f"{'✔' if i.ok else '✘'}</span> {escape(i.what)}"
            + ("" if i.ok or not i.hint else f"<br><small>&nbsp;&nbsp;↳ {escape(i.hint)}</small>")
            + "</li>"
            for i in self.items
        )
        return (
            f"<div class='ecskit-check' data-passed='{str(self.passed).lower()}'>"
            f"<b style='color:{colour}'>{escape(self.summary())}</b>"
            f"<ul style='margin:4px 0;padding-left:8px'>{rows}</ul></div>"
        )
