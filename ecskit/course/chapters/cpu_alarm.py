"""Chapter 09: an alarm that pages when the service's CPU stays above 80 % for three minutes in
a row, and not on one busy minute — the learner chooses Period, EvaluationPeriods and
DatapointsToAlarm.

Facts: ECS publishes CPUUtilization in AWS/ECS per ClusterName and ServiceName
(developer guide, available-metrics.html); botocore's CloudWatch PutMetricAlarm: EvaluationPeriods
is "the number of periods over which data is compared to the specified threshold",
DatapointsToAlarm "the number of data points that must be breaching to trigger the alarm", used
for an "M out of N" alarm (M), and when left out it is EvaluationPeriods.
"""

from __future__ import annotations

from typing import Any

from ..exercises import exercise
from ..result import Result
from .reading import GUIDE

METRICS = GUIDE + "available-metrics.html"
EVALUATING = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html"


@exercise(
    "09-cpu-alarm",
    "an alarm that waits for three busy minutes",
    'Create alarm "web-cpu-high" on the CPU of service web in cluster course that goes off when '
    "the average stays above 80 % for three minutes in a row, and not on one busy minute.",
)
def _cpu_alarm(session: Any, result: Result) -> None:
    alarms = session.cloudwatch.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
    result.add(
        bool(alarms),
        "an alarm named web-cpu-high",
        'session.cloudwatch.put_metric_alarm(AlarmName="web-cpu-high", ...)',
        EVALUATING,
    )
    whats = [
        "on AWS/ECS CPUUtilization",
        "for service web in cluster course",
        "average above 80",
        "one-minute periods, each judged on its own",
        "three breaching minutes in a row, no fewer",
    ]
    if not alarms:
        for what in whats:
            result.waiting(what, "create the alarm web-cpu-high", EVALUATING)
        return
    alarm = alarms[0]
    result.add(
        alarm.get("Namespace") == "AWS/ECS" and alarm.get("MetricName") == "CPUUtilization",
        f"{whats[0]} ({alarm.get('Namespace')} {alarm.get('MetricName')})",
        'Namespace="AWS/ECS", MetricName="CPUUtilization": the metric ECS publishes per service',
        METRICS,
    )
    dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
    result.add(
        dimensions == {"ClusterName": "course", "ServiceName": "web"},
        whats[1],
        "a metric is found by all its dimensions: ClusterName=course and ServiceName=web "
        "(with ClusterName alone it is the cluster's metric, another one)",
        METRICS,
    )
    result.add(
        alarm.get("Statistic") == "Average"
        and alarm.get("ComparisonOperator") == "GreaterThanThreshold"
        and float(alarm.get("Threshold", 0)) == 80.0,
        f"{whats[2]} ({alarm.get('Statistic')} {alarm.get('ComparisonOperator')} "
        f"{alarm.get('Threshold')})",
        'Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=80',
        EVALUATING,
    )
    period, periods = alarm.get("Period"), alarm.get("EvaluationPeriods")
    result.add(
        period == 60,
        f"{whats[3]} (Period={period})",
        "one period of 180 s averages the three minutes: one minute at 100 % and two at 75 % "
        "average 83 and page you; Period=60 judges each minute",
        EVALUATING,
    )
    needed = alarm.get("DatapointsToAlarm") or periods
    result.add(
        periods == 3 and needed == 3,
        f"{whats[4]} (DatapointsToAlarm={needed} of EvaluationPeriods={periods})",
        "EvaluationPeriods is N, the minutes looked at; DatapointsToAlarm is M, how many of them "
        "must breach: 1 of 1 pages on one busy minute, 3 of 5 on minutes that need not follow "
        "each other; 3 of 3 is three in a row",
        EVALUATING,
    )
