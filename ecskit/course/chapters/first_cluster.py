"""Chapter 00: make a cluster, and predict what a new cluster looks like before you look.

Facts (botocore 1.44.8, `Cluster` shape): status ACTIVE is "The cluster is ready to accept
tasks"; `runningTasksCount` is "The number of tasks in the cluster that are in the RUNNING state".
"""

from __future__ import annotations

from typing import Any

from ..exercises import exercise
from ..result import Result
from .reading import API, cluster, mark, tags

ASK = 'check("00-hello", session, status=..., running_tasks=...)'


@exercise(
    "00-hello",
    "your first cluster, predicted",
    "Predict the status of a cluster you have just created and how many tasks it runs, then "
    'create cluster "hello" tagged owner=<your name> and check your predictions.',
    answers=("status", "running_tasks"),
)
def _hello(session: Any, result: Result, status: Any = None, running_tasks: Any = None) -> None:
    found = cluster(session, "hello")
    result.add(
        found is not None,
        "an ACTIVE cluster named hello",
        'session.ecs.create_cluster(clusterName="hello", tags=[...])',
        API + "API_CreateCluster.html",
    )
    if found is None:
        first = "create the cluster hello"
        result.waiting("tagged owner=<your name>", first, API + "API_Tag.html")
        result.waiting("your prediction of its status", first, API + "API_Cluster.html")
        result.waiting("your prediction of its running tasks", first, API + "API_Cluster.html")
        return
    owner = tags(found).get("owner", "")
    result.add(
        bool(owner.strip()),
        f"tagged owner={owner}" if owner else "tagged owner=<your name>",
        'add tags=[{"key": "owner", "value": "your name"}] (session.ecs.tag_resource works too)',
        API + "API_Tag.html",
    )
    mark(
        result,
        "its status",
        status,
        found["status"],
        "a cluster is ready as soon as CreateCluster answers: ACTIVE means 'ready to accept tasks'",
        API + "API_Cluster.html",
        ASK,
    )
    mark(
        result,
        "tasks it runs",
        running_tasks,
        found["runningTasksCount"],
        "a cluster is only a place to run tasks: nothing runs until you start a task or a "
        "service (chapter 03)",
        API + "API_Cluster.html",
        ASK,
    )
