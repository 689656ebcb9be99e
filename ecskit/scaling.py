"""Service auto scaling's writes: register the service as a scalable target, attach its policy.

Made after the service exists (the ResourceId names it). A policy refused after the target was
registered takes the target away again: nothing half-made. Errors are `ops.OpError`s.

>>> scaling.apply(session, "shop", "web", {"minTasks": 1, "maxTasks": 4,      # doctest: +SKIP
...     "metric": "ECSServiceAverageCPUUtilization", "target": 60})
"""

from __future__ import annotations

from typing import Any

from .errors import OpError, plain_errors
from .rules.auto_scaling import DIMENSION, requests, resource_id

CLIENT = "application-autoscaling"


def apply(session: Any, cluster: str, service: str, settings: dict[str, Any]) -> dict[str, Any]:
    """RegisterScalableTarget then PutScalingPolicy; PutScalingPolicy's answer."""
    client = session.client(CLIENT)
    register, policy = requests(cluster, service, settings)
    with plain_errors(f"register {register['ResourceId']} for auto scaling", list(register)):
        client.register_scalable_target(**register)
    try:
        with plain_errors(f"attach the scaling policy {policy['PolicyName']}", list(policy)):
            return dict(client.put_scaling_policy(**policy))
    except OpError:
        remove(session, cluster, service)
        raise


def remove(session: Any, cluster: str, service: str) -> None:
    """Deregister the service's scalable target (its policies go with it)."""
    with plain_errors(f"stop auto scaling {resource_id(cluster, service)}"):
        session.client(CLIENT).deregister_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=resource_id(cluster, service),
            ScalableDimension=DIMENSION,
        )


def current(session: Any, cluster: str, service: str) -> dict[str, Any]:
    """The service's scaling settings as a form holds them ({} when it does not scale)."""
    client, where = session.client(CLIENT), resource_id(cluster, service)
    with plain_errors(f"read the auto scaling of {where}"):
        targets = client.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[where])
        policies = client.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=where)
    found = targets.get("ScalableTargets") or []
    if not found:
        return {}
    settings: dict[str, Any] = {
        "minTasks": found[0]["MinCapacity"],
        "maxTasks": found[0]["MaxCapacity"],
    }
    for policy in policies.get("ScalingPolicies") or []:
        config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
        metric = config.get("PredefinedMetricSpecification") or {}
        if metric:
            settings["metric"] = metric.get("PredefinedMetricType")
            settings["target"] = config.get("TargetValue")
            if metric.get("ResourceLabel"):
                settings["resourceLabel"] = metric["ResourceLabel"]
            break
    return settings
