"""The state each chapter of the course leaves behind, rebuilt in one call.

`catch_up(3, session)` makes what chapters 00–02 built (the `course` cluster, the `web` task
definition and what it needs), so notebook 03 runs from a fresh kernel on its own. Every step
looks before it creates: calling it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..ops import ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS
from .basics import (
    ACCOUNT_REGISTRY,
    CLUSTER,
    EXECUTION_ROLE,
    FAMILY,
    LOG_GROUP,
    NAMESPACE,
    REPOSITORY,
    SERVICE,
    TASK_ROLE,
    settle,
)
from .course_network import build as _chapter_04

# Notebooks 07 and 08 read chapter 04's network through catch_up, as learners see it.
from .course_network import course_vpc, network  # noqa: F401


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


def push_image(session: Any, tag: str, repository: str = REPOSITORY) -> str:
    """Put an image tagged `tag` in the ECR repository, as `docker push` would; its URI.

    The sandbox runs no containers, so the image is a manifest without layers: enough for ECS to
    find `repository:tag` when a task starts (a missing tag stops the task, as on AWS).
    """
    ecr = session.ecr
    try:
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except ecr.exceptions.ImageNotFoundException:
        config = "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 0,
                "digest": config,
            },
            "layers": [],
        }
        ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)
    return image_uri(session, tag, repository)


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
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST))
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
    push_image(session, "1")
    groups = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    if not any(g["logGroupName"] == LOG_GROUP for g in groups):
        logs.create_log_group(logGroupName=LOG_GROUP)
    _role(session, EXECUTION_ROLE, EXECUTION_ROLE_RIGHTS)
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


def default_network(session: Any) -> dict[str, Any]:
    """awsvpc settings on the default VPC (chapter 03): two default subnets, the default group."""
    ec2 = session.ec2
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    vpc_id = subnets["Subnets"][0]["VpcId"]
    group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    # the first two zones: the same subnets on every run
    by_zone = sorted(subnets["Subnets"], key=lambda s: s["AvailabilityZone"])
    chosen = [s["SubnetId"] for s in by_zone[:2]]
    return {
        "awsvpcConfiguration": {
            "subnets": chosen,
            "securityGroups": [group],
            "assignPublicIp": "ENABLED",
        }
    }


def _chapter_03(session: Any, done: list[str]) -> None:
    ecs = session.ecs
    services = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"]
    if not any(s["status"] == "ACTIVE" for s in services):
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=SERVICE,
            taskDefinition=f"{FAMILY}:1",
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=default_network(session),
        )
    settle(session)
    done.append(f"service {SERVICE} (2 tasks)")


def namespace_arn(session: Any, name: str) -> str | None:
    """The ARN of the Cloud Map namespace called `name`, or None."""
    pages = session.servicediscovery.get_paginator("list_namespaces").paginate()
    for page in pages:
        for namespace in page["Namespaces"]:
            if namespace["Name"] == name:
                return str(namespace["Arn"])
    return None


def _chapter_05(session: Any, done: list[str]) -> None:
    arn = namespace_arn(session, NAMESPACE)
    if arn is None:
        session.servicediscovery.create_http_namespace(
            Name=NAMESPACE, Description="The course's services"
        )
        arn = namespace_arn(session, NAMESPACE)
    session.ecs.update_cluster(cluster=CLUSTER, serviceConnectDefaults={"namespace": arn})
    done.append(f"namespace {NAMESPACE} (the default of cluster {CLUSTER})")


def _web_revisions(session: Any) -> set[int]:
    """The revision numbers of family web ever registered, ACTIVE or INACTIVE."""
    arns = []
    for status in ("ACTIVE", "INACTIVE"):
        listed = session.ecs.list_task_definitions(familyPrefix=FAMILY, status=status)
        arns += listed["taskDefinitionArns"]
    return {int(arn.rsplit(":", 1)[1]) for arn in arns}


def _run_on_web(session: Any, revision: int) -> None:
    """Point service web at web:<revision>, unless it runs it already."""
    service = session.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    if not service["taskDefinition"].endswith(f"/{FAMILY}:{revision}"):
        session.ecs.update_service(
            cluster=CLUSTER, service=SERVICE, taskDefinition=f"{FAMILY}:{revision}"
        )


def _chapter_06(session: Any, done: list[str]) -> None:
    ecs = session.ecs
    arns = ecs.list_task_definitions(familyPrefix=FAMILY, status="ACTIVE")["taskDefinitionArns"]
    push_image(session, "2")
    if 2 not in _web_revisions(session):
        ecs.register_task_definition(**web_task_definition(session, tag="2"))
    _run_on_web(session, 2)
    if any(arn.endswith(f"/{FAMILY}:1") for arn in arns):
        ecs.deregister_task_definition(taskDefinition=f"{FAMILY}:1")
    settle(session)
    done.append(f"{FAMILY}:2 deployed to service {SERVICE}, {FAMILY}:1 deregistered")


def _chapter_07(session: Any, done: list[str]) -> None:
    # Chapter 07 rolls service web forward to web:3 (my-app:3); the rest of what it builds
    # (web-live, its target groups, web:4 to web:7) no later chapter uses.
    ecs = session.ecs
    push_image(session, "3")
    if 3 not in _web_revisions(session):
        ecs.register_task_definition(**web_task_definition(session, tag="3"))
    _run_on_web(session, 3)
    settle(session)
    done.append(f"{FAMILY}:3 deployed to service {SERVICE}")


# chapter number -> the step that builds what that chapter leaves behind
STEPS: dict[int, Callable[[Any, list[str]], None]] = {
    1: _chapter_01,
    2: _chapter_02,
    3: _chapter_03,
    4: _chapter_04,
    5: _chapter_05,
    6: _chapter_06,
    7: _chapter_07,
}
CHAPTERS = tuple(range(12))


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
