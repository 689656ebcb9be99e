"""What the service scheduler's events mean: each known event message as a cause, with the fix
and the page that says so (the developer guide's service event messages page, and real events)."""

from __future__ import annotations

from ..rules.docs import EXECUTION_ROLE
from .causes import GUIDE, REPOST, Cause

# service events: ECS's service scheduler messages (developer guide, service-event-messages.html)
EVENT_CAUSES: tuple[Cause, ...] = (
    # ECS's words when it cannot assume the execution role, in a service event "service NAME
    # failed to launch a task with (error ...)" (aws-samples/aws-modern-application-workshop#149);
    # the trust policy it needs: developerguide/task_execution_IAM_role.html
    Cause(
        "role-not-assumable",
        "ECS cannot assume the task execution role",
        "The execution role is missing, or its trust policy does not let ecs-tasks.amazonaws.com "
        "assume it, so ECS could not launch the task at all.",
        "Create the role, or give it the trust policy that allows the ecs-tasks.amazonaws.com "
        "service sts:AssumeRole; then update the service.",
        EXECUTION_ROLE,
        (r"unable to assume the role",),
    ),
    # real service events: "(service NAME) (task ID) failed container health checks."
    # (docs/deployments.md §7, docs/container-behaviour.md)
    Cause(
        "container-health-check",
        "tasks fail their container health check",
        "A task's container health check kept failing; the service stopped it and started another.",
        "Read the container's logs for why the check fails; test the healthCheck command inside "
        "the image; give a slow starter a longer startPeriod (0-300 s).",
        REPOST + "ecs-task-stopped",
        (r"failed container health checks",),
    ),
    Cause(
        "cannot-place",
        "ECS could not place a task",
        "The scheduler found no capacity that meets the task's requirements (CPU, memory, ports, "
        "attributes, or an account limit).",
        "Read the rest of the event: add capacity, lower the task's CPU or memory, or ask for a "
        "quota increase, as the message says.",
        GUIDE + "service-event-messages.html",
        (r"was unable to place a task",),
    ),
    Cause(
        "cannot-start-consistently",
        "the service's tasks keep failing to start",
        "Tasks failed to start after consecutive attempts; the scheduler now waits longer "
        "between tries.",
        "Find why one task failed (its stoppedReason); after you fix it, update the service and "
        "the scheduler resumes its normal pace.",
        GUIDE + "service-event-messages.html",
        (r"unable to consistently start tasks",),
    ),
    Cause(
        "unhealthy-target",
        "the load balancer reports tasks unhealthy",
        "The service is registered with a load balancer and its health checks are failing.",
        "Check the security groups between the load balancer and the tasks, the target group's "
        "health check path and port, and healthCheckGracePeriodSeconds.",
        GUIDE + "troubleshoot-service-load-balancers.html",
        (r"is unhealthy in",),
    ),
)
