"""The exercises that end each notebook, and `check`, which looks at the backend and says what is
right and what is missing, item by item, with the page to read.

The exercises themselves live with their chapter (`ecskit/course/chapters/`, 07 in
`deployment_predictions.py`, 08 in `startup_failures.py`); each registers itself here with
`@exercise`, and `ecskit.course` imports them all.

>>> check("02-worker", session)          # doctest: +SKIP
Exercise 02-worker (the smallest Fargate size for a worker): 6 of 9 right.
  ✔ task definition family worker is registered (revision 1)
  ✘ the smallest size that fits (cpu=1024, memory=2048) — ... (read: https://docs.aws...)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .result import Result

CheckFunction = Callable[[Any, Result], None]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (chapter-name), a short title, what the learner is asked to do."""

    id: str
    title: str
    task: str
    run: CheckFunction
    # the learner's answers this exercise takes as keyword arguments of check() (predictions)
    answers: tuple[str, ...] = ()


EXERCISES: dict[str, Exercise] = {}


def exercise(
    id: str, title: str, task: str, answers: tuple[str, ...] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        EXERCISES[id] = Exercise(id, title, task, function, answers)
        return function

    return register


def find(exercise_id: str | int) -> Exercise:
    """The exercise named `exercise_id`: its full id ("02-worker") or its chapter ("02", 2)."""
    text = str(exercise_id).strip()
    if text.isdigit():
        text = f"{int(text):02d}"
    matches = [e for key, e in EXERCISES.items() if key == text or key.split("-", 1)[0] == text]
    if len(matches) != 1:
        known = ", ".join(repr(key) for key in sorted(EXERCISES))
        raise ValueError(
            f"exercise_id={exercise_id!r} is not an exercise of the course; "
            f"the exercises are {known}."
        )
    return matches[0]


def check(exercise_id: str | int, session: Any, **answers: Any) -> Result:
    """Look at `session`'s backend and say, item by item, what the exercise asks that is done.

    Exercises that ask for a prediction take it as keyword arguments:
    `check("07-predict", session, canary_green_tasks=..., ...)`.
    """
    found = find(exercise_id)
    unknown = sorted(set(answers) - set(found.answers))
    if unknown:
        takes = ", ".join(found.answers) or "no answers, only the session"
        raise ValueError(
            f"check({found.id!r}, ...) got {', '.join(unknown)}: this exercise takes {takes}."
        )
    result = Result(found.id, found.title)
    if found.answers:
        found.run(session, result, **answers)  # type: ignore[call-arg]
    else:
        found.run(session, result)
    return result
