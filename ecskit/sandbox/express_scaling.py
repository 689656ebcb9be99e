"""What an Express Mode service makes in Application Auto Scaling and CloudWatch.

GUIDE = "Resources created by Amazon ECS Express Mode services",
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html:
- a scalable target on ecs:service:DesiredCount (MinCapacity/MaxCapacity = min/max tasks) and a
  TargetTrackingScaling policy named <ServiceName><TargetMetric>, PredefinedMetricType
  ECSServiceAverageCPUUtilization by default (memory and ALB request count per target the
  other choices), DisableScaleIn false; Application Auto Scaling makes the policy's alarms;
- a "Metric alarm for detecting faulty deployments": "Alarm Based Rollbacks will trigger if sum
  of 4xx and 5xx errors percentage is > 1 for 2 datapoints within 3 minutes"
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-update-full.html).
How the policies act on the service's metrics is auto_scaling.py's business, not this module's.
"""

from __future__ import annotations

from typing import Any

from .express_resources import Undo, random_hex
from .express_wire import MotoClient

METRICS = {  # ExpressGatewayServiceScalingMetric -> Application Auto Scaling predefined metric
    "AVERAGE_CPU": "ECSServiceAverageCPUUtilization",
    "AVERAGE_MEMORY": "ECSServiceAverageMemoryUtilization",
    "REQUEST_COUNT_PER_TARGET": "ALBRequestCountPerTarget",
}


def deployment_alarm(w: MotoClient, name: str, lb: str, group: str, undo: Undo) -> str:
    """4xx + 5xx as a percentage of requests > 1, for 2 of 3 one-minute datapoints."""
    dims = [
        {"Name": "LoadBalancer", "Value": lb.split(":loadbalancer/")[-1]},
        {"Name": "TargetGroup", "Value": group.split(":")[-1]},
    ]

    def metric(key: str, metric_name: str) -> dict[str, Any]:
        stat = {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": metric_name,
                           "Dimensions": dims}, "Period": 60, "Stat": "Sum"}  # fmt: skip
        return {"Id": key, "MetricStat": stat, "ReturnData": False}

    alarm = f"{name}-deployment-errors-{random_hex(6)}"
    w.call(
        "cloudwatch",
        "PutMetricAlarm",
        AlarmName=alarm,
        AlarmDescription="Express Mode deployment alarm: 4xx + 5xx > 1 % of requests",
        ComparisonOperator="GreaterThanThreshold",
        Threshold=1.0,
        EvaluationPeriods=3,
        DatapointsToAlarm=2,
        TreatMissingData="notBreaching",
        Metrics=[
            metric("e4", "HTTPCode_Target_4XX_Count"),
            metric("e5", "HTTPCode_Target_5XX_Count"),
            metric("requests", "RequestCount"),
            {"Id": "errors", "Expression": "100 * (e4 + e5) / requests", "ReturnData": True},
        ],
    )
    undo.append(lambda: w.call("cloudwatch", "DeleteAlarms", AlarmNames=[alarm]))
    return alarm


def scaling(
    w: MotoClient, resource: str, name: str, target: dict[str, Any], label: str, undo: Undo
) -> dict[str, Any]:
    """The scalable target and the target-tracking policy: {name, arn, alarms, target}."""
    made = w.call(
        "application-autoscaling",
        "RegisterScalableTarget",
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=target["minTaskCount"],
        MaxCapacity=target["maxTaskCount"],
    )
    undo.append(lambda: remove_scaling(w, resource, None))
    return {**put_policy(w, resource, name, target, label),
            "target": made.get("ScalableTargetARN")}  # fmt: skip


def put_policy(
    w: MotoClient, resource: str, name: str, target: dict[str, Any], label: str
) -> dict[str, Any]:
    """The target-tracking policy (new or replaced): {name, arn, alarms}."""
    metric = METRICS[target["autoScalingMetric"]]
    spec: dict[str, Any] = {"PredefinedMetricType": metric}
    if metric == "ALBRequestCountPerTarget":
        spec["ResourceLabel"] = label
    policy = f"{name}{metric}"  # "<ServiceName><TargetMetric>" (GUIDE)
    answer = w.call(
        "application-autoscaling",
        "PutScalingPolicy",
        PolicyName=policy,
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": float(target["autoScalingTargetValue"]),
            "PredefinedMetricSpecification": spec,
            "DisableScaleIn": False,
        },
    )
    alarms = [a["AlarmARN"] for a in answer.get("Alarms") or []]
    return {"name": policy, "arn": answer.get("PolicyARN"), "alarms": alarms, "metric": metric}


def remove_scaling(w: MotoClient, resource: str, policy: str | None) -> None:
    """The policy (moto deletes its alarms with it) and the scalable target."""
    if policy:
        delete_policy(w, resource, policy)
    w.call(
        "application-autoscaling",
        "DeregisterScalableTarget",
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
    )


def delete_policy(w: MotoClient, resource: str, policy: str) -> None:
    w.call(
        "application-autoscaling",
        "DeleteScalingPolicy",
        PolicyName=policy,
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
    )
