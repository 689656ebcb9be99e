"""Service deployments and revisions, rollback, blue/green, canary, linear and lifecycle hooks,
through boto3 against the sandbox (issue 12). Expected behaviour: docs/deployments.md."""

from __future__ import annotations

import datetime as dt

import pytest

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


def _revision(ecs, image: str, family: str = "web") -> str:
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        containerDefinitions=[{"name": "web", "image": image,
                               "portMappings": [{"containerPort": 80}]}],
    )["taskDefinition"]["taskDefinitionArn"]  # fmt: skip


def _service(ecs, network, count=2, **extra):
    return ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web:1", desiredCount=count,
        launchType="FARGATE", networkConfiguration=network["config"], **extra,
    )["service"]  # fmt: skip


def _deployments(ecs, **filters):
    return ecs.list_service_deployments(cluster="shop", service="web", **filters)[
        "serviceDeployments"
    ]


def _describe(ecs, arn):
    return ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]


@pytest.fixture
def shop(ecs_session, network):
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "nginx:1")
    _revision(ecs, "nginx:2")
    return ecs


def test_every_deploying_change_is_a_service_deployment_between_revisions(
    ecs_session, shop, network
) -> None:
    ecs = shop
    created = _service(ecs, network)
    first = _deployments(ecs)
    assert len(first) == 1 and first[0]["status"] == "SUCCESSFUL"
    assert created["currentServiceDeployment"] == first[0]["serviceDeploymentArn"]
    assert ":service-deployment/shop/web/" in first[0]["serviceDeploymentArn"]
    ecs.update_service(cluster="shop", service="web", desiredCount=3)  # deploys nothing
    assert len(_deployments(ecs)) == 1
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    listed = _deployments(ecs)
    assert len(listed) == 2  # newest first
    second = _describe(ecs, listed[0]["serviceDeploymentArn"])
    assert second["status"] == "SUCCESSFUL" and second["statusReason"]
    assert [s["arn"] for s in second["sourceServiceRevisions"]] == [
        first[0]["targetServiceRevisionArn"]
    ]
    assert second["targetServiceRevision"]["runningTaskCount"] == 3
    assert second["finishedAt"] >= second["startedAt"] >= second["createdAt"]
    wanted = [d["targetServiceRevisionArn"] for d in listed]
    revisions = ecs.describe_service_revisions(serviceRevisionArns=wanted)["serviceRevisions"]
    assert [r["taskDefinition"].split("/")[-1] for r in revisions] == ["web:2", "web:1"]
    assert revisions[0]["containerImages"] == [{"containerName": "web", "image": "nginx:2"}]
    assert ":service-revision/shop/web/" in revisions[0]["serviceRevisionArn"]
    assert revisions[0]["serviceRevisionArn"].split("/")[-1].isdigit()
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["currentServiceDeployment"] == listed[0]["serviceDeploymentArn"]


def test_listing_pages_and_filters(ecs_session, shop, network) -> None:
    ecs = shop
    _service(ecs, network, count=1)
    for _ in range(3):
        ecs.update_service(cluster="shop", service="web", forceNewDeployment=True)
    assert len(_deployments(ecs)) == 4
    page = ecs.list_service_deployments(cluster="shop", service="web", maxResults=3)
    rest = ecs.list_service_deployments(
        cluster="shop", service="web", maxResults=3, nextToken=page["nextToken"]
    )
    assert len(page["serviceDeployments"]) == 3 and len(rest["serviceDeployments"]) == 1
    assert "nextToken" not in rest
    assert _deployments(ecs, status=["STOPPED"]) == []
    assert len(_deployments(ecs, status=["SUCCESSFUL"])) == 4
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert _deployments(ecs, createdAt={"after": future}) == []
    assert len(_deployments(ecs, createdAt={"before": future})) == 4


def test_unknown_arns_are_failures_and_at_most_20_are_described(ecs_session, shop) -> None:
    ecs = shop
    missing = "arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/web/nope"
    answer = ecs.describe_service_deployments(serviceDeploymentArns=[missing])
    assert answer["failures"] == [{"arn": missing, "reason": "MISSING"}]
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_service_revisions(serviceRevisionArns=[missing] * 21)
    with pytest.raises(ecs.exceptions.ServiceDeploymentNotFoundException):
        ecs.stop_service_deployment(serviceDeploymentArn=missing)
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.list_service_deployments(cluster="shop", service="nothing")


def test_a_deployment_is_in_progress_while_it_moves_and_a_newer_one_replaces_it(
    manual, network, kit
) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    for image in ("nginx:1", "nginx:2", "nginx:3"):
        _revision(ecs, image)
    _service(ecs, network)
    manual.sandbox.settle()
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    moving = _deployments(ecs)[0]
    assert moving["status"] == "IN_PROGRESS"
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:3")
    replaced = _describe(ecs, moving["serviceDeploymentArn"])
    assert replaced["status"] == "STOPPED"
    assert replaced["statusReason"] == "Replaced by a new service deployment."
    manual.sandbox.settle()
    assert [d["status"] for d in _deployments(ecs)] == ["SUCCESSFUL", "STOPPED", "SUCCESSFUL"]


def test_the_circuit_breaker_rolls_back_without_a_new_revision(manual, network, kit) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "nginx")
    _revision(ecs, f"{ECR}/missing:1")  # its image cannot be pulled
    kit.failing_rollout(manual, network, "web")
    failed, first = _deployments(ecs)
    record = _describe(ecs, failed["serviceDeploymentArn"])
    assert record["status"] == "ROLLBACK_SUCCESSFUL"
    assert record["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert record["deploymentCircuitBreaker"]["failureCount"] >= 3
    assert record["rollback"]["serviceRevisionArn"] == first["targetServiceRevisionArn"]
    assert record["rollback"]["reason"]
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:1") and service["runningCount"] == 2


def test_without_rollback_the_failed_deployment_stops(manual, network) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, f"{ECR}/missing:1")
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    _service(ecs, network, deploymentConfiguration=breaker)
    for _ in range(3):
        manual.sandbox.settle()
        manual.sandbox.advance(61)
    record = _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])
    assert record["status"] == "STOPPED" and "stoppedAt" in record
    assert record["deploymentCircuitBreaker"]["status"] == "TRIGGERED"


def test_stop_service_deployment_rolls_back_a_rolling_update(manual, network) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "nginx:1")
    _revision(ecs, "nginx:2")
    _service(ecs, network)
    manual.sandbox.settle()
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    moving = _deployments(ecs)[0]["serviceDeploymentArn"]
    answer = ecs.stop_service_deployment(serviceDeploymentArn=moving, stopType="ROLLBACK")
    assert answer["serviceDeploymentArn"] == moving
    assert _describe(ecs, moving)["status"] == "ROLLBACK_REQUESTED"
    manual.sandbox.advance(1)
    assert _describe(ecs, moving)["status"] == "ROLLBACK_IN_PROGRESS"
    manual.sandbox.settle()
    assert _describe(ecs, moving)["status"] == "ROLLBACK_SUCCESSFUL"
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:1")
    with pytest.raises(ecs.exceptions.ConflictException):
        ecs.stop_service_deployment(serviceDeploymentArn=moving)


# -- traffic-shifting strategies ------------------------------------------------------------


@pytest.fixture
def alb(session, network, blue_green_alb):
    """The blue/green load balancer (tests/conftest.py) in `network`'s VPC, over two zones."""
    other = session.ec2.create_subnet(
        VpcId=network["vpc"], CidrBlock="10.1.3.0/24", AvailabilityZone="us-east-1b"
    )
    return blue_green_alb(
        network["vpc"], [network["subnet"]["SubnetId"], other["Subnet"]["SubnetId"]]
    )


def _traffic_service(ecs, network, alb, count, configuration):
    return _service(
        ecs, network, count=count,
        loadBalancers=[{
            "targetGroupArn": alb["groups"][0], "containerName": "web", "containerPort": 80,
            "advancedConfiguration": {
                "alternateTargetGroupArn": alb["groups"][1], "productionListenerRule":
                alb["production"], "testListenerRule": alb["test"], "roleArn": ROLE,
            },
        }],
        deploymentConfiguration=configuration,
    )  # fmt: skip


def _traffic_setup(session, network, alb, count, configuration, images=("nginx:1", "nginx:2")):
    """Cluster shop, a revision per image, service web on web:1 behind `alb`, settled."""
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    for image in images:
        _revision(ecs, image)
    _traffic_service(ecs, network, alb, count, configuration)
    session.sandbox.settle()
    return ecs


def _weights(session, rule):
    action = session.elbv2.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]
    groups = action["ForwardConfig"]["TargetGroups"]
    return {g["TargetGroupArn"]: g["Weight"] for g in groups}


def _running(ecs, revision):
    arns = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    tasks = ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"] if arns else []
    return sum(1 for t in tasks if t["taskDefinitionArn"].endswith(revision))


def _stage(ecs):
    return _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"]).get("lifecycleStage")


def test_blue_green_scales_green_up_shifts_test_then_production_traffic_and_bakes(
    manual, network, alb
) -> None:
    ecs = _traffic_setup(
        manual, network, alb, 2, {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5}
    )
    blue, green = alb["groups"]
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(10)  # green's tasks start
    assert (_running(ecs, "web:1"), _running(ecs, "web:2")) == (2, 2)
    assert _weights(manual, alb["test"]) == {blue: 0, green: 100}
    assert _weights(manual, alb["production"]) == {blue: 0, green: 100}
    assert _stage(ecs) == "BAKE_TIME"
    green_targets = manual.elbv2.describe_target_health(TargetGroupArn=green)
    assert len(green_targets["TargetHealthDescriptions"]) == 2
    manual.sandbox.advance(4 * 60)
    assert _running(ecs, "web:1") == 2  # still baking: blue stays
    manual.sandbox.advance(70)
    manual.sandbox.settle()
    record = _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])
    assert record["status"] == "SUCCESSFUL"
    assert (_running(ecs, "web:1"), _running(ecs, "web:2")) == (0, 2)
    assert record["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    (revision,) = ecs.describe_service_revisions(
        serviceRevisionArns=[record["targetServiceRevision"]["arn"]]
    )["serviceRevisions"]
    assert revision["resolvedConfiguration"]["loadBalancers"] == [
        {"targetGroupArn": green, "productionListenerRule": alb["production"]}
    ]


def test_a_canary_of_10_percent_runs_every_green_task_and_shifts_the_rest_after_its_bake(
    manual, network, alb
) -> None:
    canary = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 10}
    configuration = {"strategy": "CANARY", "bakeTimeInMinutes": 0, "canaryConfiguration": canary}
    ecs = _traffic_setup(manual, network, alb, 10, configuration)
    blue, green = alb["groups"]
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(10)
    assert (_running(ecs, "web:1"), _running(ecs, "web:2")) == (10, 10)
    assert _weights(manual, alb["production"]) == {blue: 90, green: 10}
    manual.sandbox.advance(9 * 60)
    assert _weights(manual, alb["production"]) == {blue: 90, green: 10}
    manual.sandbox.advance(61)
    assert _weights(manual, alb["production"]) == {blue: 0, green: 100}
    manual.sandbox.settle()
    assert _deployments(ecs)[0]["status"] == "SUCCESSFUL"


def test_linear_moves_production_traffic_in_equal_steps(manual, network, alb) -> None:
    linear = {"stepPercent": 25.0, "stepBakeTimeInMinutes": 1}
    configuration = {"strategy": "LINEAR", "bakeTimeInMinutes": 0, "linearConfiguration": linear}
    ecs = _traffic_setup(manual, network, alb, 2, configuration)
    green = alb["groups"][1]
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    seen = []
    for _ in range(6):
        manual.sandbox.advance(10)
        seen.append(_weights(manual, alb["production"])[green])
        manual.sandbox.advance(55)
    assert seen[:4] == [25, 50, 75, 100]


def test_a_pause_hook_waits_for_continue_and_can_roll_back(manual, network, alb) -> None:
    hook = {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]}
    configuration = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [hook]}
    ecs = _traffic_setup(manual, network, alb, 2, configuration, ("nginx:1", "nginx:2", "nginx:3"))
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(30)
    arn = _deployments(ecs)[0]["serviceDeploymentArn"]
    record = _describe(ecs, arn)
    assert record["lifecycleStage"] == "POST_SCALE_UP"
    (detail,) = record["lifecycleHookDetails"]
    assert (detail["targetType"], detail["status"]) == ("PAUSE", "AWAITING_ACTION")
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId="nope")
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=detail["hookId"])
    manual.sandbox.advance(120)
    manual.sandbox.settle()
    assert _describe(ecs, arn)["status"] == "SUCCESSFUL"
    # the next one is rolled back at the pause
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:3")
    manual.sandbox.advance(30)
    arn = _deployments(ecs)[0]["serviceDeploymentArn"]
    (detail,) = _describe(ecs, arn)["lifecycleHookDetails"]
    ecs.continue_service_deployment(
        serviceDeploymentArn=arn, hookId=detail["hookId"], action="ROLLBACK"
    )
    manual.sandbox.advance(30)
    manual.sandbox.settle()
    record = _describe(ecs, arn)
    assert record["status"] == "ROLLBACK_SUCCESSFUL"
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:2")
    assert (_running(ecs, "web:2"), _running(ecs, "web:3")) == (2, 0)
    # production traffic never left the revision that served it
    serving = _weights(manual, alb["production"])
    assert max(serving, key=serving.get) == alb["groups"][1]


def test_a_failing_lambda_hook_rolls_traffic_back_to_blue(manual, network, alb) -> None:
    check = "arn:aws:lambda:us-east-1:123456789012:function:smoke-test"
    manual.sandbox.hook_results[check] = "FAILED"
    hook = {"hookTargetArn": check, "roleArn": ROLE,
            "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}  # fmt: skip
    configuration = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [hook]}
    ecs = _traffic_setup(manual, network, alb, 2, configuration)
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(30)
    manual.sandbox.settle()
    record = _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])
    assert record["status"] == "ROLLBACK_SUCCESSFUL"
    assert record["lifecycleHookDetails"][0]["status"] == "FAILED"
    blue, green = alb["groups"]
    assert _weights(manual, alb["test"]) == {blue: 100, green: 0}
    assert (_running(ecs, "web:1"), _running(ecs, "web:2")) == (2, 0)


def test_a_snapshot_taken_mid_canary_comes_back_mid_canary(manual, network, alb) -> None:
    check = "arn:aws:lambda:us-east-1:123456789012:function:smoke-test"
    manual.sandbox.hook_results[check] = "FAILED"  # replayed too: it is in the snapshot
    hook = {"hookTargetArn": check, "roleArn": ROLE,
            "lifecycleStages": ["POST_PRODUCTION_TRAFFIC_SHIFT"]}  # fmt: skip
    canary = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 10}
    configuration = {"strategy": "CANARY", "bakeTimeInMinutes": 0, "canaryConfiguration": canary,
                     "lifecycleHooks": [hook]}  # fmt: skip
    ecs = _traffic_setup(manual, network, alb, 4, configuration)
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.advance(10)
    before = _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])
    weights = _weights(manual, alb["production"])
    snapshot = manual.sandbox.save()
    assert check in str(snapshot)
    manual.sandbox.restore(snapshot)
    after = _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])
    assert (after["lifecycleStage"], after["targetServiceRevision"]) == (
        before["lifecycleStage"],
        before["targetServiceRevision"],
    )
    assert _weights(manual, alb["production"]) == weights
    assert weights[alb["groups"][1]] == 10  # mid canary
    manual.sandbox.advance(11 * 60)  # the rest shifts, then the hook the snapshot kept fails
    manual.sandbox.settle()
    assert _describe(ecs, _deployments(ecs)[0]["serviceDeploymentArn"])["status"] == (
        "ROLLBACK_SUCCESSFUL"
    )
    manual.sandbox.hook_results.clear()
    assert manual.sandbox.hook_results == {}


def test_hook_results_take_only_what_a_lambda_hook_answers(manual) -> None:
    with pytest.raises(ValueError, match="SUCCEEDED' or 'FAILED"):
        manual.sandbox.hook_results["arn:aws:lambda:us-east-1:1:function:f"] = "MAYBE"


def test_settle_brings_a_deployment_to_its_end_bakes_included(manual, network, alb) -> None:
    configuration = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 60}
    ecs = _traffic_setup(manual, network, alb, 2, configuration)
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.settle()
    assert _deployments(ecs)[0]["status"] == "SUCCESSFUL"
    assert (_running(ecs, "web:1"), _running(ecs, "web:2")) == (0, 2)


def _alarm(session, name: str) -> None:
    session.cloudwatch.put_metric_alarm(
        AlarmName=name, Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=90.0, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip


def test_an_alarm_in_alarm_rolls_the_deployment_back(manual, network) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "nginx:1")
    _revision(ecs, "nginx:2")
    _alarm(manual, "cpu-high")
    alarms = {"alarmNames": ["cpu-high"], "enable": True, "rollback": True}
    _service(ecs, network, deploymentConfiguration={"alarms": alarms})
    manual.sandbox.settle()
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    arn = _deployments(ecs)[0]["serviceDeploymentArn"]
    assert _describe(ecs, arn)["alarms"]["status"] == "MONITORING"
    manual.cloudwatch.set_alarm_state(
        AlarmName="cpu-high", StateValue="ALARM", StateReason="load test"
    )
    manual.sandbox.advance(1)
    manual.sandbox.settle()
    record = _describe(ecs, arn)
    assert record["status"] == "ROLLBACK_SUCCESSFUL"
    assert record["alarms"]["status"] == "TRIGGERED"
    assert record["alarms"]["triggeredAlarmNames"] == ["cpu-high"]
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["taskDefinition"].endswith("web:1")
    assert any(
        e["message"].endswith("deployment failed: alarm detected.") for e in service["events"]
    )


def test_an_alarm_already_in_alarm_when_a_deployment_starts_is_not_watched(manual, network) -> None:
    ecs = manual.ecs
    ecs.create_cluster(clusterName="shop")
    _revision(ecs, "nginx:1")
    _revision(ecs, "nginx:2")
    _alarm(manual, "cpu-high")
    manual.cloudwatch.set_alarm_state(AlarmName="cpu-high", StateValue="ALARM", StateReason="x")
    alarms = {"alarmNames": ["cpu-high"], "enable": True, "rollback": True}
    _service(ecs, network, deploymentConfiguration={"alarms": alarms})
    manual.sandbox.settle()
    ecs.update_service(cluster="shop", service="web", taskDefinition="web:2")
    manual.sandbox.settle()
    assert _deployments(ecs)[0]["status"] == "SUCCESSFUL"
