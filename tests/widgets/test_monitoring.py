"""MonitoringView charts what the account publishes: AWS/ECS, else Container Insights, with axes,
units and a legend, and moves along with the sandbox's clock."""

from __future__ import annotations

import datetime as dt
import re
import time

from ecskit import monitoring
from ecskit.widgets import MonitoringView
from ecskit.widgets.monitoring_view import line_chart


def _service(session, insights: str = "enabled") -> None:
    ecs = session.ecs
    ecs.create_cluster(
        clusterName="shop", settings=[{"name": "containerInsights", "value": insights}]
    )
    ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "web", "image": "nginx"}],
    )  # fmt: skip
    subnet = session.ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ][0]["SubnetId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "ENABLED"}}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=2,
        launchType="FARGATE", networkConfiguration=network,
    )  # fmt: skip
    session.sandbox.settle()


def _points(svg: str, metric: str) -> list[tuple[float, float]]:
    line = re.search(rf'data-metric="{metric}"[^>]* points="([^"]+)"', svg)
    assert line, f"no {metric} series in the chart"
    return [tuple(map(float, p.split(","))) for p in line.group(1).split()]


def test_the_chart_has_series_axes_units_and_a_legend(session) -> None:
    box = session.sandbox
    box.clock = "manual"
    try:
        _service(session)
        box.load("shop", "web", cpu=60, memory=30)
        box.advance(300)
        view = MonitoringView(session, "shop", "web", minutes=30)
    finally:
        box.clock = "real"
    svg = view.chart.value
    assert view.reading["namespace"] == "AWS/ECS"
    assert [v for _, v in view.series["CPUUtilization"]][-3:] == [60.0, 60.0, 60.0]
    assert len(_points(svg, "CPUUtilization")) >= 5
    assert len(_points(svg, "MemoryUtilization")) >= 5
    assert 'data-axis="y" data-unit="Percent"' in svg and ">100%</text>" in svg
    assert 'data-axis="x"' in svg and "Time (UTC)" in svg
    legend = re.search(r'<g class="ecskit-legend">(.*?)</g>', svg).group(1)
    assert "CPU utilization (AWS/ECS)" in legend and "Memory utilization (AWS/ECS)" in legend
    # 60 % sits above 30 % on the chart (SVG's y grows downwards)
    assert _points(svg, "CPUUtilization")[-1][1] < _points(svg, "MemoryUtilization")[-1][1]


def test_container_insights_alone_is_charted_as_used_over_reserved() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    answers = {
        ("AWS/ECS", "CPUUtilization"): [],
        ("AWS/ECS", "MemoryUtilization"): [],
        ("ECS/ContainerInsights", "CpuUtilized"): [{"Timestamp": now, "Sum": 128.0}],
        ("ECS/ContainerInsights", "CpuReserved"): [{"Timestamp": now, "Sum": 512.0}],
        ("ECS/ContainerInsights", "MemoryUtilized"): [{"Timestamp": now, "Sum": 256.0}],
        ("ECS/ContainerInsights", "MemoryReserved"): [{"Timestamp": now, "Sum": 1024.0}],
    }

    class CloudWatch:
        def get_metric_statistics(self, **kw):
            return {"Datapoints": answers[(kw["Namespace"], kw["MetricName"])]}

    account = type("Account", (), {"cloudwatch": CloudWatch()})()
    reading = monitoring.utilization(account, "shop", "web")
    assert reading["namespace"] == "ECS/ContainerInsights"
    assert reading["series"] == {
        "CPUUtilization": [(now, 25.0)],
        "MemoryUtilization": [(now, 25.0)],
    }
    svg = line_chart(reading["series"], "Percent", reading["namespace"])
    assert "CPU utilization (ECS/ContainerInsights)" in svg


def test_a_following_view_moves_with_the_sandbox_clock(session) -> None:
    box = session.sandbox
    box.clock = "manual"
    try:
        _service(session, insights="disabled")
        box.advance(120)
        view = MonitoringView(session, "shop", "web", minutes=30, follow=True)
        before = len(view.series["CPUUtilization"])
        box.advance(180)
        deadline = time.monotonic() + 10
        while len(view.series["CPUUtilization"]) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        box.clock = "real"
    assert len(view.series["CPUUtilization"]) >= before + 3
    assert 'data-metric="CPUUtilization"' in view.chart.value
    view.close()  # a closed view reads no more
    seen = len(view.series["CPUUtilization"])
    box.clock = "manual"
    box.advance(120)
    box.clock = "real"
    time.sleep(0.3)
    assert len(view.series["CPUUtilization"]) == seen


def test_without_data_the_chart_says_so() -> None:
    assert "No CloudWatch data" in line_chart({"CPUUtilization": [], "MemoryUtilization": []})
