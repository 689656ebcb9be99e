"""A form field: one input, the request path it fills, and the problems shown beside it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

LABEL_WIDTH = "170px"


@dataclass(frozen=True)
class InputProblem:
    """Typed input that cannot become a request value; shaped like rules.Problem."""

    path: str
    message: str
    severity: str = "error"
    rule: str = "input"
    source: str = ""


def problem_html(problems: list[Any]) -> str:
    """Problems as lines with stable classes: `ecskit-problem ecskit-error|ecskit-warning`."""
    lines = []
    for problem in problems:
        source = getattr(problem, "source", "")
        link = (
            f' <a href="{escape(source)}" target="_blank" rel="noopener">(docs)</a>'
            if source
            else ""
        )
        icon = "✖" if problem.severity == "error" else "⚠"
        color = "#b00020" if problem.severity == "error" else "#8a6d00"
        lines.append(
            f'<div class="ecskit-problem ecskit-{escape(problem.severity)}" '
            f'data-rule="{escape(str(getattr(problem, "rule", "")))}" '
            f'style="color:{color};font-size:12px;line-height:1.3">'
            f"{icon} {escape(problem.message)}{link}</div>"
        )
    return "".join(lines)


def offer(dropdown: widgets.Dropdown, value: Any, label: str) -> None:
    """Select `value`, offering it (as `label`) when the list lacks it: a load shows, not fixes."""
    if value not in [v for _, v in dropdown.options]:
        dropdown.options = [*dropdown.options, (label, value)]
    dropdown.value = value


def slug(path: str) -> str:
    """A CSS-safe name for a request path: containerDefinitions[0].name -> containers-0-name."""
    text = path.replace("containerDefinitions", "containers")
    for old, new in (("[", "-"), ("]", ""), (".", "-")):
        text = text.replace(old, new)
    return text


class Field:
    """One labelled input bound to a request path; shows the problems whose path falls under it.

    A field without an input (`widget=None`) is an anchor: a section that collects problems
    about a whole part of the request (a container, a port mapping).
    """

    def __init__(
        self,
        path: str,
        widget: widgets.Widget | None = None,
        *,
        label: str = "",
        help: str = "",
        name: str | None = None,
        extra: list[widgets.Widget] | None = None,
    ) -> None:
        self.path = path
        self.widget = widget
        self.problems: list[Any] = []
        self.problems_html = widgets.HTML()
        self.problems_html.add_class("ecskit-problems")
        self.help = widgets.HTML(
            f'<span style="color:#555;font-size:12px">{escape(help)}</span>' if help else ""
        )
        self.help.add_class("ecskit-help")
        row: list[widgets.Widget] = []
        if label:
            # a fixed column that never shrinks: every input of a form starts at the same x
            self.label = widgets.HTML(
                f"<b>{escape(label)}</b>",
                layout={"width": LABEL_WIDTH, "min_width": LABEL_WIDTH, "flex": "0 0 auto"},
            )
            self.label.add_class("ecskit-field-label")
            row.append(self.label)
        if widget is not None:
            row.append(widget)
        row.extend(extra or [])
        self.box = widgets.VBox(
            [widgets.HBox(row), self.help, self.problems_html] if row else [self.problems_html]
        )
        self.box.add_class("ecskit-field")
        self.box.add_class(f"ecskit-field-{name or slug(path)}")

    def covers(self, path: str) -> bool:
        """Whether a problem at `path` belongs to this field (the path or anything under it)."""
        if not self.path:
            return False
        return path == self.path or path.startswith((self.path + ".", self.path + "["))

    def show(self, problems: list[Any]) -> None:
        if [(p.path, p.message) for p in problems] == [(p.path, p.message) for p in self.problems]:
            return  # unchanged: send nothing to the browser
        self.problems = list(problems)
        self.problems_html.value = problem_html(problems)
        if self.widget is not None:
            errored = any(p.severity == "error" for p in problems)
            (self.widget.add_class if errored else self.widget.remove_class)("ecskit-invalid")


def assign(problems: list[Any], fields: list[Field]) -> tuple[dict[int, list[Any]], list[Any]]:
    """Problems per field (by the most specific covering path) and those no field covers."""
    placed: dict[int, list[Any]] = {id(field): [] for field in fields}
    rest: list[Any] = []
    for problem in problems:
        best: Field | None = None
        for field in fields:
            if field.covers(problem.path) and (best is None or len(field.path) > len(best.path)):
                best = field
        if best is None:
            rest.append(problem)
        else:
            placed[id(best)].append(problem)
    return placed, rest
