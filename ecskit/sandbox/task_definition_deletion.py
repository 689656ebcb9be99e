"""DeleteTaskDefinitions: only INACTIVE revisions can be deleted; they become DELETE_IN_PROGRESS.

As documented (botocore's DeleteTaskDefinitions docstring,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteTaskDefinitions.html):
"You must deregister a task definition revision before you delete it", it "immediately
transitions from the INACTIVE to DELETE_IN_PROGRESS", "You must specify a revision", up to 10 a
call; tasks and services already using it go on; it cannot run new tasks or services; the family
name "is retained by Amazon ECS and the revision is incremented the next time you create a task
definition with that name".

moto 5.2.5 removes the revision from its store, so the next registration would reuse its number;
the sandbox keeps it, with status DELETE_IN_PROGRESS (ListTaskDefinitions shows it under that
status; RunTask and CreateService refuse it as they refuse any revision that is not ACTIVE).
The failure reasons are moto's wording (no public record of ECS's own was found).
"""

from __future__ import annotations

from typing import Any

from .errors import EcsError

LIMIT = 10
INVALID = (
    "The specified task definition identifier is invalid. Specify a valid name or ARN and try "
    "again."
)
MISSING = (
    "The specified task definition does not exist. Specify a valid account, family, revision "
    "and try again."
)
STILL_ACTIVE = (
    "The specified task definition is still in ACTIVE status. Please deregister the target and "
    "try again."
)


def _revision(backend: Any, name: str) -> tuple[Any, str | None]:
    """The revision `family:revision` (or its ARN) names, or the failure reason."""
    family, _, rev = name.split("/")[-1].partition(":")
    if not family or not rev.isdigit():
        return None, INVALID
    found = (backend.task_definitions.get(family) or {}).get(int(rev))
    if found is None:
        return None, MISSING
    if found.status == "ACTIVE":
        return None, STILL_ACTIVE
    return found, None


class TaskDefinitionDeletion:
    """op_DeleteTaskDefinitions (uses EcsLayer's moto())."""

    def op_DeleteTaskDefinitions(self, backend: Any, body: dict, environ: dict) -> dict:
        names = body.get("taskDefinitions") or []
        if not 1 <= len(names) <= LIMIT:
            raise EcsError(
                "InvalidParameterException",
                f"taskDefinitions must name 1 to {LIMIT} revisions (family:revision or ARN); "
                f"got {len(names)}.",
            )
        deleted, failures = [], []
        for name in names:
            revision, reason = _revision(backend, name)
            if reason is not None:
                failures.append({"arn": name, "reason": reason})
                continue
            revision.status = "DELETE_IN_PROGRESS"
            found = self.moto(environ, "DescribeTaskDefinition", {"taskDefinition": revision.arn})
            deleted.append(found["taskDefinition"])
        return {"taskDefinitions": deleted, "failures": failures}
