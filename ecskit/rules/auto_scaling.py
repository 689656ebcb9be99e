"""Service auto scaling: the two Application Auto Scaling requests a service's scaling makes.

A service scales through Application Auto Scaling: RegisterScalableTarget on
`ecs:service:DesiredCount` of `service/<cluster>/<service>` with a min and max task count, then
PutScalingPolicy with a target-tracking policy on a predefined metric (botocore's
application-autoscaling model: ResourceId, ScalableDimension, PredefinedMetricType docs).
`settings` is what a form holds: {"minTasks", "maxTasks", "metric", "target", "resourceLabel"}.
"""

from __future__ import annotations

from typing import Any

from .model import check_request
from .problem import ERROR, Problem, rule

AAS = "https://docs.aws.amazon.com/autoscaling/application/APIReference/"
GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
SERVICE_AUTO_SCALING = GUIDE + "service-auto-scaling.html"
TARGET_TRACKING = GUIDE + "service-autoscaling-targettracking.html"
REGISTER = AAS + "API_RegisterScalableTarget.html"
PREDEFINED = AAS + "API_PredefinedMetricSpecification.html"
KINDS = ("service", "update-service")
DIMENSION = "ecs:service:DesiredCount"
# the predefined metrics ECS services take (PredefinedMetricType: "ALBRequestCountPerTarget -
# This metric type applies only to Spot Fleets and ECS services")
METRICS = {
    "ECSServiceAverageCPUUtilization": "Average CPU utilization (%)",
    "ECSServiceAverageMemoryUtilization": "Average memory utilization (%)",
    "ALBRequestCountPerTarget": "Requests per target (ALB)",
}
PERCENT = ("ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization")
AT = "autoScaling"  # where a form shows these problems (not a key of the ECS request)

CAPACITY = rule(
    "auto-scaling.capacity",
    ERROR,
    KINDS,
    "Auto scaling keeps between min and max tasks: 0 <= min <= max.",
    REGISTER,
)
TARGET = rule(
    "auto-scaling.target",
    ERROR,
    KINDS,
    "A target-tracking target is above 0; a CPU or memory utilization target is a percent.",
    AAS + "API_TargetTrackingScalingPolicyConfiguration.html",
)
REQUESTS_NEED_ALB = rule(
    "auto-scaling.alb-request-count",
    ERROR,
    KINDS,
    "Scaling on ALB requests per target needs the service behind a load balancer target group.",
    PREDEFINED,
)


def resource_id(cluster: str, service: str) -> str:
    """`service/my-cluster/my-service`, as RegisterScalableTarget.ResourceId's docs write it."""
    return f"service/{cluster.rsplit('/', 1)[-1]}/{service.rsplit('/', 1)[-1]}"


def policy_name(service: str) -> str:
    return f"{service.rsplit('/', 1)[-1]}-target-tracking"


def requests(
    cluster: str, service: str, settings: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(RegisterScalableTarget body, PutScalingPolicy body) for one service."""
    target = {
        "ServiceNamespace": "ecs",
        "ResourceId": resource_id(cluster, service),
        "ScalableDimension": DIMENSION,
    }
    register = {
        **target,
        "MinCapacity": int(settings.get("minTasks", 1)),
        "MaxCapacity": int(settings.get("maxTasks", 1)),
    }
    metric: dict[str, Any] = {"PredefinedMetricType": settings.get("metric", "")}
    if settings.get("resourceLabel"):
        metric["ResourceLabel"] = settings["resourceLabel"]
    policy = {
        "PolicyName": policy_name(service),
        **target,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": float(settings.get("target", 0)),
            "PredefinedMetricSpecification": metric,
        },
    }
    return register, policy


def resource_label(load_balancer_arn: str, target_group_arn: str) -> str:
    """ALBRequestCountPerTarget's ResourceLabel: app/<lb>/<id>/targetgroup/<tg>/<id>."""
    return (
        f"{load_balancer_arn.split(':loadbalancer/', 1)[-1]}/" + target_group_arn.split(":", 5)[-1]
    )


def check(settings: dict[str, Any], *, behind_load_balancer: bool) -> list[Problem]:
    """The problems of a service's scaling settings, at `autoScaling.<setting>` paths."""
    out: list[Problem] = []
    low, high = settings.get("minTasks"), settings.get("maxTasks")
    if isinstance(low, int) and low < 0:
        out.append(CAPACITY.at(f"{AT}.minTasks", "Minimum tasks cannot be below 0."))
    if isinstance(low, int) and isinstance(high, int) and high < low:
        out.append(
            CAPACITY.at(
                f"{AT}.maxTasks",
                f"Maximum tasks ({high}) is below minimum tasks ({low}): raise the maximum.",
            )
        )
    metric, value = settings.get("metric"), settings.get("target")
    if isinstance(value, int | float) and value <= 0:
        out.append(TARGET.at(f"{AT}.target", "The scaling target must be above 0."))
    elif isinstance(value, int | float) and metric in PERCENT and value > 100:
        out.append(
            TARGET.at(
                f"{AT}.target",
                f"{METRICS[str(metric)]} is a percent: a target of {value:g} is above 100.",
            )
        )
    if metric == "ALBRequestCountPerTarget" and not behind_load_balancer:
        out.append(
            REQUESTS_NEED_ALB.at(
                f"{AT}.metric",
                "Requests per target needs a load balancer target group: choose one above, or "
                "scale on CPU or memory.",
            )
        )
    if not out:  # the model's own limits on both requests (types, enums)
        register, policy = requests("c", "s", settings)
        for operation, body in (("RegisterScalableTarget", register), ("PutScalingPolicy", policy)):
            out += [
                Problem(p.rule, p.severity, AT, p.message, REGISTER)
                for p in check_request("application-autoscaling", operation, body)
            ]
    return out
