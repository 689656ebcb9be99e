"""Whether a task can start, from the state the sandbox holds: ECS's words when it cannot.

The lifecycle asks `startup_error(task)` as a task leaves PENDING; a reason stops the task with
stopCode TaskFailedToStart (what the scheduler's circuit breaker counts). Checked as the agent
meets them: the network path to each service it calls (network_path.py), then what the execution
role may do (execution_role.py), then whether the secrets, the image and the log group exist.
Every message and its source: docs/task-failures.md.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from .execution_role import REGISTRY_AUTH, find_secret, permission_error, registry_secret
from .network_path import network_error

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/"
    r"(?P<repo>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$"
)
_SECRETS_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: "
_SSM_ARN = re.compile(r"^arn:[^:]+:ssm:(?P<region>[^:]+):(?P<account>\d+):parameter(?P<name>/.+)$")


def startup_error(task: Any) -> str | None:
    """The stoppedReason ECS gives a task that cannot start, or None when it can."""
    definition = task._backend.describe_task_definition(task.task_definition_arn)
    containers = definition.container_definitions
    role = getattr(definition, "execution_role_arn", None)
    return (
        network_error(task, containers)
        or (permission_error(task, definition, role) if role else None)
        or secrets_error(task, containers)
        or registry_auth_error(task, containers)
        or pull_error(task)
        or log_group_error(task, containers)
    )


def secrets_error(task: Any, containers: list[dict[str, Any]]) -> str | None:
    """A `secrets` entry naming a Secrets Manager secret or SSM parameter that does not exist."""
    for container in containers:
        for secret in container.get("secrets") or []:
            value_from = str(secret.get("valueFrom") or "")
            if value_from.startswith("arn:") and ":secretsmanager:" in value_from:
                if not _secret_exists(value_from):
                    return _missing_secret(value_from)
            elif not _parameter_exists(task, value_from):
                return _missing_parameter(value_from)
    return None


def registry_auth_error(task: Any, containers: list[dict[str, Any]]) -> str | None:
    """A container's private registry credentials secret that is missing or not a
    {"username", "password"} JSON document (the shape private-auth.html asks for:
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html#private-auth-enable).

    The agent's own words for each case (aws/amazon-ecs-agent agent/asm/asm.go,
    GetDockerAuthFromASM and extractASMValue), after "asm fetching secret from the service for
    <id>: " when Secrets Manager refuses; the ResourceNotFoundException text is Secrets
    Manager's (https://github.com/brentley/ecsworkshop/pull/151). The stopped task's
    capitalised "Asm ..." is as a public write-up quotes it (execution_role.REGISTRY_AUTH)."""
    import json

    for container in containers:
        value = registry_secret(container)
        if not value:
            continue
        secret = find_secret(task, value)
        if secret is None or getattr(secret, "deleted_date", None):
            return (
                f"{REGISTRY_AUTH}{value}: ResourceNotFoundException: Secrets Manager can't find "
                f"the specified secret. status code: 400, request id: {uuid.uuid4()}"
            )
        text = str(getattr(secret, "secret_string", "") or "")
        if not text:
            return "Asm fetching authorization data: empty secrets value"
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            return (
                "Asm fetching authorization data: unable to unmarshal secret value, invalid schema"
            )
        for field in ("username", "password"):
            if not document.get(field):
                return f"Asm fetching {field}: AuthorizationData is malformed, empty field"
    return None


def _missing_secret(arn: str) -> str:
    # ECS's words for a secret the agent cannot fetch, as real tasks report it:
    # https://github.com/aws/aws-cdk/issues/18555
    # https://github.com/aws-samples/dify-self-hosted-on-aws/pull/35
    # https://repost.aws/knowledge-center/ecs-unable-to-pull-secrets (re:Post lists the forms)
    # with Secrets Manager's own ResourceNotFoundException text, as GetSecretValue gives it:
    # https://github.com/brentley/ecsworkshop/pull/151
    return (
        f"{_SECRETS_PREFIX}execution resource retrieval failed: unable to retrieve secret from "
        f"asm: service call has been retried 1 time(s): failed to fetch secret {arn} from "
        "secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified "
        f"secret. status code: 400, request id: {uuid.uuid4()}"
    )


def _missing_parameter(name: str) -> str:
    # a real stopped task's record (STOPPED, TaskFailedToStart) for a missing SSM parameter:
    # https://github.com/HHS/simpler-grants-gov/pull/4330
    return (
        f"{_SECRETS_PREFIX}execution resource retrieval failed: unable to retrieve secrets from "
        f"ssm: service call has been retried 1 time(s): invalid ssm parameters: {name}"
    )


def _secret_exists(value_from: str) -> bool:
    from moto.secretsmanager.models import secretsmanager_backends

    # arn:aws:secretsmanager:region:account:secret:name[:json-key:version-stage:version-id]
    parts = value_from.split(":")
    arn, region, account = ":".join(parts[:7]), parts[3], parts[4]
    try:
        secrets = secretsmanager_backends[account][region].secrets
    except Exception:  # a region moto does not know: nothing to check against
        return True
    return arn in secrets


def _parameter_exists(task: Any, value_from: str) -> bool:
    from moto.ssm.models import ssm_backends

    match = _SSM_ARN.match(value_from)
    account, region = task._account_id, task.region_name
    name = value_from
    if match is not None:
        account, region, name = match["account"], match["region"], match["name"]
    elif value_from.startswith("arn:"):
        return True  # another service's ARN: not the sandbox's to judge here
    try:
        backend = ssm_backends[account][region]
    except Exception:
        return True
    try:
        return backend.get_parameter(name) is not None
    except Exception:  # moto's own "version not found" and the like: it does not exist
        return False


def log_group_error(task: Any, containers: list[dict[str, Any]]) -> str | None:
    """An awslogs group that does not exist fails the task; with awslogs-create-group "true"
    ECS creates it instead (the execution role needs logs:CreateLogGroup for that:
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html,
    https://docs.compose-x.io/syntax/composex/ecs.details/logging.html; execution_role.py
    judges that permission before this runs)."""
    from moto.logs.models import logs_backends

    for container in containers:
        conf = container.get("logConfiguration") or {}
        options = conf.get("options") or {}
        group = options.get("awslogs-group")
        if conf.get("logDriver") != "awslogs" or not group:
            continue
        region = options.get("awslogs-region") or task.region_name
        try:
            logs = logs_backends[task._account_id][region]
        except Exception:  # a region moto does not know: nothing to check against
            continue
        if group in logs.groups:
            continue
        if str(options.get("awslogs-create-group", "")).lower() == "true":
            logs.create_log_group(group, {})
            continue
        # Fargate's words for a missing group, as real tasks report it
        # (https://gist.github.com/bradleybeddoes/7b568d87d20c5e4ebfe31de9a8dc08c7 shows the prefix;
        # the full text is quoted in public task definitions and troubleshooting notes)
        return (
            "ResourceInitializationError: failed to validate logger args: create stream has "
            "been retried 1 times: failed to create Cloudwatch log stream: "
            "ResourceNotFoundException: The specified log group does not exist. : exit status 1"
        )
    return None


def pull_error(task: Any) -> str | None:
    """ECS's CannotPullContainerError when a container's image is in an ECR repository of the
    sandbox that does not exist or lacks the tag (images from elsewhere always pull)."""
    from moto.ecr.models import ecr_backends

    for container in task.containers:
        match = _ECR_IMAGE.match(container.image or "")
        if match is None:
            continue
        try:
            ecr = ecr_backends[match["account"]][match["region"]]
        except Exception:  # a region moto does not know: nothing to check against
            continue
        repository = ecr.repositories.get(match["repo"])
        tag = match["tag"] or ("latest" if not match["digest"] else None)
        missing = repository is None or (
            tag is not None and not any(tag in image.image_tags for image in repository.images)
        )
        if missing:
            image = container.image
            return (
                "CannotPullContainerError: pull image manifest has been retried 7 time(s): "
                f"failed to resolve ref {image}: {image}: not found"
            )
    return None
