"""Task scale-in protection: UpdateTaskProtection and GetTaskProtection.

As the API reference documents them
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateTaskProtection.html and
botocore's ECS model):

- `protectionEnabled` true protects a task for `expiresInMinutes` (1 to 2,880; 120 when not
  given); each call resets the expiry, and once it lapses `protectionEnabled` reads false.
- Only tasks that belong to a service can be protected: a standalone task is a
  `TASK_NOT_VALID` failure; a task the cluster does not have is `MISSING` (the failure reason
  DescribeTasks gives, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html).
- UpdateTaskProtection takes up to 10 tasks, GetTaskProtection up to 100.

The protection is kept on moto's task object (`ecskit_protected_until`, sandbox clock seconds).
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import EcsError

DEFAULT_MINUTES = 120
MAX_MINUTES = 2880
UPDATE_LIMIT = 10
GET_LIMIT = 100


def find_task(backend: Any, cluster: Any, name: str) -> Any | None:
    """The cluster's task with this id or ARN, or None."""
    task_id = name.split("/")[-1]
    if not task_id:
        return None
    for arn, task in backend.tasks.get(cluster.name, {}).items():
        if arn.split("/")[-1] == task_id:
            return task
    return None


def task_arn(backend: Any, cluster: Any, name: str) -> str:
    """The ARN a task id stands for in this cluster (for failures)."""
    if name.startswith("arn:"):
        return name
    return f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:task/{cluster.name}/{name}"


def _check_count(key: str, names: list[str], limit: int) -> None:
    if len(names) > limit:
        raise EcsError(
            "InvalidParameterException",
            f"{key} can have at most {limit} items; got {len(names)}. Ask in batches of {limit}.",
        )


class TaskProtection:
    """The op_* handlers for task scale-in protection (uses EcsLayer's clock)."""

    def op_UpdateTaskProtection(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        names = body.get("tasks") or []
        _check_count("tasks", names, UPDATE_LIMIT)
        enabled = bool(body.get("protectionEnabled"))
        minutes = body.get("expiresInMinutes")
        if enabled and minutes is not None and not 1 <= minutes <= MAX_MINUTES:
            raise EcsError(
                "InvalidParameterException",
                f"expiresInMinutes must be between 1 and {MAX_MINUTES} (48 hours); got "
                f"{minutes}. Leave it out for the default of {DEFAULT_MINUTES} minutes.",
            )
        until = None
        if enabled:
            until = self.clock.now() + 60 * (minutes or DEFAULT_MINUTES)
        protected, failures = [], []
        for name in names:
            task, failure = self._protectable(backend, cluster, name)
            if failure is not None:
                failures.append(failure)
                continue
            task.ecskit_protected_until = until
            protected.append(self._protection(task))
        return {"protectedTasks": protected, "failures": failures}

    def op_GetTaskProtection(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        names = body.get("tasks") or []
        _check_count("tasks", names, GET_LIMIT)
        protected, failures = [], []
        for name in names:
            task, failure = self._protectable(backend, cluster, name)
            if failure is not None:
                failures.append(failure)
            else:
                protected.append(self._protection(task))
        return {"protectedTasks": protected, "failures": failures}

    def _protectable(self, backend: Any, cluster: Any, name: str) -> tuple[Any, dict | None]:
        task = find_task(backend, cluster, name)
        if task is None:
            return None, {"arn": task_arn(backend, cluster, name), "reason": "MISSING"}
        if not (task.group or "").startswith("service:"):
            # "Invoking this operation for a standalone task will result in an TASK_NOT_VALID
            # failure." (API_UpdateTaskProtection.html)
            return None, {
                "arn": task.task_arn,
                "reason": "TASK_NOT_VALID",
                "detail": "Task protection is only for tasks that belong to a service; this "
                "task was started on its own (RunTask or StartTask).",
            }
        return task, None

    def _protection(self, task: Any) -> dict:
        until = getattr(task, "ecskit_protected_until", None)
        if until is None or until <= self.clock.now():
            return {"taskArn": task.task_arn, "protectionEnabled": False}
        return {"taskArn": task.task_arn, "protectionEnabled": True, "expirationDate": until}


def is_protected(task: Any, now: float) -> bool:
    """Whether scale-in must spare this task now (for the service scheduler)."""
    until = getattr(task, "ecskit_protected_until", None)
    return until is not None and until > now
