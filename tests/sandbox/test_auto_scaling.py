"""Service auto scaling in the sandbox: AWS/ECS metrics from a load the user sets, CloudWatch
alarms that change state, Application Auto Scaling policies that change the desired count."""

from __future__ import annotations

import datetime as dt

import pytest

from ecskit.sandbox.service_metrics import LoadError

SERVICE = [{"Name": "ClusterName", "Value": "shop"}, {"Name": "ServiceName", "Value": "web"}]
RESOURCE = "service/shop/web"
DIMENSION = "ecs:service:DesiredCount"


def _service(session, count: int = 2) -> None:
    """A Fargate service `web` in cluster `shop`, in a default subnet with a public IP."""
    ecs = session.ecs
    ecs.create_cluster(
        clusterName="shop", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "web", "image": "nginx"}],
    )  # fmt: skip
    subnets = session.ec2.describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}]
    )["Subnets"]
    network = {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "ENABLED"}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=count,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": network},
    )  # fmt: skip
    session.sandbox.settle()


def _latest(session, metric: str, namespace: str = "AWS/ECS", dims=SERVICE) -> float:
    now = session.sandbox._layer().clock.datetime()
    points = session.cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName=metric, Dimensions=dims, Period=60,
        StartTime=now - dt.timedelta(minutes=30), EndTime=now + dt.timedelta(minutes=1),
        Statistics=["Average"],
    )["Datapoints"]  # fmt: skip
    return max(points, key=lambda p: p["Timestamp"])["Average"]


def _desired(session) -> tuple[int, int]:
    found = session.ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    return found["desiredCount"], found["runningCount"]


def _target_tracking(session, low: int = 1, high: int = 4, **conf) -> list[str]:
    aas = session.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        MinCapacity=low, MaxCapacity=high,
    )  # fmt: skip
    body = {
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
        },
        "ScaleOutCooldown": 60, "ScaleInCooldown": 120, **conf,
    }  # fmt: skip
    answer = aas.put_scaling_policy(
        PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=RESOURCE,
        ScalableDimension=DIMENSION, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration=body,
    )  # fmt: skip
    return [a["AlarmName"] for a in answer["Alarms"]]


def _activities(session) -> list[dict]:
    aas = session.client("application-autoscaling")
    return aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=RESOURCE)[
        "ScalingActivities"
    ]


# -- metrics ---------------------------------------------------------------------------------
def test_the_service_publishes_aws_ecs_utilization_from_its_load(manual) -> None:
    _service(manual, count=2)
    manual.sandbox.advance(120)
    assert _latest(manual, "CPUUtilization") == 10.0  # the steady low default
    assert _latest(manual, "MemoryUtilization") == 25.0
    assert manual.sandbox.load("shop", "web", cpu=70, memory=40)["tasks"] == 2.0
    manual.sandbox.advance(60)
    assert (_latest(manual, "CPUUtilization"), _latest(manual, "MemoryUtilization")) == (70.0, 40.0)
    # Container Insights tells the same story: 70 % of the 512 CPU units two tasks reserve
    insights = _latest(manual, "CpuUtilized", "ECS/ContainerInsights")
    assert insights == pytest.approx(0.7 * 512)
    # the same work shared by twice the tasks: half the utilization each
    manual.ecs.update_service(cluster="shop", service="web", desiredCount=4)
    manual.sandbox.settle()
    manual.sandbox.advance(60)
    assert _latest(manual, "CPUUtilization") == 35.0
    metrics = manual.cloudwatch.list_metrics(Namespace="AWS/ECS")["Metrics"]
    # Fargate only: no cluster-level figures (they count EC2 container instances)
    assert {len(m["Dimensions"]) for m in metrics} == {2}


def test_a_load_names_what_is_wrong(manual) -> None:
    _service(manual)
    with pytest.raises(LoadError, match="no active service 'api'"):
        manual.sandbox.load("shop", "api", cpu=50)
    with pytest.raises(LoadError, match=r"load\(cpu=-5\): give a number from 0 to 1000"):
        manual.sandbox.load("shop", "web", cpu=-5)
    assert manual.sandbox.load("shop", "web")["cpu"] == 10.0  # nothing half-set


# -- alarms ------------------------------------------------------------------------------------
def test_an_alarm_goes_to_alarm_after_its_datapoints_and_back(manual) -> None:
    _service(manual)
    cw = manual.cloudwatch
    cw.put_metric_alarm(
        AlarmName="web-cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization",
        Dimensions=SERVICE, Statistic="Average", Period=60, EvaluationPeriods=3,
        DatapointsToAlarm=2, Threshold=80, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cw.put_metric_alarm(
        AlarmName="nothing-there", Namespace="AWS/ECS", MetricName="CPUUtilization",
        Dimensions=[{"Name": "ClusterName", "Value": "other"}], Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip

    def state(name: str = "web-cpu-high") -> str:
        return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]

    manual.sandbox.advance(60)
    assert (state(), state("nothing-there")) == ("OK", "INSUFFICIENT_DATA")
    manual.sandbox.load("shop", "web", cpu=95)
    manual.sandbox.advance(60)
    assert state() == "OK"  # one breaching datapoint of the two it needs
    manual.sandbox.advance(60)
    alarm = cw.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM"
    assert "2 out of the last 3 datapoints" in alarm["StateReason"]
    manual.sandbox.load("shop", "web", cpu=20)
    manual.sandbox.advance(120)
    assert state() == "OK"
    # SetAlarmState holds only until the next evaluation, as on AWS
    cw.set_alarm_state(AlarmName="web-cpu-high", StateValue="ALARM", StateReason="test")
    assert state() == "ALARM"
    manual.sandbox.advance(60)
    assert state() == "OK"


# -- target tracking -----------------------------------------------------------------------------
def test_target_tracking_makes_its_alarms_as_aws_does(manual) -> None:
    _service(manual)
    names = _target_tracking(manual)
    assert [n.rsplit("-", 5)[0] for n in names] == [
        f"TargetTracking-{RESOURCE}-AlarmHigh",
        f"TargetTracking-{RESOURCE}-AlarmLow",
    ]
    alarms = {
        a["AlarmName"].split("-")[2]: a
        for a in manual.cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    }
    high, low = alarms["AlarmHigh"], alarms["AlarmLow"]
    assert (high["Threshold"], high["ComparisonOperator"], high["EvaluationPeriods"]) == (
        50.0, "GreaterThanThreshold", 3,
    )  # fmt: skip
    assert (low["Threshold"], low["ComparisonOperator"], low["EvaluationPeriods"]) == (
        45.0, "LessThanThreshold", 15,
    )  # fmt: skip
    assert high["Dimensions"] == SERVICE and high["MetricName"] == "CPUUtilization"
    assert high["AlarmActions"][0].split(":createdBy/")[0].endswith(f"{RESOURCE}:policyName/cpu50")
    # put again with scale-in off: the old alarms go, only AlarmHigh is made
    again = _target_tracking(manual, DisableScaleIn=True)
    assert [n.split("-")[2] for n in again] == ["AlarmHigh"]
    left = [a["AlarmName"] for a in manual.cloudwatch.describe_alarms()["MetricAlarms"]]
    assert left == again


def test_target_tracking_scales_out_then_in_within_min_max(manual) -> None:
    _service(manual, count=2)
    _target_tracking(manual, low=1, high=3)
    manual.sandbox.load("shop", "web", cpu=90)
    manual.sandbox.advance(180)  # AlarmHigh needs 3 datapoints above 50
    # ceil(2 x 90 / 50) = 4, capped by MaxCapacity 3
    assert _desired(manual)[0] == 3
    manual.sandbox.settle()
    assert _desired(manual) == (3, 3)
    activity = _activities(manual)[0]
    assert activity["Description"] == "Setting desired count to 3."
    assert activity["StatusCode"] == "Successful"
    assert activity["StatusMessage"] == (
        "Successfully set desired count to 3. Change successfully fulfilled by ecs."
    )
    assert activity["Cause"].startswith(f"monitor alarm TargetTracking-{RESOURCE}-AlarmHigh-")
    assert activity["Cause"].endswith("in state ALARM triggered policy cpu50")
    events = manual.ecs.describe_services(cluster="shop", services=["web"])["services"][0]["events"]
    assert any(
        e["message"].startswith("Message: Successfully set desired count to 3.")
        and "Cause: monitor alarm" in e["message"]
        for e in events
    )
    # 60 % now (180 % of one task's work over 3 tasks), still above 50 but at MaxCapacity
    manual.sandbox.advance(300)
    assert _desired(manual)[0] == 3 and len(_activities(manual)) == 1
    # the load drops: AlarmLow needs 15 minutes below 45, then ceil(3 x 10 / 50) = 1
    manual.sandbox.load("shop", "web", cpu=10)
    manual.sandbox.advance(14 * 60)
    assert _desired(manual)[0] == 3
    manual.sandbox.advance(2 * 60)
    assert _desired(manual)[0] == 1
    assert [a["Description"] for a in _activities(manual)] == [
        "Setting desired count to 1.",
        "Setting desired count to 3.",
    ]


def test_scale_in_waits_for_its_cooldown(manual) -> None:
    _service(manual, count=4)
    _target_tracking(manual, low=1, high=8, ScaleInCooldown=600)
    manual.sandbox.load("shop", "web", cpu=40)  # 40 % < 45: AlarmLow, ceil(4 x 40 / 50) = 4
    manual.sandbox.load("shop", "web", cpu=30)  # ceil(4 x 30 / 50) = 3
    manual.sandbox.advance(16 * 60)
    assert _desired(manual)[0] == 3
    manual.sandbox.settle()
    # now 40 % with 3 tasks: still below 45, ceil(3 x 40 / 50) = 3: nothing to do
    manual.sandbox.load("shop", "web", cpu=20)  # 20 % at 3 tasks: ceil(3 x 20 / 50) = 2
    manual.sandbox.advance(5 * 60)
    assert _desired(manual)[0] == 3  # within the 600 s scale-in cooldown
    manual.sandbox.advance(6 * 60)
    assert _desired(manual)[0] == 2


# -- step scaling --------------------------------------------------------------------------------
def test_step_scaling_acts_on_its_alarm(manual) -> None:
    _service(manual, count=1)
    aas = manual.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        MinCapacity=1, MaxCapacity=10,
    )  # fmt: skip
    arn = aas.put_scaling_policy(
        PolicyName="add-tasks", ServiceNamespace="ecs", ResourceId=RESOURCE,
        ScalableDimension=DIMENSION, PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity", "Cooldown": 120,
            "StepAdjustments": [
                {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20,
                 "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3},
            ],
        },
    )["PolicyARN"]  # fmt: skip
    manual.cloudwatch.put_metric_alarm(
        AlarmName="web-cpu-70", Namespace="AWS/ECS", MetricName="CPUUtilization",
        Dimensions=SERVICE, Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=70,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[arn],
    )  # fmt: skip
    manual.sandbox.load("shop", "web", cpu=95)  # 25 over the threshold: the second step
    manual.sandbox.advance(60)
    assert _desired(manual)[0] == 4
    manual.sandbox.settle()
    # the alarm still fires each minute; within the 120 s cooldown the 3 added count as done
    manual.sandbox.load("shop", "web", cpu=100)
    manual.sandbox.advance(60)
    assert _desired(manual)[0] == 4
    manual.sandbox.advance(60)
    assert _desired(manual)[0] == 7  # cooldown over: 100 % is 30 over, +3
    assert _activities(manual)[0]["Cause"] == (
        "monitor alarm web-cpu-70 in state ALARM triggered policy add-tasks"
    )


# -- snapshots -----------------------------------------------------------------------------------
def test_the_load_and_what_scaling_did_survive_save_and_restore(manual) -> None:
    _service(manual, count=2)
    _target_tracking(manual, low=1, high=6)
    manual.sandbox.load("shop", "web", cpu=90, requests=600)
    manual.sandbox.advance(240)
    before = (_desired(manual), _activities(manual), manual.sandbox.load("shop", "web"))
    assert before[0][0] == 4
    snapshot = manual.sandbox.save()
    manual.sandbox.reset()
    manual.sandbox.restore(snapshot)
    after = (_desired(manual), _activities(manual), manual.sandbox.load("shop", "web"))
    assert after == before


# -- deployments read the evaluated states -------------------------------------------------------
def test_an_alarm_the_sandbox_evaluates_rolls_a_deployment_back(manual, blue_green_alb) -> None:
    ecs = manual.ecs
    subnets = manual.ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ][:2]
    alb = blue_green_alb(subnets[0]["VpcId"], [s["SubnetId"] for s in subnets])
    ecs.create_cluster(clusterName="shop")
    for image in ("nginx:1", "nginx:2"):
        ecs.register_task_definition(
            family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[{"name": "web", "image": image,
                                   "portMappings": [{"containerPort": 80}]}],
        )  # fmt: skip
    manual.cloudwatch.put_metric_alarm(
        AlarmName="web-cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization",
        Dimensions=SERVICE, Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    alarms = {"alarmNames": ["web-cpu-high"], "enable": True, "rollback": True}
    network = {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "ENABLED"}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web:1", desiredCount=2,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": network},
        loadBalancers=[{
            "targetGroupArn": alb["groups"][0], "containerName": "web", "containerPort": 80,
            "advancedConfiguration": {
                "alternateTargetGroupArn": alb["groups"][1],
                "productionListenerRule": alb["production"], "testListenerRule": alb["test"],
                "roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole",
            },
        }],
        deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10,
                                 "alarms": alarms},
    )  # fmt: skip
    manual.sandbox.settle()
    manual.sandbox.advance(60)  # the alarm is evaluated: OK at the default 10 %
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(30)
    found = ecs.list_service_deployments(cluster="shop", service="web")["serviceDeployments"]
    deployment = found[0]["serviceDeploymentArn"]
    # green is bad: the work of 4 tasks at full CPU (blue's and green's share it); no one calls
    # set_alarm_state
    manual.sandbox.load("shop", "web", cpu=200)
    manual.sandbox.advance(120)
    manual.sandbox.settle()
    record = ecs.describe_service_deployments(serviceDeploymentArns=[deployment])[
        "serviceDeployments"
    ][0]
    assert record["alarms"]["triggeredAlarmNames"] == ["web-cpu-high"]
    assert record["status"] == "ROLLBACK_SUCCESSFUL"
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:1")


def test_alb_request_count_per_target_tracking(manual, blue_green_alb) -> None:
    ecs = manual.ecs
    subnets = manual.ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ][:2]
    alb = blue_green_alb(subnets[0]["VpcId"], [s["SubnetId"] for s in subnets])
    group = alb["groups"][0]
    balancer = manual.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0][
        "LoadBalancerArns"
    ][0]
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "web", "image": "nginx",
                                             "portMappings": [{"containerPort": 80}]}],
    )  # fmt: skip
    network = {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "ENABLED"}
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=2,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": network},
        loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}],
    )  # fmt: skip
    manual.sandbox.settle()
    label = balancer.split(":loadbalancer/")[1] + "/" + group.split(":")[-1]
    names = _target_tracking(
        manual, low=1, high=5, TargetValue=100.0,
        PredefinedMetricSpecification={
            "PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": label,
        },
    )  # fmt: skip
    high = manual.cloudwatch.describe_alarms(AlarmNames=names[:1])["MetricAlarms"][0]
    assert (high["Namespace"], high["MetricName"], high["Statistic"]) == (
        "AWS/ApplicationELB", "RequestCountPerTarget", "Sum",
    )  # fmt: skip
    assert high["Dimensions"] == [{"Name": "TargetGroup", "Value": group.split(":")[-1]}]
    manual.sandbox.load("shop", "web", requests=600)  # 300 a target: ceil(2 x 300 / 100) = 6
    manual.sandbox.advance(180)
    assert _desired(manual)[0] == 5  # MaxCapacity
    dims = [{"Name": "TargetGroup", "Value": group.split(":")[-1]}]
    assert _latest(manual, "RequestCountPerTarget", "AWS/ApplicationELB", dims) == 300.0
