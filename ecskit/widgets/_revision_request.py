"""The request that registered a revision, from DescribeTaskDefinition's answer.

Describe answers more than was sent: members only a response has (the model tells them apart)
and values ECS fills in by default. A new revision starts from the request, so that a form
loaded from `web:3` shows what its author wrote and a diff shows only what changed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# https://github.com/getmoto/moto/pull/3584 quotes a real RegisterTaskDefinition answer, and
# botocore's examples-1.json DescribeTaskDefinition example (also the AWS CLI's, on
# https://docs.aws.amazon.com/cli/latest/reference/ecs/describe-task-definition.html) agrees:
# each container gains
# "cpu": 0, "essential": true and empty environment/mountPoints/volumesFrom/portMappings lists;
# the task gains "volumes": [] and "placementConstraints": [].
CONTAINER_DEFAULTS: dict[str, Any] = {"cpu": 0}
# botocore ContainerDefinition.essential: "If this parameter is omitted, a container is assumed
# to be essential."
ASSUMED: dict[str, Any] = {"essential": True}
# botocore PortMapping.protocol: "The default is tcp."
PORT_DEFAULTS: dict[str, Any] = {"protocol": "tcp"}
# botocore PortMapping.hostPort: with awsvpc "the hostPort is set to the same value as the
# containerPort"; ECS writes it into the answer (github.com/turnerlabs/terraform-ecs-fargate
# pull 11, hashicorp/terraform-provider-aws issue 3401).
SAME_PORT_MODES = ("awsvpc",)


@cache
def response_only() -> frozenset[str]:
    """TaskDefinition's members that RegisterTaskDefinition does not take (botocore's model)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecs")
    answered = model.shape_for("TaskDefinition").members
    taken = model.operation_model("RegisterTaskDefinition").input_shape.members
    return frozenset(set(answered) - set(taken))


def is_described(body: Any) -> bool:
    """Whether `body` is a describe answer (wrapped, or bare with a response-only member)."""
    if not isinstance(body, dict):
        return False
    if isinstance(body.get("taskDefinition"), dict):
        return True
    return "containerDefinitions" in body and bool(set(body) & response_only())


def registered_request(described: Any) -> Any:
    """The RegisterTaskDefinition body a describe answer stands for (anything else unchanged)."""
    if not is_described(described):
        return described
    inner = described.get("taskDefinition", described)
    if not isinstance(inner, dict) or "containerDefinitions" not in inner:
        return described
    body = {k: v for k, v in inner.items() if k not in response_only() and v != []}
    mode = body.get("networkMode")
    containers = body.get("containerDefinitions")
    if isinstance(containers, list):
        body["containerDefinitions"] = [
            _container(c, mode) if isinstance(c, dict) else c for c in containers
        ]
    return body


def _container(container: dict[str, Any], mode: Any) -> dict[str, Any]:
    defaults = {**CONTAINER_DEFAULTS, **ASSUMED}
    out = {
        k: v for k, v in container.items() if v != [] and not (k in defaults and v == defaults[k])
    }
    ports = out.get("portMappings")
    if isinstance(ports, list):
        out["portMappings"] = [_port(p, mode) if isinstance(p, dict) else p for p in ports]
    return out


def _port(mapping: dict[str, Any], mode: Any) -> dict[str, Any]:
    out = {k: v for k, v in mapping.items() if not (k in PORT_DEFAULTS and v == PORT_DEFAULTS[k])}
    if mode in SAME_PORT_MODES and out.get("hostPort") == out.get("containerPort"):
        out.pop("hostPort", None)
    return out
