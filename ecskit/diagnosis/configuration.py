"""What a task's configuration shows, whatever ECS said: its execution role and its network path.

Read-only (IAM GetRole, EC2 Describe*): it works on a real account in read-only mode. The
execution role "grants the Amazon ECS container agent permission to make Amazon Web Services API
calls on your behalf" (botocore, TaskDefinition.executionRoleArn) and must trust
ecs-tasks.amazonaws.com
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
"""

from __future__ import annotations

from typing import Any

from ..console import _trusts_ecs_tasks as trusts_ecs_tasks
from ..rules.docs import EXECUTION_ROLE as ROLE_DOCS
from .network import check_path, needed_endpoints

ECS_TASKS = "ecs-tasks.amazonaws.com"


def findings(
    session: Any,
    task_definition: dict[str, Any],
    subnets: list[str],
    public_ip: bool | None,
) -> list[str]:
    """Lines about what in the configuration would stop the task from starting on AWS."""
    found = role_findings(session, task_definition)
    if subnets and public_ip is not None:
        path = check_path(session, subnets, public_ip, task_definition)
        if path is not None and not path.ok:
            found.append(f"No path out: {path.text} {path.fix} ({path.docs})")
    return found


def role_findings(session: Any, task_definition: dict[str, Any]) -> list[str]:
    """The execution role: present when start-up needs it, existing, trusting ecs-tasks."""
    arn = str(task_definition.get("executionRoleArn") or "")
    if not arn:
        if needed_endpoints(task_definition):
            # ECR images, awslogs and secrets are fetched by the agent with the execution role
            return [
                "The task definition has no executionRoleArn, but it pulls from ECR, sends logs "
                f"with awslogs or reads secrets: those need a task execution role ({ROLE_DOCS})."
            ]
        return []
    name = arn.rsplit("/", 1)[-1]
    iam = session.iam
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return [f"The execution role {name} does not exist ({ROLE_DOCS})."]
    except Exception:  # not allowed to read IAM (a read-only profile): say nothing
        return []
    if not trusts_ecs_tasks(role.get("AssumeRolePolicyDocument")):
        return [
            f"The execution role {name} does not trust {ECS_TASKS} (its trust policy must allow "
            f"that service sts:AssumeRole) ({ROLE_DOCS})."
        ]
    return []
