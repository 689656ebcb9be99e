"""Chapter 11: which calls does a read-only session refuse? The learner predicts, the check marks
each call by the guard's own rule (ecskit.backend: only Describe*, List*, Get*, BatchGet* and a
few named reads go through; the guard refuses the rest before anything is sent).

What each call does is botocore 1.44.8's ECS documentation, first sentence.
"""

from __future__ import annotations

from typing import Any

from ...backend import is_read_operation
from ..exercises import exercise
from ..result import Result
from .reading import API

# the call -> what it does (botocore's ECS documentation)
CALLS = {
    "ListClusters": "Returns a list of existing clusters.",
    "DescribeServices": "Describes the specified services running in your cluster.",
    "GetTaskProtection": "Retrieves the protection status of tasks in an Amazon ECS service.",
    "UpdateService": "Modifies the parameters of a service.",
    "TagResource": "Associates the specified tags to a resource with the specified resourceArn.",
    "StopTask": "Stops a running task.",
    "ExecuteCommand": "Runs a command remotely on a container within a task.",
}
ASK = 'check("11-read-only", your_read_only_session, refused=["...", ...])'


@exercise(
    "11-read-only",
    "what a read-only session refuses",
    "Make a read-only session (ecskit.connect(read_only=True)); predict which of "
    + ", ".join(CALLS)
    + " it refuses, and check with your read-only session: "
    "check('11-read-only', read_only_session, refused=[...]).",
    answers=("refused",),
)
def _read_only(session: Any, result: Result, refused: Any = None) -> None:
    result.add(
        getattr(session, "read_only", False) is True,
        "the session you passed is read-only",
        "make one with ecskit.connect(read_only=True) and pass it; on a real account read-only "
        "is the default",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
    )
    said = None if refused is None else {str(name) for name in _as_list(refused)}
    unknown = sorted((said or set()) - set(CALLS))
    for name, does in CALLS.items():
        truth = not is_read_operation(name)
        docs = API + f"API_{name}.html"
        if said is None:
            result.add(False, f"{name}: not predicted yet", f"predict first: {ASK}", docs)
            continue
        right = (name in said) == truth
        verdict = "refused" if truth else "allowed"
        result.add(
            right,
            f"{name}: you said {'refused' if name in said else 'allowed'}, it is {verdict}",
            f"{does} — "
            + (
                "it changes the account, so the guard stops it before it is sent"
                if truth
                else "it only reads, so it goes through"
            )
            + (f" (not calls of this list: {', '.join(unknown)})" if unknown else ""),
            docs,
        )


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value]
    return list(value)
