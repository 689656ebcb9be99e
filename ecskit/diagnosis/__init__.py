"""`diagnose`: what stopped a task or why a service is not steady, in plain words, with the fix and
the AWS page to read — from ECS's own words (stoppedReason, stopCode, containers' reasons and
exit codes, health, service events, deployments) and the configuration (task definition, network
path, execution role). Read-only: it works on a real account in read-only mode and on the
sandbox.

>>> ecskit.diagnose(session, cluster="course", service="web")   # doctest: +SKIP
service web (its task 5d2c…): 0 of 2 tasks running, 0 pending
Cause: the awslogs log group does not exist
...
"""

from __future__ import annotations

from typing import Any

from .causes import CAUSES, Cause, recognise
from .event_causes import EVENT_CAUSES
from .result import Diagnosis
from .service import attention, diagnose_service, last_failure
from .service import describe as describe_service
from .task import describe as describe_task
from .task import diagnose_task

__all__ = [
    "CAUSES",
    "EVENT_CAUSES",
    "Cause",
    "Diagnosis",
    "attention",
    "diagnose",
    "last_failure",
    "recognise",
]


def diagnose(
    session: Any, cluster: str = "default", task: str | None = None, service: str | None = None
) -> Diagnosis:
    """Diagnose one task (its ID or ARN) or one service (its name or ARN) of `cluster`."""
    if (task is None) == (service is None):
        raise ValueError(
            "diagnose needs task=... or service=..., not both and not neither: "
            'ecskit.diagnose(session, cluster="course", service="web").'
        )
    if not isinstance(cluster, str) or not cluster:
        raise ValueError(f"cluster={cluster!r}: give the cluster's name or ARN.")
    if task is not None:
        if not isinstance(task, str) or not task:
            raise ValueError(f"task={task!r}: give the task's ID or ARN.")
        return diagnose_task(session, describe_task(session, cluster, task))
    if not isinstance(service, str) or not service:
        raise ValueError(f"service={service!r}: give the service's name or ARN.")
    return diagnose_service(session, cluster, describe_service(session, cluster, service))
