"""MonitoringView in JupyterLab: the AWS/ECS chart with data, axes and a legend; a load raised,
target tracking scales the service out, and the following chart moves with the sandbox clock."""

from __future__ import annotations

import re

import pytest

SETUP = """\
import ecskit, ipywidgets
session = ecskit.connect()
box = session.sandbox
box.clock = 'manual'
ecs = session.ecs
ecs.create_cluster(clusterName='shop')
ecs.register_task_definition(
    family='web', requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256',
    memory='512', containerDefinitions=[{'name': 'web', 'image': 'nginx'}])
subnet = session.ec2.describe_subnets(
    Filters=[{'Name': 'default-for-az', 'Values': ['true']}])['Subnets'][0]['SubnetId']
ecs.create_service(
    cluster='shop', serviceName='web', taskDefinition='web', desiredCount=2, launchType='FARGATE',
    networkConfiguration={'awsvpcConfiguration': {
        'subnets': [subnet], 'assignPublicIp': 'ENABLED'}})
box.settle()
scaling = session.client('application-autoscaling')
scaling.register_scalable_target(ServiceNamespace='ecs', ResourceId='service/shop/web',
    ScalableDimension='ecs:service:DesiredCount', MinCapacity=1, MaxCapacity=4)
scaling.put_scaling_policy(PolicyName='cpu50', ServiceNamespace='ecs',
    ResourceId='service/shop/web', ScalableDimension='ecs:service:DesiredCount',
    PolicyType='TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration={
        'TargetValue': 50.0, 'ScaleOutCooldown': 60, 'ScaleInCooldown': 60,
        'PredefinedMetricSpecification': {
            'PredefinedMetricType': 'ECSServiceAverageCPUUtilization'}})
box.advance(600)  # ten quiet minutes
box.load('shop', 'web', cpu=90)"""

CELLS = [
    SETUP,
    "clock = ipywidgets.Button(description='Advance the clock 5 min', layout={'width': 'auto'})\n"
    "clock.add_class('test-advance')\n"
    "clock.on_click(lambda _: box.advance(300))\n"
    "clock",
    "view = ecskit.MonitoringView(session, 'shop', 'web', minutes=30, follow=True)\nview",
]


def _series_points(page, metric: str) -> int:
    line = page.locator(f'.ecskit-chart polyline[data-metric="{metric}"]')
    return int(line.get_attribute("data-points"))


@pytest.mark.browser
def test_the_monitoring_chart_has_data_and_follows_the_clock(run_notebook, screenshot) -> None:
    page = run_notebook(CELLS, "monitoring-view")
    chart = page.locator(".ecskit-monitoring .ecskit-chart")
    chart.wait_for(state="visible")
    legend = chart.locator(".ecskit-legend").text_content()
    assert "CPU utilization (AWS/ECS)" in legend and "Memory utilization (AWS/ECS)" in legend
    assert "Time (UTC)" in chart.text_content() and "100%" in chart.text_content()
    before = _series_points(page, "CPUUtilization")
    assert before >= 10
    page.locator(".ecskit-monitoring").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "monitoring-view-1-quiet")

    page.locator("button.test-advance").click()  # 90 % CPU for 5 minutes: scale out to 4
    page.wait_for_function(
        "n => Number(document.querySelector("
        "'.ecskit-chart polyline[data-metric=\"CPUUtilization\"]').dataset.points) >= n",
        arg=before + 5,
        timeout=20_000,
    )
    points = page.locator('.ecskit-chart polyline[data-metric="CPUUtilization"]')
    ys = [float(p.split(",")[1]) for p in points.get_attribute("points").split()]
    assert min(ys) < ys[0]  # the line went up (SVG's y grows downwards)
    assert re.search(r"\d", chart.text_content())
    page.locator(".ecskit-monitoring").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "monitoring-view-2-load-raised")
