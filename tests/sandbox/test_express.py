"""ECS Express Mode in the sandbox, through boto3 only: what CreateExpressGatewayService makes in
every service, what Describe answers, and the refusals that leave nothing behind.

Facts and sources: docs/express-mode.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ""}, "Action": "sts:AssumeRole"}]}  # fmt: skip


def role(session: Any, name: str, principal: str) -> str:
    document = json.loads(json.dumps(TRUST))
    document["Statement"][0]["Principal"]["Service"] = principal
    return session.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))[
        "Role"
    ]["Arn"]


def make_roles(session: Any) -> dict[str, str]:
    """The two roles of the CLI walkthrough, with its trust policies; the execution role has
    AmazonECSTaskExecutionRolePolicy's rights (ecskit.ops), so tasks can write their logs."""
    from ecskit import ops

    execution = ops.create_task_execution_role(session)
    infrastructure = role(session, "ecsInfrastructureRoleForExpressServices", "ecs.amazonaws.com")
    return {"executionRoleArn": execution, "infrastructureRoleArn": infrastructure}


@pytest.fixture
def roles(session: Any) -> dict[str, str]:
    return make_roles(session)


def create(session: Any, roles: dict[str, str], name: str = "shop", **extra: Any) -> dict:
    body = {"serviceName": name, "primaryContainer": {"image": "nginx"}, **roles, **extra}
    return session.ecs.create_express_gateway_service(**body)["service"]


def world(session: Any) -> dict[str, Any]:
    """Everything Express could make, by service, as the user's describes list it."""
    ecs, elbv2, ec2 = session.ecs, session.elbv2, session.ec2
    scaling = session.client("application-autoscaling")
    clusters = ecs.list_clusters()["clusterArns"]
    services = [a for c in clusters for a in ecs.list_services(cluster=c)["serviceArns"]]
    balancers = elbv2.describe_load_balancers()["LoadBalancers"]
    groups = elbv2.describe_target_groups()["TargetGroups"]
    alarms = session.cloudwatch.describe_alarms()["MetricAlarms"]
    return {
        "clusters": clusters,
        "services": sorted(services),
        "taskDefinitions": ecs.list_task_definitions()["taskDefinitionArns"],
        "loadBalancers": [b["LoadBalancerArn"] for b in balancers],
        "targetGroups": [g["TargetGroupArn"] for g in groups],
        "securityGroups": sorted(
            g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]
        ),
        "certificates": session.client("acm").list_certificates()["CertificateSummaryList"],
        "logGroups": [g["logGroupName"] for g in session.logs.describe_log_groups()["logGroups"]],
        "alarms": [a["AlarmName"] for a in alarms],
        "scalableTargets": scaling.describe_scalable_targets(ServiceNamespace="ecs")[
            "ScalableTargets"
        ],
        "policies": scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"],
    }


def test_create_makes_the_whole_web_service_in_every_service(ecs_session, roles) -> None:
    session, ecs = ecs_session, ecs_session.ecs
    made = create(session, roles)
    assert made["status"]["statusCode"] == "ACTIVE"
    config = made["activeConfigurations"][0]
    url = config["ingressPaths"][0]["endpoint"]
    assert re.fullmatch(r"sh-[0-9a-f]{32}\.ecs\.us-east-1\.on\.aws", url)
    assert config["ingressPaths"][0]["accessType"] == "PUBLIC"
    assert (config["cpu"], config["memory"], config["healthCheckPath"]) == ("256", "512", "/ping")
    # ECS: the default cluster with FARGATE, the service, its task definition
    cluster = ecs.describe_clusters(clusters=["default"])["clusters"][0]
    assert "FARGATE" in cluster["capacityProviders"]
    service = ecs.describe_services(cluster="default", services=["shop"])["services"][0]
    assert service["resourceManagementType"] == "ECS"
    assert service["deploymentConfiguration"]["strategy"] == "CANARY"
    assert service["deploymentConfiguration"]["alarms"]["rollback"] is True
    assert service["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"
    assert service["desiredCount"] == 1 and service["healthCheckGracePeriodSeconds"] == 300
    vpc_config = service["networkConfiguration"]["awsvpcConfiguration"]
    assert vpc_config["assignPublicIp"] == "ENABLED"
    td = ecs.describe_task_definition(taskDefinition=config["taskDefinitionArn"])["taskDefinition"]
    main = td["containerDefinitions"][0]
    assert (main["name"], main["image"], main["portMappings"][0]["containerPort"]) == (
        "Main", "nginx", 80)  # fmt: skip
    group = main["logConfiguration"]["options"]["awslogs-group"]
    assert re.fullmatch(r"/aws/ecs/default/shop-\w{4}", group)
    assert td["executionRoleArn"] == roles["executionRoleArn"]
    # Elastic Load Balancing: the ALB, its HTTPS listener, the host rule, two target groups
    lb = session.elbv2.describe_load_balancers()["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing" and lb["Type"] == "application"
    listener = session.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])
    listener = listener["Listeners"][0]
    assert (listener["Protocol"], listener["Port"]) == ("HTTPS", 443)
    rules = session.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    hosts = [c["HostHeaderConfig"]["Values"] for r in rules for c in r["Conditions"]]
    assert hosts == [[url]]
    production = service["loadBalancers"][0]["targetGroupArn"]
    groups = session.elbv2.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])
    tg = next(g for g in groups["TargetGroups"] if g["TargetGroupArn"] == production)
    assert (tg["TargetType"], tg["Protocol"], tg["Port"], tg["HealthCheckPath"]) == (
        "ip", "HTTP", 80, "/ping")  # fmt: skip
    # ACM: an issued certificate for the URL, on the listener
    cert = session.client("acm").describe_certificate(
        CertificateArn=listener["Certificates"][0]["CertificateArn"]
    )["Certificate"]
    assert (cert["DomainName"], cert["Status"]) == (url, "ISSUED")
    # EC2: the service's and the load balancer's security groups
    names = {g["GroupName"]: g for g in session.ec2.describe_security_groups()["SecurityGroups"]}
    assert f"default-shop-{lb['VpcId']}" in names
    alb_group = session.ec2.describe_security_groups(GroupIds=lb["SecurityGroups"])
    ingress = alb_group["SecurityGroups"][0]["IpPermissions"]
    assert [p["FromPort"] for p in ingress] == [443]
    # Application Auto Scaling and CloudWatch: target tracking, its alarms, the deployment alarm
    scaling = session.client("application-autoscaling")
    target = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert (target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]) == (
        "service/default/shop", 1, 20)  # fmt: skip
    policy = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"][0]
    assert policy["PolicyName"] == "shopECSServiceAverageCPUUtilization"
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 60.0
    alarms = [a["AlarmName"] for a in session.cloudwatch.describe_alarms()["MetricAlarms"]]
    assert service["deploymentConfiguration"]["alarms"]["alarmNames"][0] in alarms
    assert any(name.startswith("TargetTracking-service/default/shop-") for name in alarms)
    # CloudWatch Logs: the service's log group
    assert group in world(session)["logGroups"]


def test_describe_answers_the_service_and_its_revision_lists_what_ecs_manages(
    ecs_session, roles
) -> None:
    ecs = ecs_session.ecs
    made = create(ecs_session, roles, tags=[{"key": "team", "value": "web"}])
    found = ecs.describe_express_gateway_service(serviceArn=made["serviceArn"], include=["TAGS"])
    found = found["service"]
    assert found["serviceName"] == "shop" and found["status"]["statusCode"] == "ACTIVE"
    assert found["infrastructureRoleArn"] == made["infrastructureRoleArn"]
    assert found["tags"] == [{"key": "team", "value": "web"}]
    assert found["currentDeployment"].startswith("arn:aws:ecs:us-east-1:")
    revision = found["activeConfigurations"][0]["serviceRevisionArn"]
    managed = ecs.describe_service_revisions(serviceRevisionArns=[revision])
    managed = managed["serviceRevisions"][0]["ecsManagedResources"]
    path = managed["ingressPaths"][0]
    assert path["endpoint"] == found["activeConfigurations"][0]["ingressPaths"][0]["endpoint"]
    lb = ecs_session.elbv2.describe_load_balancers()["LoadBalancers"][0]
    assert path["loadBalancer"]["arn"] == lb["LoadBalancerArn"]
    assert path["loadBalancer"]["status"] == "ACTIVE"
    assert len(path["targetGroups"]) == 2 and path["certificate"]["domainName"] == path["endpoint"]
    policy = managed["autoScaling"]["applicationAutoScalingPolicies"][0]
    assert (policy["metric"], policy["targetValue"]) == ("ECSServiceAverageCPUUtilization", 60.0)
    assert managed["logGroups"][0]["logGroupName"].startswith("/aws/ecs/default/shop-")
    assert len(managed["metricAlarms"]) >= 1 and managed["serviceSecurityGroups"]
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.describe_express_gateway_service(serviceArn=made["serviceArn"].replace("shop", "nope"))


def test_private_subnets_get_an_internal_load_balancer(ecs_session, roles) -> None:
    ec2 = ecs_session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-east-1a", "us-east-1b", "us-east-1c"))
    ]
    made = create(ecs_session, roles, networkConfiguration={"subnets": subnets[:2]})
    assert made["activeConfigurations"][0]["ingressPaths"][0]["accessType"] == "PRIVATE"
    lb = ecs_session.elbv2.describe_load_balancers()["LoadBalancers"][0]
    assert (lb["Scheme"], lb["VpcId"]) == ("internal", vpc)
    service = ecs_session.ecs.describe_services(cluster="default", services=["shop"])["services"]
    assert service[0]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    # the first service fixed the load balancer's zones: a later one must use them
    before = world(ecs_session)
    with pytest.raises(ecs_session.ecs.exceptions.InvalidParameterException, match="us-east-1c"):
        create(ecs_session, roles, "cart", networkConfiguration={"subnets": subnets[1:]})
    assert world(ecs_session) == before
    create(ecs_session, roles, "cart", networkConfiguration={"subnets": subnets[:2]})
    assert len(ecs_session.elbv2.describe_load_balancers()["LoadBalancers"]) == 1


REFUSALS = [
    ("no such execution role", {"executionRoleArn": "arn:aws:iam::123456789012:role/nope"},
     "InvalidParameterException", "executionRoleArn .* is not an IAM role"),
    ("execution role not trusted by ecs-tasks", {"executionRoleArn": "INFRA"},
     "InvalidParameterException", "cannot be assumed by ecs-tasks.amazonaws.com"),
    ("infrastructure role not trusted by ecs", {"infrastructureRoleArn": "EXEC"},
     "InvalidParameterException", "cannot be assumed by ecs.amazonaws.com"),
    ("bad name", {"serviceName": "my shop!"}, "InvalidParameterException", "serviceName"),
    ("health path without slash", {"healthCheckPath": "ping"}, "InvalidParameterException",
     "forward slash"),
    ("no Fargate size", {"cpu": "256", "memory": "4096"}, "ClientException",
     "No Fargate configuration exists"),
    ("task definition and container", {"taskDefinitionArn": "web:1"},
     "InvalidParameterException", "leave out"),
    ("min above max", {"scalingTarget": {"minTaskCount": 5, "maxTaskCount": 2}},
     "InvalidParameterException", "minTaskCount"),
    ("missing named cluster", {"cluster": "nope"}, "ClusterNotFoundException", "not found"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "change", "code", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_leave_nothing_behind(ecs_session, roles, why, change, code, words) -> None:
    swap = {"INFRA": roles["infrastructureRoleArn"], "EXEC": roles["executionRoleArn"]}
    change = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = world(ecs_session)
    with pytest.raises(ecs_session.ecs.exceptions.ClientError) as caught:
        create(ecs_session, {**roles, **change})
    error = caught.value.response["Error"]
    assert error["Code"] == code and re.search(words, error["Message"]), error
    assert world(ecs_session) == before


def test_a_duplicate_name_is_refused_and_the_first_service_stays_whole(ecs_session, roles) -> None:
    create(ecs_session, roles)
    before = world(ecs_session)
    with pytest.raises(ecs_session.ecs.exceptions.InvalidParameterException, match="idempotent"):
        create(ecs_session, roles)
    assert world(ecs_session) == before


def test_a_failure_half_way_removes_what_was_made(ecs_session, roles, monkeypatch) -> None:
    from ecskit.sandbox import express_scaling

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("CloudWatch is down")

    before = world(ecs_session)
    monkeypatch.setattr(express_scaling, "scaling", broken)
    with pytest.raises(ecs_session.ecs.exceptions.ServerException):
        create(ecs_session, roles)
    after = world(ecs_session)
    # the default cluster may stay (ECS makes it once, for any service); nothing else does
    assert {k: v for k, v in after.items() if k != "clusters"} == {
        k: v for k, v in before.items() if k != "clusters"
    }
    for status in ("RUNNING", "STOPPED"):  # and no task was started for the service
        assert ecs_session.ecs.list_tasks(cluster="default", desiredStatus=status)["taskArns"] == []
    with pytest.raises(ecs_session.ecs.exceptions.ServiceNotFoundException):
        ecs_session.ecs.list_service_deployments(cluster="default", service="shop")
    monkeypatch.undo()  # the same request works once nothing fails
    assert create(ecs_session, roles)["status"]["statusCode"] == "ACTIVE"
    assert len(ecs_session.ecs.list_service_deployments(cluster="default", service="shop")[
        "serviceDeployments"]) == 1  # fmt: skip
