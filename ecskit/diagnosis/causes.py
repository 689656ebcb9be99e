"""What ECS's words mean: each known stoppedReason, container reason or service event, as a cause
in plain words, the fix and the AWS page that says so. Data, and one pure function over it.

Every row cites the page its cause and fix come from (the developer guide's stopped-task,
CannotPullContainer and ResourceInitializationError pages, the service event messages page, and
the AWS re:Post knowledge-center articles that quote real messages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules.docs import EXECUTION_ROLE, GUIDE

REPOST = "https://repost.aws/knowledge-center/"
# the general pages: what a stopped task's error says, and how to read one
STOPPED_TASK_ERRORS = GUIDE + "stopped-task-errors.html"
# botocore's Task.stopCode documentation links this one
STOPPED_TASK_ERROR_CODES = GUIDE + "stopped-task-error-codes.html"
TROUBLESHOOTING = GUIDE + "troubleshooting.html"
PULL_ERRORS = GUIDE + "task_cannot_pull_image.html"
INIT_ERRORS = GUIDE + "resource-initialization-error.html"


@dataclass(frozen=True)
class Cause:
    """One known cause: `id`, what it is in plain words, the fix, and the page that says both."""

    id: str
    title: str
    explanation: str
    fix: str
    docs: str
    # all of these (case-insensitive regular expressions) must match the evidence
    patterns: tuple[str, ...]
    # a task that stopped for this cause failed; False for ordinary stops (scale-in, StopTask)
    failure: bool = True

    def matches(self, text: str) -> bool:
        return all(re.search(p, text, re.IGNORECASE) for p in self.patterns)


# Order matters: the first cause whose patterns all match wins (specific before general).
CAUSES: tuple[Cause, ...] = (
    # task_cannot_pull_image.html, "Connection timed out" and "Context canceled": a Fargate task's
    # network interface needs a route to pull images; re:Post ecs-fargate-pull-container-error:
    # "The endpoint can be reached through an internet gateway, NAT gateway, or VPC endpoints."
    Cause(
        "registry-unreachable",
        "no network path to the image registry",
        "ECS could not reach the registry to pull the image: the task's subnet has no route that "
        "gets it there.",
        "Give the task a path to the registry: a public subnet (default route to an internet "
        "gateway) with assignPublicIp ENABLED, or a private subnet whose default route goes to a "
        "NAT gateway, or VPC endpoints (com.amazonaws.<region>.ecr.api and ecr.dkr interface "
        "endpoints and the S3 gateway endpoint for ECR images).",
        PULL_ERRORS,
        (
            r"CannotPullContainerError",
            r"i/o timeout|timed out|request canceled|context canceled|context deadline"
            r"|dial tcp",
        ),
    ),
    # the AccessDenied form (copilot-cli#4504 quotes ECS relaying it); the execution role's ECR
    # rights: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    Cause(
        "registry-auth-denied",
        "the execution role may not log in to ECR",
        "Before the pull, ECS asks ECR for a login token with the task execution role, and the "
        "role is not allowed ecr:GetAuthorizationToken.",
        "Attach the AmazonECSTaskExecutionRolePolicy managed policy to the execution role (or "
        "allow ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer).",
        EXECUTION_ROLE,
        (r"ecr registry auth|registry auth from Amazon ECR", r"AccessDenied|not authorized"),
    ),
    # re:Post ecs-unable-to-pull-secrets quotes "unable to retrieve ecr registry auth: service
    # call has been retried 3 time(s): RequestError: send request failed ... dial tcp ...:443:
    # i/o timeout. Please check your task network configuration."
    Cause(
        "registry-auth-unreachable",
        "no network path to ECR for the registry login",
        "Before the pull, ECS asks ECR for a login token through the task's network, and that "
        "call never got through.",
        "Give the task's subnet a route to ECR: an internet gateway with assignPublicIp ENABLED, "
        "a NAT gateway, or the ecr.api and ecr.dkr interface endpoints plus the S3 gateway "
        "endpoint; check that the security group allows outbound HTTPS (443).",
        REPOST + "ecs-unable-to-pull-secrets",
        (
            r"ResourceInitializationError",
            r"ecr registry auth|registry auth from Amazon ECR|between the task and Amazon ECR",
            r"timeout|RequestError|canceled",
        ),
    ),
    # task_cannot_pull_image.html, "Image not found": "verify the repository URI and the image name"
    Cause(
        "image-not-found",
        "the image or its tag does not exist",
        "The registry answered, but it has no image by that name and tag.",
        "Check the image URI in the task definition (repository, name and tag) and push the tag "
        "before you deploy (docker push, or ecskit.course.push_image in the sandbox); then "
        "register a revision that names an image that exists.",
        PULL_ERRORS,
        (r"CannotPullContainerError", r"not found|manifest unknown|API error \(404\)"),
    ),
    # task_cannot_pull_image.html, "Image not found": "make sure that you have set up the proper
    # access using the task execution IAM role"; "Fail to copy image": "there is no access"
    Cause(
        "image-access-denied",
        "not allowed to pull the image",
        "The registry refused the pull: the task execution role may not pull from ECR, or a "
        "private registry wants credentials the task does not give.",
        "Give the task execution role ECR pull rights (the AmazonECSTaskExecutionRolePolicy "
        "managed policy has them), or for a private registry set repositoryCredentials.",
        PULL_ERRORS,
        (
            r"CannotPullContainerError",
            r"403|401|access ?denied|not authorized|unauthorized|no basic auth"
            r"|unexpected status code",
        ),
    ),
    # task_cannot_pull_image.html, "Docker Hub rate limiting": "toomanyrequests: Too Many Requests."
    Cause(
        "registry-rate-limit",
        "Docker Hub's pull rate limit",
        "Docker Hub refused the pull because too many pulls came from the same address.",
        "Authenticate the pulls (repositoryCredentials), or copy the image to ECR and pull it "
        "from there.",
        PULL_ERRORS,
        (r"toomanyrequests|pull rate limit",),
    ),
    Cause(
        "pull-failed",
        "the image could not be pulled",
        "ECS could not pull the image; the message says why.",
        "Read the CannotPullContainerError message against the developer guide's list: "
        "network path, image name and tag, and the execution role's rights are the usual causes.",
        PULL_ERRORS,
        (r"CannotPullContainerError",),
    ),
    # a task with no way to CloudWatch Logs, as a real one reported it:
    # https://gist.github.com/bradleybeddoes/7b568d87d20c5e4ebfe31de9a8dc08c7; without an internet
    # gateway, awslogs needs the logs interface endpoint (developerguide/vpc-endpoints.html)
    Cause(
        "logs-unreachable",
        "no network path to CloudWatch Logs",
        "The awslogs driver could not reach CloudWatch Logs from the task's network, so the "
        "container never started.",
        "Give the task's subnet a way out (internet gateway with a public IP, or a NAT gateway), "
        "or create the com.amazonaws.<region>.logs interface VPC endpoint.",
        GUIDE + "vpc-endpoints.html",
        (r"logger args", r"signal: killed|timeout"),
    ),
    # the execution role writes the task's logs: logs:CreateLogStream and logs:PutLogEvents
    # (logs:CreateLogGroup with awslogs-create-group), task_execution_IAM_role.html
    Cause(
        "logs-access-denied",
        "the execution role may not write the logs",
        "The awslogs driver uses the task execution role, and the role may not create the log "
        "stream (or the log group) the task writes to.",
        "Allow the execution role logs:CreateLogStream and logs:PutLogEvents on the log group, "
        'and logs:CreateLogGroup if you use "awslogs-create-group": "true".',
        EXECUTION_ROLE,
        (r"logger args|Cloudwatch log", r"AccessDenied|not authorized"),
    ),
    # resource-initialization-error.html: "The task cannot find the Amazon CloudWatch log group
    # defined in the task definition" -- the group is wrong or does not exist
    Cause(
        "log-group-missing",
        "the awslogs log group does not exist",
        "The container's logConfiguration names a CloudWatch Logs group that does not exist, so "
        "the awslogs driver could not start and the task never ran.",
        "Create the log group (logs.create_log_group) or fix its name in the task definition; "
        'or set the awslogs option "awslogs-create-group": "true" (the execution role then '
        "needs logs:CreateLogGroup).",
        INIT_ERRORS,
        (r"log group does not exist|failed to initialize logging driver",),
    ),
    # resource-initialization-error.html: "The task execution role defined in the task
    # definition doesn't have the permissions for Secrets Manager"; re:Post
    # ecs-unable-to-pull-secrets lists the AccessDenied form of the message; the rights it needs
    # (secretsmanager:GetSecretValue, ssm:GetParameters, kms:Decrypt for a custom key):
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    Cause(
        "secret-access-denied",
        "the execution role may not read the secret",
        "The secret or parameter exists, but the task execution role is not allowed to read it.",
        "Allow the task execution role secretsmanager:GetSecretValue on the secret (or "
        "ssm:GetParameters on the parameter), and kms:Decrypt on its key when a customer managed "
        "KMS key encrypts it; then start the task again.",
        EXECUTION_ROLE,
        (r"unable to pull secrets|unable to retrieve secret", r"AccessDenied|not authorized"),
    ),
    # resource-initialization-error.html: "The secret ARN doesn't exist"; "Check whether the
    # secret exists in the specified Region."
    Cause(
        "secret-missing",
        "the secret does not exist",
        "A `secrets` entry names a Secrets Manager secret that does not exist (in that Region).",
        "Create the secret, or correct valueFrom in the task definition to the full ARN of one "
        "that exists in the task's Region.",
        INIT_ERRORS,
        (r"unable to retrieve secret", r"ResourceNotFoundException|can't find the specified"),
    ),
    # a real stopped task's record for a missing SSM parameter ("invalid ssm parameters"):
    # https://github.com/HHS/simpler-grants-gov/pull/4330; resource-initialization-error.html
    # lists "The task cannot pull secrets from AWS Systems Manager Parameter Store"
    Cause(
        "parameter-missing",
        "the SSM parameter does not exist",
        "A `secrets` entry names a Systems Manager parameter that does not exist.",
        "Create the parameter (ssm.put_parameter), or correct valueFrom to its name or ARN.",
        INIT_ERRORS,
        (r"invalid ssm parameters",),
    ),
    # re:Post ecs-unable-to-pull-secrets: network causes of "unable to retrieve secret(s)";
    # a real message: https://github.com/umotif-public/terraform-aws-ecs-fargate/issues/50
    Cause(
        "secrets-unreachable",
        "no network path to Secrets Manager or Parameter Store",
        "ECS fetches secrets through the task's network before the container starts, and the "
        "call never got through.",
        "Give the task's subnet a route out (internet gateway with a public IP, or a NAT gateway) "
        "or add the secretsmanager / ssm interface VPC endpoints; allow outbound HTTPS (443).",
        REPOST + "ecs-unable-to-pull-secrets",
        (r"unable to (pull|retrieve) secrets?", r"timeout|RequestError|canceled|deadline"),
    ),
    Cause(
        "resource-initialization",
        "ECS could not set up what the task needs",
        "The agent failed to create or bootstrap a resource the task needs before it starts "
        "(secrets, registry login, logging, volumes).",
        "Read the rest of the message against the developer guide's ResourceInitializationError "
        "page; AWS's AWSSupport-TroubleshootECSTaskFailedToStart runbook checks the usual causes.",
        INIT_ERRORS,
        (r"ResourceInitializationError",),
    ),
    # re:Post ecs-resolve-outofmemory-errors: "OutOfMemoryError: Container killed due to memory
    # usage" -- "a container in your task exits because the container's processes consume more
    # memory than the amount that's allocated in the task definition"
    Cause(
        "out-of-memory",
        "the container ran out of memory",
        "The container used more memory than the task definition allows, and it was killed.",
        "Give the container (and the task) more memory in a new revision, or make the "
        "application use less; Container Insights' MemoryUtilized shows how much it needs.",
        REPOST + "ecs-resolve-outofmemory-errors",
        (r"OutOfMemory",),
    ),
    # botocore HealthCheck: "For tasks that are part of a service, if the task reports as
    # unhealthy then the task will be stopped and the service scheduler will replace it";
    # re:Post ecs-task-stopped lists "Failed container health checks"
    Cause(
        "container-health-check",
        "the container failed its health check",
        "The container's healthCheck command kept failing, so ECS marked the task UNHEALTHY and "
        "the service replaced it.",
        "Read the container's logs for why the check fails; test the healthCheck command inside "
        "the image; give a slow starter a longer startPeriod (0-300 s).",
        REPOST + "ecs-task-stopped",
        (r"container health ?check",),
    ),
    # stopped-task-errors.html: "Task failed ELB health checks in (elb elb-name)"; re:Post
    # ecs-task-stopped: allow traffic from the load balancer, set a health check grace period
    Cause(
        "load-balancer-health-check",
        "the task failed the load balancer's health checks",
        "The target group's health checks did not pass, so the service stopped the task.",
        "Allow the load balancer's security group into the task's port, check the target group's "
        "health check path and port, and give slow starters healthCheckGracePeriodSeconds.",
        GUIDE + "troubleshoot-service-load-balancers.html",
        (r"(ELB|load balancer|target group).*health ?checks?|health ?checks?.*(ELB|elb)",),
    ),
    # stopped-task-errors.html: "If a container marked as essential in task definitions exits or
    # dies, that can cause a task to stop"; the container's status reason says more
    Cause(
        "essential-container-exited",
        "an essential container exited",
        "The application in an essential container stopped by itself, so ECS stopped the task.",
        "Read the container's exit code and its logs (the awslogs stream) for why it exited; "
        "fix the command, the configuration or the code, and register a new revision.",
        STOPPED_TASK_ERRORS,
        (r"Essential container in task exited",),
    ),
    Cause(
        "cannot-start-container",
        "the container could not be started",
        "The container runtime could not start the container.",
        "Read the message's reason; the developer guide's CannotStartContainerError page lists "
        "the known ones (too little memory among them).",
        GUIDE + "cannot-start-container.html",
        (r"CannotStartContainerError",),
    ),
    # stopped-task-errors.html: "Tasks that are stopped by downscaling services have this
    # stopped reason"
    Cause(
        "scaled-in",
        "the service stopped it (scale-in or a deployment)",
        "Nothing failed: the service needed fewer tasks of this revision and stopped this one.",
        "Nothing to fix.",
        STOPPED_TASK_ERRORS,
        (r"Scaling activity initiated by",),
        failure=False,
    ),
)


def recognise(text: str, causes: tuple[Cause, ...] = CAUSES) -> Cause | None:
    """The first known cause whose patterns all match `text`, or None."""
    if not text:
        return None
    return next((cause for cause in causes if cause.matches(text)), None)
