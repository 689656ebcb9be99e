"""ExecuteCommand (ECS Exec): the sandbox runs no containers, so there is nothing to connect to.

ECS answers a task without a running execute-command agent with InvalidParameterException "The
execute command failed because execute command was not enabled when the task was run or the
execute command agent isn't running. Wait and try again or run a new task with execute command
enabled and try again." (real answer quoted in https://github.com/fabfuel/ecs-deploy/issues/193
and https://github.com/keidarcy/e1s/issues/206). In the sandbox no agent ever runs, so every
known task gets that answer; an unknown cluster or task gets ECS's not-found errors.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import EcsError
from .task_protection import find_task

NOT_RUNNING = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn’t running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)


class ExecuteCommand:
    """op_ExecuteCommand."""

    def op_ExecuteCommand(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        if find_task(backend, cluster, body.get("task") or "") is None:
            # the sandbox's StopTask wording for a task the cluster does not have
            raise EcsError("InvalidParameterException", "The referenced task was not found.")
        raise EcsError("InvalidParameterException", NOT_RUNNING)
