"""What an exercise check answers: each thing asked for, right or missing, how to fix it and
which page to read.

Every check reports the same items whatever the state: an item whose prerequisite is missing is
reported as not done, saying what to do first (`Result.waiting`), so "3 of 7 right" always counts
out of the same 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Item:
    """One thing the exercise asks for: `ok` or not, what it is, the hint when it is not, and the
    page to read about it."""

    ok: bool
    what: str
    hint: str = ""
    docs: str = ""

    def __str__(self) -> str:
        mark = "✔" if self.ok else "✘"
        if self.ok:
            return f"{mark} {self.what}"
        tail = f" — {self.hint}" if self.hint else ""
        read = f" (read: {self.docs})" if self.docs else ""
        return f"{mark} {self.what}{tail}{read}"


@dataclass
class Result:
    """The answer of `ecskit.course.check(...)`: every item, in the order the exercise asks."""

    exercise: str
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, ok: bool, what: str, hint: str = "", docs: str = "") -> bool:
        self.items.append(Item(bool(ok), what, hint, docs))
        return bool(ok)

    def waiting(self, what: str, first: str, docs: str = "") -> bool:
        """An item that cannot be looked at yet: not done, and what to do first."""
        return self.add(False, what, f"not checked yet: first {first}", docs)

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
        rows = "".join(_row(item) for item in self.items)
        return (
            f"<div class='ecskit-check' data-passed='{str(self.passed).lower()}'>"
            f"<b style='color:{colour}'>{escape(self.summary())}</b>"
            f"<ul style='margin:4px 0;padding-left:8px'>{rows}</ul></div>"
        )


def _row(item: Item) -> str:
    colour = "#1d8102" if item.ok else "#d13212"
    mark = f"<span style='color:{colour}'>{'✔' if item.ok else '✘'}</span>"
    detail = ""
    if not item.ok and (item.hint or item.docs):
        link = f" <a href='{escape(item.docs)}' target='_blank'>read more</a>" if item.docs else ""
        detail = f"<br><small>&nbsp;&nbsp;↳ {escape(item.hint)}{link}</small>"
    return f"<li style='list-style:none'>{mark} {escape(item.what)}{detail}</li>"
