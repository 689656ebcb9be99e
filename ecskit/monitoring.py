"""What MonitoringView reads: a service's CPU and memory utilization from CloudWatch, and the
newest lines of its awslogs group."""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

from .errors import plain_errors

# Container Insights has no utilization metric: used / reserved is the same ratio
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html)
INSIGHTS = {
    "CPUUtilization": ("CpuUtilized", "CpuReserved"),
    "MemoryUtilization": ("MemoryUtilized", "MemoryReserved"),
}


def now_of(session: Any) -> dt.datetime:
    """The account's time: the sandbox's clock (which `advance` moves), else the wall clock."""
    clock = getattr(getattr(getattr(session, "sandbox", None), "layer", None), "clock", None)
    if clock is not None:
        return clock.datetime()
    return dt.datetime.now(dt.timezone.utc)


def utilization(
    session: Any, cluster: str, service: str | None = None, minutes: int = 60, period: int = 60
) -> dict[str, Any]:
    """CPU and memory utilization (percent) over the last `minutes`, from what the account has:
    `AWS/ECS` (ECS publishes it for every service with running tasks), else Container Insights'
    used / reserved. {"namespace": the one read or None, "unit": "Percent", "start", "end",
    "series": {"CPUUtilization": [(time, value)], "MemoryUtilization": [...]}}."""
    end = now_of(session) + dt.timedelta(seconds=period)  # EndTime is exclusive: this minute too
    start = end - dt.timedelta(minutes=minutes)
    dimensions = [{"Name": "ClusterName", "Value": cluster}]
    if service:
        dimensions.append({"Name": "ServiceName", "Value": service})

    def read(namespace: str, metric: str, statistic: str) -> dict[dt.datetime, float]:
        answer = session.cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName=metric, Dimensions=dimensions, StartTime=start,
            EndTime=end, Period=period, Statistics=[statistic],
        )  # fmt: skip
        return {
            p["Timestamp"]: float(p[statistic])
            for p in answer.get("Datapoints") or []
            if p.get(statistic) is not None  # a datapoint may hold other statistics only
        }

    series: dict[str, list[tuple[dt.datetime, float]]] = {}
    found = None
    with plain_errors(f"read the metrics of {service or cluster}"):
        for metric in INSIGHTS:
            series[metric] = sorted(read("AWS/ECS", metric, "Average").items())
        if any(series.values()):
            found = "AWS/ECS"
        else:
            for metric, (used_name, reserved_name) in INSIGHTS.items():
                used = read("ECS/ContainerInsights", used_name, "Sum")
                reserved = read("ECS/ContainerInsights", reserved_name, "Sum")
                series[metric] = sorted(
                    (t, round(100 * v / reserved[t], 2)) for t, v in used.items() if reserved.get(t)
                )
            found = "ECS/ContainerInsights" if any(series.values()) else None
    return {"namespace": found, "unit": "Percent", "start": start, "end": end, "series": series}


def metrics(
    session: Any, cluster: str, service: str | None = None, minutes: int = 60, period: int = 60
) -> dict[str, list[tuple[dt.datetime, float]]]:
    """CPU and memory utilization (%) over the last `minutes` (see `utilization`)."""
    return utilization(session, cluster, service, minutes, period)["series"]


def log_lines(session: Any, group: str, limit: int = 50) -> list[dict[str, Any]]:
    """The newest `limit` events of an awslogs group as {"time", "stream", "message"}, oldest first.

    FilterLogEvents answers earliest first, page by page: every page is read, the newest kept.
    """
    logs = session.logs
    with plain_errors(f"read the log group {group}"):
        try:
            pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
            events = heapq.nlargest(
                limit,
                (event for page in pages for event in page.get("events", [])),
                key=lambda e: e["timestamp"],
            )
        except logs.exceptions.ResourceNotFoundException:
            return []
    return [
        {
            "time": dt.datetime.fromtimestamp(e["timestamp"] / 1000, dt.timezone.utc),
            "stream": e.get("logStreamName", ""),
            "message": e.get("message", ""),
        }
        for e in sorted(events, key=lambda e: e["timestamp"])
    ]
