"""Loading a request body into a form: its shape checked first, and nothing changed on failure.

A body whose fields have the wrong JSON type (`{"family": 5}`, an object where a list goes)
is refused before any input is touched, with the field and the type it needs; should a body
of the right shape still fail to fill the form, every input is put back as it was.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._fields import InputProblem

# At most this many wrong fields are named in one message (the rest are counted).
SHOWN = 4


def shape_problems(kind: str, body: Any) -> list[Any]:
    """What makes `body` impossible to show in a form of `kind`: wrong JSON types, by field.

    Other problems (a missing field, an unknown one, a value out of range) load, and are then
    shown beside their fields by the form's own check.
    """
    if not isinstance(body, dict):
        shown = type(body).__name__ if isinstance(body, list) else repr(body)[:40]
        return [InputProblem("", f"The body must be a JSON object {{...}}, not {shown}.")]
    from ..rules.model import TYPE, check

    # the model's messages name the field and the type it needs: "family must be text, not 5."
    return [problem for problem in check(kind, body) if problem.rule == TYPE.id]


def unfillable(kind: str, body: Any) -> list[Any]:
    """Why a body of the right shape could not fill the form: the rules' errors, or a hint."""
    from ..rules import validate

    errors = [problem for problem in validate(kind, body) if problem.severity == "error"]
    return errors or [InputProblem("", "The form cannot show this body: check it with validate.")]


def without_nulls(value: Any) -> Any:
    """`value` with every JSON null left out: AWS treats a null member as absent."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value if item is not None]
    return value


def refusal(problems: list[Any]) -> str:
    """One message for a refused load: the wrong fields, what each needs, nothing changed."""
    said = " ".join(problem.message for problem in problems[:SHOWN])
    more = len(problems) - SHOWN
    if more > 0:
        said += f" (and {more} more)"
    return f"Nothing was loaded: {said} Fix the JSON and load it again."


class Inputs:
    """The values (and choices) of every input of some objects, to put back after a failed load.

    `parts` are the form and the objects that hold its inputs (container editors, port rows);
    `kept` names the plain attributes of the form a load replaces (its extra keys, editors...).
    """

    def __init__(self, form: Any, parts: list[Any], kept: tuple[str, ...]) -> None:
        self.form = form
        self.attributes = {name: getattr(form, name) for name in kept if hasattr(form, name)}
        self.values: list[tuple[widgets.Widget, dict[str, Any]]] = []
        for part in parts:
            for item in vars(part).values():
                if isinstance(item, widgets.ValueWidget) and item is not form.json_input:
                    state = {"value": item.value}
                    if hasattr(item, "options"):  # choices first: setting them resets the value
                        state = {"options": item.options, **state}
                    self.values.append((item, state))

    def put_back(self) -> None:
        for name, value in self.attributes.items():
            setattr(self.form, name, value)
        for item, state in self.values:
            for trait, value in state.items():
                if getattr(item, trait) != value:
                    setattr(item, trait, value)
