"""Application Auto Scaling on `ecs:service:DesiredCount`: policies that change a service's
desired count when their CloudWatch alarms fire (alarms.py evaluates them).

moto 5.2.5 stores scalable targets and policies and makes two alarms for an ECS target tracking
policy, but with a fixed threshold of 6 and CPU for any metric, and never acts; it has no
DescribeScalingActivities. The sandbox makes the alarms as AWS does and acts:

- Target tracking (predefined ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization,
  ALBRequestCountPerTarget, or a customized metric) makes `TargetTracking-<resource id>-AlarmHigh-
  <uuid>` and, unless DisableScaleIn, `...-AlarmLow-<uuid>` (names as the AWS CLI's
  put-scaling-policy example shows them: https://github.com/aws/aws-cli/blob/develop/awscli/
  examples/application-autoscaling/put-scaling-policy.rst). AlarmHigh fires above the target;
  AlarmLow below 90 % of it, since the policy scales in only once the metric is "sufficiently
  below the target value (usually more than 10% lower)" (https://docs.aws.amazon.com/autoscaling/
  application/userguide/target-tracking-scaling-policy-overview.html); 1-minute periods, 3 and 15
  of them (moto's shape). The new count is proportional: ceil(count x metric / target).
- Step scaling: the alarm's actions name the policy's ARN; the step whose bounds (relative to the
  alarm's threshold) hold the metric gives ChangeInCapacity, PercentChangeInCapacity or
  ExactCapacity.
- Within the scalable target's MinCapacity..MaxCapacity; cooldowns default to 300 s for ECS
  services. During a scale-out cooldown the capacity the last scale-out added counts as part of
  the current capacity; scale-in waits for its cooldown, and a scale-out ends it
  (TargetTrackingScalingPolicyConfiguration / StepScalingPolicyConfiguration in botocore's
  application-autoscaling model).
- Each change is a scaling activity (DescribeScalingActivities; texts as in
  https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scaling-activities.html)
  and an ECS service event "Message: Successfully set desired count to N. Change successfully
  fulfilled by ecs. Cause: monitor alarm ... in state ALARM triggered policy ..." (a real
  account's events quoted in https://github.com/aws/containers-roadmap/issues/525); the desired
  count changes as UpdateService would change it, so the scheduler starts or stops tasks.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from .recording import derived_uuid

DIMENSION = "ecs:service:DesiredCount"
DEFAULT_COOLDOWN = 300  # seconds, for ECS services (botocore's application-autoscaling docs)
LOW_SHARE = 0.9  # AlarmLow: 10 % below the target
PREDEFINED = {
    "ECSServiceAverageCPUUtilization": ("AWS/ECS", "CPUUtilization", "Average", "Percent"),
    "ECSServiceAverageMemoryUtilization": ("AWS/ECS", "MemoryUtilization", "Average", "Percent"),
    "ALBRequestCountPerTarget": ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum", None),
}


class AutoScaling:
    """Runs scaling policies for the sandbox and keeps their scaling activities."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.activities: list[dict[str, Any]] = []
        self.cooldowns: dict[str, dict[str, float]] = {}

    def reset(self) -> None:
        self.activities.clear()
        self.cooldowns.clear()

    # -- an alarm's action -------------------------------------------------------------------
    def invoke(self, cw: Any, alarm: Any, action: str, value: float | None) -> None:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        aas = applicationautoscaling_backends[cw.account_id][cw.region_name]
        policy = next(
            (p for p in aas.policies.values()
             if action == p.policy_arn or action.startswith(p.policy_arn + ":createdBy/")),
            None,
        )  # fmt: skip
        if policy is None or policy.scalable_dimension != DIMENSION or value is None:
            return
        target = aas.targets.get(DIMENSION, {}).get(policy.resource_id)
        service = _service(cw, policy.resource_id)
        if target is None or service is None or service.status != "ACTIVE":
            return
        current = int(service.desired_count)
        state = self.cooldowns.setdefault(policy.policy_arn, {})
        now = self.layer.clock.now()
        out = alarm.comparison_operator.startswith("Greater")
        suspended = target.suspended_state or {}
        if policy.policy_type == "TargetTrackingScaling":
            conf = policy.target_tracking_scaling_policy_configuration or {}
            if not out and conf.get("DisableScaleIn"):
                return
            cooldown = conf.get("ScaleOutCooldown" if out else "ScaleInCooldown")
            base = self._base(state, current, now, out)
            wanted = math.ceil(round(base * value / float(conf["TargetValue"]), 6))
        else:
            conf = policy.step_scaling_policy_configuration or {}
            cooldown = conf.get("Cooldown")
            base = self._base(state, current, now, out)
            wanted = _step(conf, base, value - float(alarm.threshold))
            if wanted is None:
                return
            out = wanted > current
        if out and suspended.get("DynamicScalingOutSuspended"):
            return
        if not out and suspended.get("DynamicScalingInSuspended"):
            return
        low = int(target.min_capacity or 0)
        high = int(target.max_capacity if target.max_capacity is not None else wanted)
        wanted = max(low, min(high, wanted))
        cooldown = DEFAULT_COOLDOWN if cooldown is None else int(cooldown)
        if out and wanted > current:
            state.update(out_until=now + cooldown, out_base=current)
            state.pop("in_until", None)  # a scale-out ends a scale-in cooldown
        elif not out and wanted < current and now >= state.get("in_until", 0):
            state["in_until"] = now + cooldown
        else:
            return
        cause = (
            f"monitor alarm {alarm.name} in state {alarm.state_value} triggered policy "
            f"{policy.policy_name}"
        )
        self._set(cw, policy.resource_id, service, wanted, cause)

    def _base(self, state: dict[str, float], current: int, now: float, out: bool) -> int:
        """During a scale-out cooldown, the capacity before it: what it added is counted."""
        if out and now < state.get("out_until", 0):
            return int(state.get("out_base", current))
        return current

    def _set(self, cw: Any, resource: str, service: Any, count: int, cause: str) -> None:
        backend = getattr(service, "_ecskit_backend", None)
        if backend is None:
            from moto.ecs.models import ecs_backends

            backend = ecs_backends[cw.account_id][cw.region_name]
        when = self.layer.clock.datetime()
        service.desired_count = count
        # what UpdateService(desiredCount=...) does: no new deployment, the scheduler acts
        before = service.task_definition  # the same revision: no new deployment
        self.layer.scheduler.updated(backend, service, {"desiredCount": count}, before)
        status = f"Successfully set desired count to {count}. Change successfully fulfilled by ecs."
        self.activities.append(
            {
                "ActivityId": str(derived_uuid(f"scaling/{resource}/{len(self.activities)}")),
                "ServiceNamespace": "ecs",
                "ResourceId": resource,
                "ScalableDimension": DIMENSION,
                "Description": f"Setting desired count to {count}.",
                "Cause": cause,
                "StartTime": when,
                "EndTime": when,
                "StatusCode": "Successful",
                "StatusMessage": status,
                "_region": cw.region_name,
            }
        )
        self.layer.scheduler._event(service, f"Message: {status} Cause: {cause}")

    # -- DescribeScalingActivities -------------------------------------------------------------
    def describe(self, region: str, body: dict[str, Any]) -> dict[str, Any]:
        """Newest first, paged by MaxResults (1-50, default 50) and NextToken."""
        found = [
            a for a in reversed(self.activities)
            if a["_region"] == region
            and a["ServiceNamespace"] == body.get("ServiceNamespace")
            and body.get("ResourceId") in (None, a["ResourceId"])
            and body.get("ScalableDimension") in (None, a["ScalableDimension"])
        ]  # fmt: skip
        start = int(body.get("NextToken") or 0)
        size = int(body.get("MaxResults") or 50)
        page = [
            {k: (v.timestamp() if isinstance(v, datetime) else v)
             for k, v in a.items() if not k.startswith("_")}
            for a in found[start : start + size]
        ]  # fmt: skip
        answer: dict[str, Any] = {"ScalingActivities": page}
        if start + size < len(found):
            answer["NextToken"] = str(start + size)
        return answer


def _service(cw: Any, resource: str) -> Any:
    from moto.ecs.models import ecs_backends

    parts = resource.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return None
    return ecs_backends[cw.account_id][cw.region_name].services.get(f"{parts[1]}:{parts[2]}")


def _step(conf: dict[str, Any], current: int, over: float) -> int | None:
    """The capacity a step scaling policy asks for when the metric is `over` its threshold."""
    for step in conf.get("StepAdjustments") or []:
        lower = step.get("MetricIntervalLowerBound")
        upper = step.get("MetricIntervalUpperBound")
        if (lower is None or over >= float(lower)) and (upper is None or over < float(upper)):
            adjustment = float(step["ScalingAdjustment"])
            kind = conf.get("AdjustmentType", "ChangeInCapacity")
            if kind == "ExactCapacity":
                return int(adjustment)
            if kind == "PercentChangeInCapacity":
                change = current * adjustment / 100
                magnitude = max(abs(int(change)), int(conf.get("MinAdjustmentMagnitude") or 1))
                return current + int(math.copysign(magnitude, change)) if change else current
            return current + int(adjustment)
    return None


# -- moto: the alarms a target tracking policy makes ---------------------------------------------
def patch_moto() -> None:
    """moto's ECS target tracking alarms, made with AWS's metric, threshold and names; a policy
    put again replaces its alarms instead of leaving the old ones behind."""
    from moto.applicationautoscaling import models

    policy_class = models.FakeApplicationAutoscalingPolicy
    if getattr(policy_class._generate_ecs_alarms, "_ecskit", False):
        return

    def _generate_ecs_alarms(self: Any) -> list[Any]:
        from moto.cloudwatch.models import cloudwatch_backends
        from moto.moto_api._internal import mock_random

        cloudwatch = cloudwatch_backends[self.account_id][self.region_name]
        conf = self.target_tracking_scaling_policy_configuration or {}
        metric = _tracked_metric(self.resource_id, conf)
        if metric is None:
            return []
        namespace, name, statistic, unit, dimensions = metric
        action = f"{self.policy_arn}:createdBy/{mock_random.uuid4()}"
        about = f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {action}"
        target = float(conf.get("TargetValue") or 0)
        shapes = [("AlarmHigh", "GreaterThanThreshold", 3, target)]
        if not conf.get("DisableScaleIn"):
            shapes.append(("AlarmLow", "LessThanThreshold", 15, round(target * LOW_SHARE, 6)))
        made = []
        for suffix, comparison, periods, threshold in shapes:
            made.append(
                cloudwatch.put_metric_alarm(
                    name=f"TargetTracking-{self.resource_id}-{suffix}-{mock_random.uuid4()}",
                    namespace=namespace,
                    metric_name=name,
                    metric_data_queries=[],
                    comparison_operator=comparison,
                    evaluation_periods=periods,
                    datapoints_to_alarm=periods,
                    period=60,
                    threshold=threshold,
                    unit=unit,
                    statistic=statistic,
                    description=about,
                    dimensions=dimensions,
                    alarm_actions=[action],
                )
            )
        return made

    _generate_ecs_alarms._ecskit = True  # type: ignore[attr-defined]
    policy_class._generate_ecs_alarms = _generate_ecs_alarms  # type: ignore[method-assign]

    backend_class = models.ApplicationAutoscalingBackend
    original = backend_class.put_scaling_policy

    def put_scaling_policy(self: Any, *args: Any, **kwargs: Any) -> Any:
        names = ("policy_name", "service_namespace", "resource_id", "scalable_dimension")
        given = {**dict(zip(names, args, strict=False)), **kwargs}
        key = policy_class.formulate_key(
            given.get("service_namespace"), given.get("resource_id"),
            given.get("scalable_dimension"), given.get("policy_name"),
        )  # fmt: skip
        old = self.policies.get(key)
        if old is not None:
            old.delete_alarms(self.account_id, self.region_name)
        return original(self, *args, **kwargs)

    backend_class.put_scaling_policy = put_scaling_policy  # type: ignore[method-assign]


def _tracked_metric(resource: str, conf: dict[str, Any]) -> tuple | None:
    """(namespace, metric, statistic, unit, dimensions) a target tracking policy watches."""
    parts = resource.split("/")
    predefined = conf.get("PredefinedMetricSpecification") or {}
    kind = predefined.get("PredefinedMetricType")
    if kind in PREDEFINED and len(parts) == 3:
        namespace, name, statistic, unit = PREDEFINED[kind]
        if kind == "ALBRequestCountPerTarget":
            # ResourceLabel: app/<lb>/<id>/targetgroup/<group>/<id>
            label = predefined.get("ResourceLabel") or ""
            group = "targetgroup/" + label.split("/targetgroup/")[-1]
            return namespace, name, statistic, unit, [{"Name": "TargetGroup", "Value": group}]
        dims = [{"Name": "ClusterName", "Value": parts[1]},
                {"Name": "ServiceName", "Value": parts[2]}]  # fmt: skip
        return namespace, name, statistic, unit, dims
    custom = conf.get("CustomizedMetricSpecification") or {}
    if custom.get("MetricName") and custom.get("Namespace"):
        return (custom["Namespace"], custom["MetricName"], custom.get("Statistic", "Average"),
                custom.get("Unit"), custom.get("Dimensions") or [])  # fmt: skip
    return None
