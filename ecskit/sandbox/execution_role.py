"""The task execution role: whether ECS can assume it and whether its policies allow start-up.

The agent uses the execution role to pull from ECR and to send awslogs on Fargate and external
instances (on EC2 the instance role does that), and everywhere to read `secrets`
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
Policy documents are judged by moto's own IAM evaluator (`moto.iam.access_control`, the one its
access control uses): an explicit Deny wins, else some Allow must match action and resource.
Statements with a Condition are taken as they would apply in the happy case (the sandbox knows
no request context): an Allow allows, a Deny does not deny.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

ECS_TASKS = "ecs-tasks.amazonaws.com"
_ECR = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/"
    r"(?P<repo>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$"
)
_SECRETS_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: "


def launch_error(account: str, role_arn: str) -> str | None:
    """ECS's words when it cannot assume the task's execution role (missing, or not trusting
    ecs-tasks.amazonaws.com); ECS says it when launching, in a service event
    "service NAME failed to launch a task with (error ...)." — quoted in
    https://github.com/aws-samples/aws-modern-application-workshop/issues/149 and
    https://github.com/telia-oss/terraform-aws-ecs-fargate/pull/58."""
    role = _role(account, role_arn)
    if role is not None and trusts_ecs_tasks(role.assume_role_policy_document):
        return None
    return (
        f"ECS was unable to assume the role '{role_arn}' that was provided for this task. "
        "Please verify that the role being passed has the proper trust relationship and "
        "permissions and that your IAM user has permissions to pass this role."
    )


def trusts_ecs_tasks(document: str | dict[str, Any]) -> bool:
    """The trust policy lets ecs-tasks.amazonaws.com call sts:AssumeRole."""
    from moto.iam.access_control import IAMPolicyStatement

    doc = json.loads(document) if isinstance(document, str) else document
    statements = doc.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") or {}
        services = principal.get("Service") if isinstance(principal, dict) else None
        services = [services] if isinstance(services, str) else services or []
        if statement.get("Effect") != "Allow" or ECS_TASKS not in services:
            continue
        if IAMPolicyStatement(statement)._check_element_matches("Action", "sts:AssumeRole"):
            return True
    return False


def permission_error(task: Any, definition: Any, role_arn: str) -> str | None:
    """ECS's stoppedReason when the execution role may not do what start-up needs, or None.

    A role ECS cannot assume is `launch_error`'s to report: not judged here."""
    account = task._account_id
    role = _role(account, role_arn)
    if role is None or not trusts_ecs_tasks(role.assume_role_policy_document):
        return None
    containers = definition.container_definitions
    managed_by_ecs = not task.container_instance_arn  # Fargate: the execution role pulls and logs
    who = f"arn:aws:sts::{account}:assumed-role/{role.name}/{task.id.replace('-', '')}"
    for container in containers:
        for secret in container.get("secrets") or []:
            failure = _secret_denied(role, str(secret.get("valueFrom") or ""), who, task)
            if failure:
                return failure
    for container in containers:
        failure = _registry_denied(role, registry_secret(container), who, task)
        if failure:
            return failure
    if managed_by_ecs:
        for container in containers:
            match = _ECR.match(str(container.get("image") or ""))
            if match is None:
                continue
            if not allows(role, "ecr:GetAuthorizationToken", "*"):
                return (
                    f"{_SECRETS_PREFIX}execution resource retrieval failed: unable to retrieve "
                    "ecr registry auth: service call has been retried 3 time(s): "
                    + _denied(who, "ecr:GetAuthorizationToken", "*")
                )
            repo = f"arn:aws:ecr:{match['region']}:{match['account']}:repository/{match['repo']}"
            for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"):
                if not allows(role, action, repo):
                    # https://github.com/aws/aws-cdk/issues/14457 (a pull the role may not make)
                    tag = match["digest"] or match["tag"] or "latest"
                    return (
                        "CannotPullContainerError: inspect image has been retried 1 time(s): "
                        f'failed to resolve ref "{container["image"]}": unexpected status code '
                        f"[manifests {tag}]: 403 Forbidden"
                    )
        for container in containers:
            failure = _logs_denied(role, container, who, task)
            if failure:
                return failure
    return None


def _secret_denied(role: Any, value_from: str, who: str, task: Any) -> str | None:
    if ":secretsmanager:" in value_from:
        arn = ":".join(value_from.split(":")[:7])
        action, step = "secretsmanager:GetSecretValue", "unable to retrieve secret from asm"
        head = (
            f"{step}: service call has been retried 1 time(s): failed to fetch secret {arn} "
            "from secrets manager: "
        )
        key = _secret_key(task, arn)
    else:
        arn = value_from if value_from.startswith("arn:") else _parameter_arn(task, value_from)
        action, step = "ssm:GetParameters", "unable to retrieve secrets from ssm"
        head = f"{step}: service call has been retried 1 time(s): "
        key = _parameter_key(task, value_from)
    prefix = f"{_SECRETS_PREFIX}execution resource retrieval failed: {head}"
    if not allows(role, action, arn):
        # https://github.com/aws/copilot-cli/issues/4504 (SSM, word for word)
        return prefix + _denied(who, action, arn)
    if key and not allows(role, "kms:Decrypt", key):
        # a customer key the role may not use: https://github.com/GiamPy5/terraform-aws-directus/issues/10
        return (
            prefix
            + "AccessDeniedException: Access to KMS is not allowed status code: 400, "
            + f"request id: {uuid.uuid4()}"
        )
    return None


# -- private registry credentials ----------------------------------------------------------------
# private-auth.html: the execution role needs secretsmanager:GetSecretValue on the secret, and
# kms:Decrypt "only if your key uses a custom KMS key and not the default key"
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html#private-auth-iam).
# The agent stops the task with Secrets Manager's error wrapped in its own words, "asm fetching
# secret from the service for <credentialsParameter>: ..." (aws/amazon-ecs-agent agent/asm/asm.go,
# set as the task's reason by agent/taskresource/asmauth/asmauth.go); a public write-up quotes a
# Fargate task stopped so, capitalised: "Asm fetching secret from the service for arn:...:
# AccessDeniedException: User: ...assumed-role/ecsTaskExecutionRole/... is not authorized to
# perform: secretsmanager:GetSecretValue on resource: arn:... status code: 400, request id: ...".
REGISTRY_AUTH = "Asm fetching secret from the service for "


def registry_secret(container: dict[str, Any]) -> str:
    """The container's repositoryCredentials.credentialsParameter ("" when it has none)."""
    credentials = container.get("repositoryCredentials")
    if not isinstance(credentials, dict):
        return ""
    return str(credentials.get("credentialsParameter") or "").strip()


def secret_arn(task: Any, value: str) -> str:
    """The secret's ARN from an ARN or a name (a name is looked up in the task's Region)."""
    from moto.secretsmanager.models import secretsmanager_backends

    account, region = task._account_id, task.region_name
    if value.startswith("arn:"):
        parts = value.split(":")
        region, account = [*parts, "", "", "", "", ""][3:5]
    try:  # a partial ARN (no random suffix) or a name finds the secret's own ARN
        return str(secretsmanager_backends[account][region].secrets[value].arn)
    except Exception:  # not found: the ARN as given, or the one a secret of that name would have
        if value.startswith("arn:"):
            return ":".join(value.split(":")[:7])
        return f"arn:aws:secretsmanager:{region}:{account}:secret:{value}"


def find_secret(task: Any, value: str) -> Any:
    """The sandbox's secret that an ARN (full or partial) or a name stands for, or None."""
    from moto.secretsmanager.models import secretsmanager_backends

    arn = secret_arn(task, value)
    parts = arn.split(":")
    try:
        return secretsmanager_backends[parts[4]][parts[3]].secrets.get(arn)
    except Exception:  # a Region moto does not know
        return None


def _registry_denied(role: Any, value: str, who: str, task: Any) -> str | None:
    if not value:
        return None
    arn = secret_arn(task, value)
    head = f"{REGISTRY_AUTH}{value}: "
    if not allows(role, "secretsmanager:GetSecretValue", arn):
        return head + _denied(who, "secretsmanager:GetSecretValue", arn)
    key = _secret_key(task, arn)
    if key and not allows(role, "kms:Decrypt", key):
        return (
            head
            + "AccessDeniedException: Access to KMS is not allowed status code: 400, "
            + f"request id: {uuid.uuid4()}"
        )
    return None


def _logs_denied(role: Any, container: dict[str, Any], who: str, task: Any) -> str | None:
    conf = container.get("logConfiguration") or {}
    options = conf.get("options") or {}
    group = options.get("awslogs-group")
    if conf.get("logDriver") != "awslogs" or not group:
        return None
    region = options.get("awslogs-region") or task.region_name
    account = task._account_id
    base = f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:"
    # the texts real tasks stop with:
    # https://github.com/terraform-aws-modules/terraform-aws-ecs/pull/145 (CreateLogGroup)
    # https://github.com/doctorray117/minecraft-ondemand/issues/12 (CreateLogStream)
    head = (
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: "
    )
    tail = " : exit status 1"
    if str(options.get("awslogs-create-group", "")).lower() == "true" and not allows(
        role, "logs:CreateLogGroup", base
    ):
        denied = _denied(who, "logs:CreateLogGroup", base)
        return f"{head}failed to create Cloudwatch log group: {denied}{tail}"
    prefix = options.get("awslogs-stream-prefix")
    stream = f"{base}{prefix}/{container.get('name')}/{task.id}" if prefix else f"{base}{task.id}"
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        if not allows(role, action, stream):
            denied = _denied(who, action, stream)
            return f"{head}failed to create Cloudwatch log stream: {denied}{tail}"
    return None


def _denied(who: str, action: str, resource: str) -> str:
    # AWS's AccessDeniedException wording, as ECS relays it (copilot-cli#4504 above)
    return (
        f"AccessDeniedException: User: {who} is not authorized to perform: {action} on "
        f"resource: {resource} because no identity-based policy allows the {action} action "
        f"status code: 400, request id: {uuid.uuid4()}"
    )


# -- policies ----------------------------------------------------------------------------------
def allows(role: Any, action: str, resource: str) -> bool:
    """The role's inline and attached policies allow `action` on `resource` (no explicit Deny)."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    allowed = False
    for document in _documents(role):
        statements = document.get("Statement") or []
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Condition"):
                if statement.get("Effect") == "Deny":
                    continue  # a conditional Deny: taken as not applying
                statement = {k: v for k, v in statement.items() if k != "Condition"}
            result = IAMPolicyStatement(statement).is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return False
            allowed = allowed or result == PermissionResult.PERMITTED
    return allowed


def _documents(role: Any) -> list[dict[str, Any]]:
    found = [json.loads(d) if isinstance(d, str) else d for d in role.policies.values()]
    for policy in role.managed_policies.values():
        version = next((v for v in policy.versions if v.is_default), None)
        if version is not None:
            document = version.document
            found.append(json.loads(document) if isinstance(document, str) else document)
    return found


def _role(account: str, arn: str) -> Any:
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account]["aws"].get_role_by_arn(arn)
    except Exception:
        if not arn.startswith("arn:"):  # a bare role name is accepted too
            try:
                return iam_backends[account]["aws"].get_role(arn)
            except Exception:
                return None
        return None


def _secret_key(task: Any, arn: str) -> str | None:
    from moto.secretsmanager.models import secretsmanager_backends

    parts = arn.split(":")
    try:
        secret = secretsmanager_backends[parts[4]][parts[3]].secrets.get(arn)
    except Exception:
        return None
    return _customer_key(getattr(secret, "kms_key_id", None), parts[3], parts[4])


def _parameter_arn(task: Any, name: str) -> str:
    return f"arn:aws:ssm:{task.region_name}:{task._account_id}:parameter/{name.lstrip('/')}"


def _parameter_key(task: Any, value_from: str) -> str | None:
    from moto.ssm.models import ssm_backends

    name = value_from.split(":parameter", 1)[-1] if value_from.startswith("arn:") else value_from
    try:
        parameter = ssm_backends[task._account_id][task.region_name].get_parameter(name)
    except Exception:
        return None
    if parameter is None or getattr(parameter, "type", "") != "SecureString":
        return None
    return _customer_key(getattr(parameter, "keyid", None), task.region_name, task._account_id)


def _customer_key(key: str | None, region: str, account: str) -> str | None:
    """A customer managed key's ARN; None for none or the AWS managed key (alias/aws/...)."""
    if not key or key.startswith("alias/aws/") or ":alias/aws/" in key:
        return None
    if key.startswith("arn:"):
        return key
    if key.startswith("alias/"):
        return f"arn:aws:kms:{region}:{account}:{key}"
    return f"arn:aws:kms:{region}:{account}:key/{key}"
