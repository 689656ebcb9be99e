"""Chapter 03: a canary service on FARGATE_SPOT, and a prediction — when its one task stops, and
when a task you ran yourself stops, how many run a little later? The check stops both and looks.

Facts: "If one of your tasks fails or stops, the Amazon ECS service scheduler launches another
instance of your task definition to replace it" (developer guide, ecs_services.html); a task
started with RunTask belongs to no service, so nothing replaces it (standalone-tasks.html).
"""

from __future__ import annotations

from typing import Any

from ..catch_up import CLUSTER, settle
from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE, mark
from .reading import service as active_service

SERVICES_DOCS = GUIDE + "ecs_services.html"
STANDALONE_DOCS = GUIDE + "standalone-tasks.html"
ASK = 'check("03-canary", session, service_after_stop=..., standalone_after_stop=...)'
STARTED_BY = "course-check-03"


@exercise(
    "03-canary",
    "a canary on Spot, and what replaces a stopped task",
    'Create service "web-canary" in cluster course: one task of web:1 on the FARGATE_SPOT '
    "capacity provider. Predict how many tasks run a minute after its task is stopped, and after "
    "a task you started with run_task is stopped; the check stops both and looks.",
    answers=("service_after_stop", "standalone_after_stop"),
)
def _canary(
    session: Any, result: Result, service_after_stop: Any = None, standalone_after_stop: Any = None
) -> None:
    service = active_service(session, CLUSTER, "web-canary")
    result.add(
        service is not None,
        "an ACTIVE service web-canary in cluster course",
        'session.ecs.create_service(cluster="course", serviceName="web-canary", ...) '
        "or the ServiceForm",
        API + "API_CreateService.html",
    )
    whats = [
        "it runs one task of web:1",
        "on the FARGATE_SPOT capacity provider",
        "its task is running",
    ]
    if service is None:
        for what in whats:
            result.waiting(what, "create the service web-canary", SERVICES_DOCS)
        result.waiting("your prediction for the service", "create the service", SERVICES_DOCS)
        result.waiting("your prediction for run_task", "create the service", STANDALONE_DOCS)
        return
    revision = str(service.get("taskDefinition", "")).rsplit("/", 1)[-1]
    result.add(
        revision == "web:1" and service.get("desiredCount") == 1,
        f"{whats[0]} ({service.get('desiredCount')} of {revision})",
        'taskDefinition="web:1", desiredCount=1 (update_service changes them)',
        API + "API_CreateService.html",
    )
    providers = [p.get("capacityProvider") for p in service.get("capacityProviderStrategy") or []]
    result.add(
        providers == ["FARGATE_SPOT"],
        whats[1],
        'capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}] and no '
        "launchType: CreateService takes one or the other",
        GUIDE + "fargate-capacity-providers.html",
    )
    running = service.get("runningCount") == 1
    result.add(
        running,
        f"{whats[2]} ({service.get('runningCount')} running)",
        "give the scheduler a few seconds (or session.sandbox.settle()), then check again",
        SERVICES_DOCS,
    )
    if service_after_stop is None or standalone_after_stop is None or not running:
        first = "predict both numbers" if running else "get its task running"
        result.waiting(f"your prediction for the service: {ASK}", first, SERVICES_DOCS)
        result.waiting("your prediction for run_task", first, STANDALONE_DOCS)
        return
    seen = _observe(session, service)
    mark(
        result,
        "tasks web-canary runs after its task was stopped",
        service_after_stop,
        seen["service"],
        "a service keeps its desired count: the scheduler starts a new task for the one stopped",
        SERVICES_DOCS,
        ASK,
    )
    mark(
        result,
        "tasks still running after the run_task task was stopped",
        standalone_after_stop,
        seen["standalone"],
        "a task started with run_task belongs to no service: nobody replaces it",
        STANDALONE_DOCS,
        ASK,
    )


def _observe(session: Any, service: dict[str, Any]) -> dict[str, int]:
    """Stop web-canary's task and a task run by hand, let the scheduler work, count what runs."""
    ecs = session.ecs
    for arn in ecs.list_tasks(cluster=CLUSTER, serviceName="web-canary")["taskArns"]:
        ecs.stop_task(cluster=CLUSTER, task=arn, reason="stopped by the course check (03)")
    network = service.get("networkConfiguration") or {}
    started = ecs.run_task(
        cluster=CLUSTER,
        taskDefinition=service["taskDefinition"],
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration=network,
        startedBy=STARTED_BY,
    )["tasks"]
    settle(session)
    for task in started:
        ecs.stop_task(cluster=CLUSTER, task=task["taskArn"], reason="stopped by the course check")
    settle(session)
    now = ecs.describe_services(cluster=CLUSTER, services=["web-canary"])["services"][0]
    standalone = ecs.list_tasks(cluster=CLUSTER, startedBy=STARTED_BY, desiredStatus="RUNNING")
    return {"service": int(now["runningCount"]), "standalone": len(standalone["taskArns"])}
