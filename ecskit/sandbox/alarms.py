"""CloudWatch metric alarms that change state, evaluated each minute of sandbox time.

moto stores alarms but never evaluates them. The sandbox does, as CloudWatch documents
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
"Evaluating an alarm"): the alarm's `Statistic` of its metric (namespace, name and exactly its
dimensions) over each of the last `EvaluationPeriods` periods of `Period` seconds is one
datapoint; `DatapointsToAlarm` (default: all of them) breaching ones put it in ALARM, otherwise
OK. Missing data follows `TreatMissingData` (default `missing`: with no datapoint at all the alarm
is INSUFFICIENT_DATA; `ignore` keeps the state; `breaching`/`notBreaching` count a gap as such;
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html).
A state set with SetAlarmState holds until the next evaluation, as on AWS ("Metric alarms return
to their actual state quickly", API_SetAlarmState). Percentile, metric-math, anomaly-band and
composite alarms keep the state they have.

Actions: Application Auto Scaling policies named in the actions of the alarm's state run at each
evaluation while it stays there ("Except for Auto Scaling actions, the actions happen only on
state transitions", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html).
"""

from __future__ import annotations

import json
import math
import operator
from collections import deque
from typing import Any

COMPARE = {
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
STATISTICS = {
    "Average": lambda v: sum(v) / len(v),
    "Sum": sum,
    "Minimum": min,
    "Maximum": max,
    "SampleCount": len,
}
KEEP = 24 * 60  # datapoints kept per metric for evaluation: a day of minutes


def _key(namespace: str, name: str, dimensions: Any) -> tuple:
    pairs = []
    for d in dimensions or []:
        if isinstance(d, dict):
            pairs.append((d["Name"], d["Value"]))
        else:  # moto's Dimension object
            pairs.append((d.name, d.value))
    return (namespace, name, frozenset(pairs))


class Recent:
    """The values the sandbox published lately, by metric: evaluating an alarm never scans
    CloudWatch's whole store (which only grows)."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], dict[tuple, deque]] = {}

    def clear(self) -> None:
        self.series.clear()

    def add(self, account: str, region: str, namespace: str, items: list, now: float) -> None:
        store = self.series.setdefault((account, region), {})
        for item in items:
            key = _key(namespace, item["MetricName"], item.get("Dimensions"))
            if key not in store:
                store[key] = deque(maxlen=KEEP)
            store[key].append((now, float(item["Value"])))

    def namespaces(self, account: str, region: str) -> set[str]:
        return {key[0] for key in self.series.get((account, region), {})}

    def values(self, account: str, region: str, key: tuple, since: float) -> list[tuple]:
        found = self.series.get((account, region), {}).get(key) or ()
        recent = []
        for t, v in reversed(found):  # newest first: stop at the window's start
            if t <= since:
                break
            recent.append((t, v))
        return recent[::-1]


class Alarms:
    """Evaluates every metric alarm of the sandbox's CloudWatch (see the module docstring)."""

    def __init__(self, clock: Any, recent: Recent) -> None:
        self.clock = clock
        self.recent = recent

    def evaluate(self) -> list[tuple[Any, Any, str, float | None]]:
        """Bring each alarm to its state now; the (backend, alarm, action, latest value) of
        each Application Auto Scaling action to run."""
        from moto.cloudwatch.models import cloudwatch_backends

        now = self.clock.now()
        actions = []
        for account, regions in list(cloudwatch_backends.items()):
            for region in list(regions.keys()):
                backend = regions[region]
                if not backend.alarms:
                    continue
                published = self.recent.namespaces(account, region)
                for alarm in list(backend.alarms.values()):
                    if not _evaluable(alarm):
                        continue
                    latest = self._evaluate(backend, account, region, alarm, now, published)
                    state_actions = {
                        "ALARM": alarm.alarm_actions,
                        "OK": alarm.ok_actions,
                        "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
                    }.get(alarm.state_value) or []
                    if alarm.actions_enabled:
                        for action in state_actions:
                            if ":scalingPolicy:" in action:
                                actions.append((backend, alarm, action, latest))
        return actions

    def _evaluate(
        self, backend: Any, account: str, region: str, alarm: Any, now: float, published: set
    ) -> float | None:
        period = int(alarm.period or 60)
        periods = int(alarm.evaluation_periods or 1)
        needed = int(alarm.datapoints_to_alarm or periods)
        newest = math.floor(now / period)
        since = (newest - periods + 1) * period - 1e-6
        key = _key(alarm.namespace, alarm.metric_name, alarm.dimensions)
        if alarm.namespace in published:
            values = self.recent.values(account, region, key, since)
        else:  # the user's own metrics: CloudWatch's store
            values = _stored(backend, key, since)
        buckets: dict[int, list[float]] = {}
        for t, v in values:
            buckets.setdefault(math.floor(t / period), []).append(v)
        statistic = STATISTICS[alarm.statistic]
        points = [
            (b, statistic(buckets[b])) for b in range(newest - periods + 1, newest + 1)
            if b in buckets
        ]  # fmt: skip
        compare, words = COMPARE[alarm.comparison_operator]
        threshold = float(alarm.threshold)
        missing = periods - len(points)
        treat = alarm.treat_missing_data or "missing"
        breaching = sum(1 for _, v in points if compare(v, threshold))
        if treat == "breaching":
            breaching += missing
        if not points and treat in ("missing", "ignore"):
            if treat == "missing":
                reason = f"Insufficient Data: {periods} datapoints were unknown."
                self._set(alarm, "INSUFFICIENT_DATA", reason, [], threshold)
            return None
        state = "ALARM" if breaching >= needed else "OK"
        shown = ", ".join(f"{v:g} ({_when(b * period)})" for b, v in reversed(points))
        if state == "ALARM":
            reason = (
                f"Threshold Crossed: {breaching} out of the last {periods} datapoints [{shown}] "
                f"were {words} the threshold ({threshold:g}) (minimum {needed} datapoints for "
                "OK -> ALARM transition)."
            )
        else:
            reason = (
                f"Threshold Crossed: {len(points) - breaching} out of the last {periods} "
                f"datapoints [{shown}] were not {words} the threshold ({threshold:g}) "
                f"(fewer than {needed} breaching for ALARM)."
            )
        self._set(alarm, state, reason, points, threshold)
        return points[-1][1] if points else None

    def _set(self, alarm: Any, state: str, reason: str, points: list, threshold: float) -> None:
        # moto makes an alarm OK, "Unchecked": its first evaluation says why it is in its state
        if state == alarm.state_value and not alarm.state_reason.startswith("Unchecked"):
            return
        period = int(alarm.period or 60)
        data = {
            "version": "1.0",
            "queryDate": _when(self.clock.now()),
            "statistic": alarm.statistic,
            "period": period,
            "recentDatapoints": [v for _, v in points],
            "threshold": threshold,
        }
        alarm.update_state(reason, json.dumps(data), state)
        alarm.state_updated_timestamp = self.clock.datetime().replace(tzinfo=None)


def _evaluable(alarm: Any) -> bool:
    return bool(
        alarm.metric_name
        and not alarm.metric_data_queries
        and not getattr(alarm, "rule", None)
        and alarm.statistic in STATISTICS
        and alarm.comparison_operator in COMPARE
    )


def _stored(backend: Any, key: tuple, since: float) -> list[tuple[float, float]]:
    """(time, value) of CloudWatch's single-value datapoints of metric `key` since `since`."""
    from datetime import timezone

    found = []
    for datum in backend.metric_data:
        value = getattr(datum, "value", None)
        if value is None or _key(datum.namespace, datum.name, datum.dimensions) != key:
            continue
        when = datum.timestamp
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        if when.timestamp() > since:
            found.append((when.timestamp(), float(value)))
    return found


def _when(epoch: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%d/%m/%y %H:%M:%S")
