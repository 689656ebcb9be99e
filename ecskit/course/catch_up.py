"""The state each chapter of the course leaves behind, rebuilt in one call.

`catch_up(3, session)` makes what chapters 00–02 built (the `course` cluster, the `web` task
definition and what it needs), so notebook 03 runs from a fresh kernel on its own. Every step
looks before it creates: calling it twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACCOUNT_REGISTRY = "{account}.dkr.ecr.{region}.amazonaws.com"

# The names the course uses, chapter after chapter.
CLUSTER = "course"
FAMILY = "web"
REPOSITORY = "my-app"
LOG_GROUP = "/ecs/web"
EXECUTION_ROLE = "ecsTaskExecutionRole"
TASK_ROLE = "webTaskRole"

TASKS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
# What AWS's managed AmazonECSTaskExecutionRolePolicy grants: pull from ECR, write to Logs.
EXECUTION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": "*",
        }
    ],
}


@dataclass
class CaughtUp:
    """What `catch_up` found or made, chapter by chapter."""

    chapter: int
    done: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.done:
            return f"Ready for chapter {self.chapter:02d}: nothing to build before it."
        return f"Ready for chapter {self.chapter:02d}: " + ", ".join(self.done) + "."

    __repr__ = __str__


def account_id(session: Any) -> str:
    return str(session.sts.get_caller_identity()["Account"])


def image_uri(session: Any, tag: str = "1", repository: str = REPOSITORY) -> str:
    """The course app's ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com/my-app:1`."""
    registry = ACCOUNT_REGISTRY.format(account=account_id(session), region=session.region)
    return f"{registry}/{repository}:{tag}"


def web_task_definition(session: Any, tag: str = "1") -> dict[str, Any]:
    """The body of RegisterTaskDefinition for the course's `web` family (chapter 02)."""
    role = f"arn:aws:iam::{account_id(session)}:role/"
    return {
        "family": FAMILY,
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        "executionRoleArn": role + EXECUTION_ROLE,
        "taskRoleArn": role + TASK_ROLE,
        "containerDefinitions": [
            {
                "name": "web",
                "image": image_uri(session, tag),
                "essential": True,
                "portMappings": [{"name": "http", "containerPort": 80, "protocol": "tcp"}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": LOG_GROUP,
                        "awslogs-region": session.region,
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    }


def _cluster_exists(session: Any, name: str) -> bool:
    clusters = session.ecs.describe_clusters(clusters=[name])["clusters"]
    return any(c["status"] == "ACTIVE" for c in clusters)


def _chapter_01(session: Any, done: list[str]) -> None:
    if not _cluster_exists(session, CLUSTER):
        session.ecs.create_cluster(
            clusterName=CLUSTER,
            capacityProviders=["FARGATE", "FARGATE_SPOT"],
            settings=[{"name": "containerInsights", "value": "enabled"}],
            tags=[{"key": "course", "value": "ecskit"}],
        )
    done.append(f"cluster {CLUSTER}")


def _role(session: Any, name: str, policy: dict[str, Any] | None) -> None:
    iam = session.iam
    try:
        iam.get_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TASKS_TRUST))
        if policy is not None:
            iam.put_role_policy(
                RoleName=name, PolicyName="task-execution", PolicyDocument=json.dumps(policy)
            )


def _chapter_02(session: Any, done: list[str]) -> None:
    ecr, logs = session.ecr, session.logs
    try:
        ecr.describe_repositories(repositoryNames=[REPOSITORY])
    except ecr.exceptions.RepositoryNotFoundException:
        ecr.create_repository(repositoryName=REPOSITORY)
    groups = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    if not any(g["logGroupName"] == LOG_GROUP for g in groups):
        logs.create_log_group(logGroupName=LOG_GROUP)
    _role(session, EXECUTION_ROLE, EXECUTION_POLICY)
    _role(session, TASK_ROLE, None)
    families = session.ecs.list_task_definitions(familyPrefix=FAMILY)["taskDefinitionArns"]
    if not any(arn.rsplit("/", 1)[1].split(":")[0] == FAMILY for arn in families):
        session.ecs.register_task_definition(**web_task_definition(session))
    done.extend(
        [
            f"repository {REPOSITORY}",
            f"log group {LOG_GROUP}",
            f"roles {EXECUTION_ROLE} and {TASK_ROLE}",
            f"task definition {FAMILY}:1",
        ]
    )


# chapter number -> the step that builds what that chapter leaves behind
STEPS: dict[int, Callable[[Any, list[str]], None]] = {
    1: _chapter_01,
    2: _chapter_02,
}
CHAPTERS = tuple(range(10))


def chapter_number(chapter: int | str) -> int:
    """3, "3", "03" and "03-tasks-and-services" all name chapter 3."""
    text = str(chapter).strip()
    head = text.split("-", 1)[0]
    if not head.isdigit() or int(head) not in CHAPTERS:
        raise ValueError(
            f"chapter={chapter!r} is not a chapter of the course: use a number from 0 to "
            f"{CHAPTERS[-1]}, like catch_up(3, session) before notebook 03."
        )
    return int(head)


def catch_up(chapter: int | str, session: Any) -> CaughtUp:
    """Build (or find) what the chapters before `chapter` leave, on `session`'s backend."""
    number = chapter_number(chapter)
    if getattr(session, "backend", "sandbox") == "aws" or getattr(session, "read_only", False):
        # The course's resources belong in the sandbox: never build them in a real account.
        raise ValueError(
            f"catch_up builds the course's resources, and this session is {session!r}: "
            "use the sandbox, session = ecskit.connect()."
        )
    caught = CaughtUp(number)
    for step_chapter, step in STEPS.items():
        if step_chapter < number:
            step(session, caught.done)
    return caught
