"""Chapter 06: deregister the revision a service runs — after predicting what the service can
still do with it. The check tries each thing and marks each prediction.

Facts (botocore 1.44.8, DeregisterTaskDefinition): "Existing tasks and services that reference an
INACTIVE task definition continue to run without disruption. Existing services that reference an
INACTIVE task definition can still scale up or down by modifying the service's desired count";
"You can't use an INACTIVE task definition to run new tasks or create new services".
"""

from __future__ import annotations

from typing import Any

from ..catch_up import CLUSTER, default_network, settle
from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE, mark, service

DOCS = API + "API_DeregisterTaskDefinition.html"
STATES = GUIDE + "task-definition-state.html"
ASK = 'check("06-retire", session, keeps_running=..., can_scale=..., new_service=...)'
PROBE = "course-check-06"


@exercise(
    "06-retire",
    "what a service can still do with a deregistered revision",
    "Predict (True or False) whether service web, once web:2 is deregistered, keeps its tasks "
    "running, can still change its desired count, and whether a new service can use web:2; then "
    "deregister web:2 and check.",
    answers=("keeps_running", "can_scale", "new_service"),
)
def _retire(
    session: Any,
    result: Result,
    keeps_running: Any = None,
    can_scale: Any = None,
    new_service: Any = None,
) -> None:
    ecs = session.ecs
    try:
        status = ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]["status"]
    except ecs.exceptions.ClientException:
        status = "not registered"
    inactive = status == "INACTIVE"
    result.add(
        inactive,
        f"web:2 is deregistered ({status})",
        'session.ecs.deregister_task_definition(taskDefinition="web:2")',
        DOCS,
    )
    web = service(session, CLUSTER, "web")
    runs = web is not None and web["taskDefinition"].endswith("/web:2")
    questions = (
        "its tasks keep running",
        "it can change its desired count",
        "a new service can use web:2",
    )
    if web is None or not (inactive and runs):
        first = "deregister web:2" if runs else "let service web run web:2 (as the chapter does)"
        for question in questions:
            result.waiting(f"your prediction: {question}", first, DOCS)
        return
    seen = _observe(session, web)
    said = (keeps_running, can_scale, new_service)
    hints = (
        "deregistering takes nothing away from what runs: tasks and services that use an "
        "INACTIVE revision continue without disruption",
        "a service on an INACTIVE revision can still scale up or down through its desired count",
        "nothing new may start from an INACTIVE revision: no new task, no new service, and no "
        "service may be moved to it",
    )
    for question, answer, truth, hint in zip(questions, said, seen, hints, strict=True):
        mark(result, question, answer, truth, hint, DOCS, ASK)


def _observe(session: Any, web: dict[str, Any]) -> tuple[bool, bool, bool]:
    """Try each thing on the backend: tasks still running, a scale up and back, a new service."""
    ecs = session.ecs
    running = int(web["runningCount"]) > 0
    count = int(web["desiredCount"])
    try:
        ecs.update_service(cluster=CLUSTER, service="web", desiredCount=count + 1)
        ecs.update_service(cluster=CLUSTER, service="web", desiredCount=count)
        scaled = True
    except ecs.exceptions.ClientException:
        scaled = False
    try:
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=PROBE,
            taskDefinition="web:2",
            desiredCount=0,
            launchType="FARGATE",
            networkConfiguration=default_network(session),
        )
        ecs.delete_service(cluster=CLUSTER, service=PROBE, force=True)
        created = True
    except ecs.exceptions.ClientException:
        created = False
    settle(session)
    return running, scaled, created
