"""Deployment lifecycle hooks (deploymentConfiguration.lifecycleHooks): Lambda hooks and PAUSE
hooks, their targets, stages, timeouts and how many a service has. Facts and their sources:
docs/deployments.md section 5.
"""

from __future__ import annotations

from typing import Any

from . import docs
from .fields import as_dict, as_int, as_list, as_str, dicts
from .problem import ERROR, WARNING, Problem, rule

SV = ("service", "update-service")
# model DeploymentLifecycleHook.lifecycleStages: "PAUSE hooks cannot be configured at
# TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages."
PAUSE_BARRED = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
MOST_OF_A_KIND = 10  # pause-lifecycle-hooks.html: up to 10 pause and 10 Lambda hooks a service
LAMBDA_TIMEOUT = 1440  # lambda-lifecycle-hooks.html: Lambda hook timeouts are 1 to 1440 minutes

LAMBDA_TARGET = rule(
    "hooks.lambda-target",
    ERROR,
    SV,
    "An AWS_LAMBDA hook (the default targetType) names its Lambda function in hookTargetArn.",
    # model DeploymentLifecycleHook.hookTargetArn: "You must provide this parameter when
    # configuring an AWS_LAMBDA lifecycle hook."
    docs.LIFECYCLE_HOOK,
)
LAMBDA_ROLE = rule(
    "hooks.lambda-role",
    WARNING,
    SV,
    "An AWS_LAMBDA hook gives roleArn, the role that lets ECS invoke the function.",
    # blue-green-permissions.html: "When you use Lambda functions as deployment lifecycle hooks
    # ... you need to create an IAM role ... This role allows Amazon ECS to invoke your Lambda
    # functions" (the model does not mark it required: a warning).
    docs.HOOK_PERMISSIONS,
)
PAUSE_FIELDS = rule(
    "hooks.pause-fields",
    WARNING,
    SV,
    "A PAUSE hook takes no hookTargetArn, roleArn or hookDetails.",
    # pause-lifecycle-hooks.html: "Pause hooks do not use hookTargetArn or roleArn."; model:
    # hookDetails "is not used for PAUSE hooks".
    docs.PAUSE_HOOKS,
)
STAGES = rule(
    "hooks.stages",
    ERROR,
    SV,
    "Every hook lists its lifecycleStages; PAUSE hooks are not at TEST_TRAFFIC_SHIFT or "
    "PRODUCTION_TRAFFIC_SHIFT.",
    # model lifecycleStages: "You must provide this parameter when configuring a deployment
    # lifecycle hook." and the PAUSE restriction above.
    docs.LIFECYCLE_HOOK,
)
COUNT = rule(
    "hooks.count",
    ERROR,
    SV,
    "A service has at most 10 PAUSE hooks and 10 AWS_LAMBDA hooks.",
    docs.PAUSE_HOOKS,
)
LAMBDA_TIMEOUT_RULE = rule(
    "hooks.lambda-timeout",
    ERROR,
    SV,
    "An AWS_LAMBDA hook times out after 1 to 1440 minutes (PAUSE hooks up to 20160).",
    docs.LAMBDA_HOOKS,
)


def target_type(hook: dict[str, Any]) -> str:
    """PAUSE or AWS_LAMBDA; a hook without targetType is a Lambda hook (the model's default)."""
    return as_str(hook.get("targetType")) or "AWS_LAMBDA"


def run(body: dict[str, Any], out: list[Problem]) -> None:
    """Lifecycle hook rules of a CreateService or UpdateService body."""
    path = "deploymentConfiguration.lifecycleHooks"
    hooks = dicts(as_dict(body.get("deploymentConfiguration")).get("lifecycleHooks"))
    for index, hook in hooks:
        _hook(f"{path}[{index}]", hook, out)
    for kind in ("PAUSE", "AWS_LAMBDA"):
        count = sum(1 for _, hook in hooks if target_type(hook) == kind)
        if count > MOST_OF_A_KIND:
            out.append(
                COUNT.at(
                    path,
                    f"A service has at most {MOST_OF_A_KIND} {kind} hooks, not {count}: "
                    "remove some (hooks at one stage run in parallel, so one hook can do "
                    "several checks).",
                )
            )


def _hook(at: str, hook: dict[str, Any], out: list[Problem]) -> None:
    kind = target_type(hook)
    if kind == "AWS_LAMBDA":
        if not as_str(hook.get("hookTargetArn")):
            out.append(
                LAMBDA_TARGET.at(
                    f"{at}.hookTargetArn",
                    "A Lambda hook needs hookTargetArn, the ARN of the function ECS calls "
                    "(or set targetType PAUSE to wait for ContinueServiceDeployment instead).",
                )
            )
        if not as_str(hook.get("roleArn")):
            out.append(
                LAMBDA_ROLE.at(
                    f"{at}.roleArn",
                    "A Lambda hook needs roleArn: a role ECS can assume with "
                    "lambda:InvokeFunction on the function.",
                )
            )
        minutes = as_int(as_dict(hook.get("timeoutConfiguration")).get("timeoutInMinutes"))
        if minutes is not None and minutes > LAMBDA_TIMEOUT:
            out.append(
                LAMBDA_TIMEOUT_RULE.at(
                    f"{at}.timeoutConfiguration.timeoutInMinutes",
                    f"A Lambda hook times out after at most {LAMBDA_TIMEOUT} minutes (24 "
                    f"hours), not {minutes}: lower it, or use a PAUSE hook to wait longer.",
                )
            )
    else:
        for name in ("hookTargetArn", "roleArn", "hookDetails"):
            if hook.get(name):
                out.append(
                    PAUSE_FIELDS.at(
                        f"{at}.{name}",
                        f"A PAUSE hook does not use {name}: remove it (the deployment waits "
                        "for ContinueServiceDeployment).",
                    )
                )
    stages = as_list(hook.get("lifecycleStages"))
    if not stages:
        out.append(
            STAGES.at(
                f"{at}.lifecycleStages",
                "Choose at least one lifecycle stage for this hook (e.g. POST_SCALE_UP).",
            )
        )
    barred = [stage for stage in stages if kind == "PAUSE" and stage in PAUSE_BARRED]
    if barred:
        out.append(
            STAGES.at(
                f"{at}.lifecycleStages",
                f"A PAUSE hook cannot wait at {', '.join(barred)} (ECS runs those stages again "
                "when it rolls back): choose another stage, e.g. POST_TEST_TRAFFIC_SHIFT.",
            )
        )
