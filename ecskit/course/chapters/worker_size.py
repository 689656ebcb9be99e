"""Chapter 02: a worker needs 0.4 vCPU and 1.5 GB at its peak; choose the smallest Fargate size
it fits in (Fargate bills the task's size, not what the container uses).

The sizes Fargate offers are ecskit's table (`ecskit.rules.sizes`, from the task size section
of the developer guide): .25 vCPU with 0.5/1/2 GB, .5 vCPU with 1–4 GB, 1 vCPU with 2–8 GB, ...
"""

from __future__ import annotations

from typing import Any

from ...rules.sizes import FARGATE_SIZES, TASK_SIZE_URL
from ..catch_up import EXECUTION_ROLE, REPOSITORY, image_uri
from ..exercises import exercise
from ..result import Result
from .reading import API, GUIDE

NEEDS_CPU = 410  # CPU units: 0.4 vCPU is 409.6 of the 1024 units of one vCPU
NEEDS_MIB = 1536  # 1.5 GB
LOGS_DOCS = GUIDE + "using_awslogs.html"


def smallest_size() -> tuple[int, int]:
    """The first (cpu, memory) of Fargate's table that holds the worker's needs."""
    return next(
        (cpu, memory)
        for cpu, memories in FARGATE_SIZES.items()
        for memory in memories
        if cpu >= NEEDS_CPU and memory >= NEEDS_MIB
    )


@exercise(
    "02-worker",
    "the smallest Fargate size for a worker",
    'Register a task definition family "worker" for Fargate, its one container "worker" running '
    "the my-app image, logging with awslogs to /ecs/worker, with the execution role; the worker "
    "needs 0.4 vCPU and 1.5 GB at its peak: choose the smallest size Fargate offers that holds it.",
)
def _worker(session: Any, result: Result) -> None:
    ecs = session.ecs
    try:
        td = ecs.describe_task_definition(taskDefinition="worker")["taskDefinition"]
    except ecs.exceptions.ClientException:
        td = None
    result.add(
        td is not None,
        "task definition family worker is registered"
        + (f" (revision {td['revision']})" if td else ""),
        'session.ecs.register_task_definition(family="worker", ...) or the TaskDefinitionForm',
        API + "API_RegisterTaskDefinition.html",
    )
    whats = [
        "for Fargate (requiresCompatibilities FARGATE, network mode awsvpc)",
        "enough CPU for 0.4 vCPU",
        "enough memory for 1.5 GB",
        "the smallest size Fargate offers that holds both",
        f"a container named worker running an image of {REPOSITORY}",
        "its logs go to the CloudWatch Logs group /ecs/worker, which exists",
        f"execution role {EXECUTION_ROLE} (it pulls the image and writes the logs)",
    ]
    if td is None:
        for what in whats:
            result.waiting(what, "register the family worker", TASK_SIZE_URL)
        return
    result.add(
        "FARGATE" in (td.get("requiresCompatibilities") or [])
        and td.get("networkMode") == "awsvpc",
        whats[0],
        'requiresCompatibilities=["FARGATE"], networkMode="awsvpc" (Fargate tasks need awsvpc)',
        GUIDE + "fargate-task-networking.html",
    )
    cpu, memory = int(td.get("cpu") or 0), int(td.get("memory") or 0)
    result.add(
        cpu >= NEEDS_CPU,
        f"{whats[1]} (cpu={cpu})",
        "1024 CPU units are one vCPU: 256 is 0.25 vCPU, too little; the next size up is 512",
        TASK_SIZE_URL,
    )
    result.add(
        memory >= NEEDS_MIB,
        f"{whats[2]} (memory={memory})",
        "1.5 GB is 1536 MiB: memory is written in MiB",
        TASK_SIZE_URL,
    )
    best = smallest_size()
    result.add(
        (cpu, memory) == best,
        f"{whats[3]} (cpu={cpu}, memory={memory})",
        "Fargate bills the size you ask for: the first row of the table with at least 512 CPU "
        "units and at least 1536 MiB is .5 vCPU, and with .5 vCPU memory goes in 1 GB steps from "
        "1 GB — so 2 GB (256 CPU units would allow 2 GB but gives only 0.25 vCPU)",
        TASK_SIZE_URL,
    )
    worker = next((c for c in td.get("containerDefinitions") or [] if c["name"] == "worker"), {})
    repository = image_uri(session, tag="").rstrip(":")
    result.add(
        str(worker.get("image", "")).startswith(repository + ":"),
        whats[4],
        f'containerDefinitions=[{{"name": "worker", "image": "{repository}:1", ...}}]',
        GUIDE + "task_definition_parameters.html",
    )
    logging = worker.get("logConfiguration") or {}
    group = (logging.get("options") or {}).get("awslogs-group")
    groups = session.logs.describe_log_groups(logGroupNamePrefix="/ecs/worker")["logGroups"]
    result.add(
        logging.get("logDriver") == "awslogs"
        and group == "/ecs/worker"
        and any(g["logGroupName"] == "/ecs/worker" for g in groups),
        whats[5],
        "logConfiguration with logDriver awslogs and awslogs-group /ecs/worker, and the group "
        'itself: session.logs.create_log_group(logGroupName="/ecs/worker")',
        LOGS_DOCS,
    )
    result.add(
        str(td.get("executionRoleArn", "")).endswith(f":role/{EXECUTION_ROLE}"),
        whats[6],
        f'executionRoleArn="arn:aws:iam::<account>:role/{EXECUTION_ROLE}"',
        GUIDE + "task_execution_IAM_role.html",
    )
