"""What MonitoringView reads: a service's CPU and memory utilization from CloudWatch, and the
newest lines of its awslogs group."""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

from .errors import plain_errors


def metrics(
    session: Any, cluster: str, service: str | None = None, minutes: int = 60, period: int = 60
) -> dict[str, list[tuple[dt.datetime, float]]]:
    """CPU and memory utilization (%) over the last `minutes`, from CloudWatch.

    Reads `AWS/ECS` (always published for services) and falls back to `ECS/ContainerInsights`.
    """
    end = dt.datetime.now(dt.timezone.utc)
    start = end - dt.timedelta(minutes=minutes)
    dimensions = [{"Name": "ClusterName", "Value": cluster}]
    if service:
        dimensions.append({"Name": "ServiceName", "Value": service})
    series: dict[str, list[tuple[dt.datetime, float]]] = {}
    with plain_errors(f"read the metrics of {service or cluster}"):
        for metric in ("CPUUtilization", "MemoryUtilization"):
            points: list[tuple[dt.datetime, float]] = []
            for namespace in ("AWS/ECS", "ECS/ContainerInsights"):
                answer = session.cloudwatch.get_metric_statistics(
                    Namespace=namespace,
                    MetricName=metric,
                    Dimensions=dimensions,
                    StartTime=start,
                    EndTime=end,
                    Period=period,
                    Statistics=["Average"],
                )
                points = sorted(
                    (p["Timestamp"], float(p["Average"]))
                    for p in answer.get("Datapoints") or []
                    if p.get("Average") is not None  # a datapoint may hold other statistics only
                )
                if points:
                    break
            series[metric] = points
    return series


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
