"""The names the course uses chapter after chapter, and `settle` (let the sandbox finish)."""

from __future__ import annotations

from typing import Any

ACCOUNT_REGISTRY = "{account}.dkr.ecr.{region}.amazonaws.com"

# The names the course uses, chapter after chapter.
CLUSTER = "course"
FAMILY = "web"
REPOSITORY = "my-app"
LOG_GROUP = "/ecs/web"
EXECUTION_ROLE = "ecsTaskExecutionRole"
TASK_ROLE = "webTaskRole"
VPC_NAME = "course"
VPC_CIDR = "10.0.0.0/16"
ALB_GROUP = "web-alb"
TASK_GROUP = "web-tasks"
LOAD_BALANCER = "web"
TARGET_GROUP = "web"
NAMESPACE = "course"
SERVICE = "web"
PUBLIC_SERVICE = "web-public"


def settle(session: Any) -> None:
    """Let the sandbox's scheduler finish what it started (nothing on other backends)."""
    sandbox = getattr(session, "sandbox", None)
    if sandbox is not None and hasattr(sandbox, "settle"):
        sandbox.settle()
