"""Express Mode services after their creation: Update deploys a new revision through the
canary, Delete removes what Create made, and services share a load balancer up to 25.

Facts and sources: docs/express-mode.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_express import create, make_roles, world

SCALING = "application-autoscaling"


@pytest.fixture
def roles(session: Any) -> dict[str, str]:
    return make_roles(session)


def _deployments(ecs: Any, name: str = "shop") -> list[dict]:
    found = ecs.list_service_deployments(cluster="default", service=name)["serviceDeployments"]
    return found


def test_update_makes_a_new_revision_and_deploys_it_with_the_canary(ecs_session, roles) -> None:
    ecs = ecs_session.ecs
    made = create(ecs_session, roles)
    first = made["activeConfigurations"][0]
    answer = ecs.update_express_gateway_service(
        serviceArn=made["serviceArn"], primaryContainer={"image": "nginx:1.27"}, cpu="512",
        memory="1024",
    )["service"]  # fmt: skip
    target = answer["targetConfiguration"]
    assert target["taskDefinitionArn"].endswith(":2") and first["taskDefinitionArn"].endswith(":1")
    assert (target["cpu"], target["memory"]) == ("512", "1024")
    assert target["primaryContainer"]["image"] == "nginx:1.27"
    assert target["serviceRevisionArn"] != first["serviceRevisionArn"]
    td = ecs.describe_task_definition(taskDefinition=target["taskDefinitionArn"])
    assert td["taskDefinition"]["containerDefinitions"][0]["image"] == "nginx:1.27"
    service = ecs.describe_services(cluster="default", services=["shop"])["services"][0]
    assert service["taskDefinition"] == target["taskDefinitionArn"]
    deployments = _deployments(ecs)
    assert len(deployments) == 2
    newest = ecs.describe_service_deployments(
        serviceDeploymentArns=[deployments[0]["serviceDeploymentArn"]]
    )["serviceDeployments"][0]
    assert newest["deploymentConfiguration"]["strategy"] == "CANARY"
    assert newest["targetServiceRevision"]["arn"] == target["serviceRevisionArn"]
    found = ecs.describe_express_gateway_service(serviceArn=made["serviceArn"])["service"]
    assert found["currentDeployment"] == newest["serviceDeploymentArn"]


def test_a_canary_in_progress_shows_both_configurations(manual, roles) -> None:
    ecs = manual.ecs
    made = create(manual, roles)
    manual.sandbox.settle()
    ecs.update_express_gateway_service(
        serviceArn=made["serviceArn"], primaryContainer={"image": "nginx:2"}
    )
    manual.sandbox.advance(120)  # inside the canary's 3-minute bake
    found = ecs.describe_express_gateway_service(serviceArn=made["serviceArn"])["service"]
    images = [c["primaryContainer"]["image"] for c in found["activeConfigurations"]]
    assert sorted(images) == ["nginx", "nginx:2"]
    manual.sandbox.settle()
    found = ecs.describe_express_gateway_service(serviceArn=made["serviceArn"])["service"]
    assert [c["primaryContainer"]["image"] for c in found["activeConfigurations"]] == ["nginx:2"]


def test_update_changes_scaling_and_the_health_check_path(ecs_session, roles) -> None:
    made = create(ecs_session, roles)
    ecs_session.ecs.update_express_gateway_service(
        serviceArn=made["serviceArn"], healthCheckPath="/health",
        scalingTarget={"minTaskCount": 2, "maxTaskCount": 5, "autoScalingMetric": "AVERAGE_MEMORY",
                       "autoScalingTargetValue": 70},
    )  # fmt: skip
    scaling = ecs_session.client(SCALING)
    target = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 5)
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert [p["PolicyName"] for p in policies] == ["shopECSServiceAverageMemoryUtilization"]
    assert policies[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0
    service = ecs_session.ecs.describe_services(cluster="default", services=["shop"])
    assert service["services"][0]["desiredCount"] == 2
    groups = ecs_session.elbv2.describe_target_groups()["TargetGroups"]
    assert {g["HealthCheckPath"] for g in groups} == {"/health"}
    assert len(_deployments(ecs_session.ecs)) == 2


def test_update_refusals(ecs_session, roles) -> None:
    ecs = ecs_session.ecs
    made = create(ecs_session, roles)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="maxTaskCount"):
        ecs.update_express_gateway_service(
            serviceArn=made["serviceArn"], scalingTarget={"minTaskCount": 30}
        )
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.update_express_gateway_service(serviceArn=made["serviceArn"].replace("shop", "x"))
    assert len(_deployments(ecs)) == 1


def test_delete_removes_everything_create_made(ecs_session, roles) -> None:
    ecs = ecs_session.ecs
    empty = world(ecs_session)
    made = create(ecs_session, roles)
    ecs.update_express_gateway_service(
        serviceArn=made["serviceArn"], primaryContainer={"image": "nginx:2"}
    )
    gone = ecs.delete_express_gateway_service(serviceArn=made["serviceArn"])["service"]
    assert gone["status"]["statusCode"] in ("DRAINING", "INACTIVE")
    ecs_session.sandbox.settle()
    after = world(ecs_session)
    assert after["services"] == [] and after["taskDefinitions"] == []  # both revisions INACTIVE
    keep = ("clusters", "services", "taskDefinitions")
    assert {k: v for k, v in after.items() if k not in keep} == {
        k: v for k, v in empty.items() if k not in keep
    }
    found = ecs.describe_express_gateway_service(serviceArn=made["serviceArn"])["service"]
    assert found["status"]["statusCode"] == "INACTIVE"
    with pytest.raises(ecs.exceptions.ServiceNotActiveException):
        ecs.delete_express_gateway_service(serviceArn=made["serviceArn"])


def test_services_share_one_load_balancer_until_its_last_one_goes(ecs_session, roles) -> None:
    ecs, elbv2 = ecs_session.ecs, ecs_session.elbv2
    first, second = create(ecs_session, roles, "shop"), create(ecs_session, roles, "cart")
    lbs = elbv2.describe_load_balancers()["LoadBalancers"]
    assert len(lbs) == 1
    listener = elbv2.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"][0]
    certificates = elbv2.describe_listener_certificates(ListenerArn=listener["ListenerArn"])
    assert len(certificates["Certificates"]) == 2  # one per service's URL
    ecs.delete_express_gateway_service(serviceArn=first["serviceArn"])
    assert len(elbv2.describe_load_balancers()["LoadBalancers"]) == 1
    rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    hosts = [c["HostHeaderConfig"]["Values"][0] for r in rules for c in r["Conditions"]]
    assert hosts == [second["activeConfigurations"][0]["ingressPaths"][0]["endpoint"]]
    ecs.delete_express_gateway_service(serviceArn=second["serviceArn"])
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []


def test_the_26th_service_gets_a_second_load_balancer(ecs_session, roles) -> None:
    elbv2 = ecs_session.elbv2
    for n in range(26):
        create(ecs_session, roles, f"svc{n}", scalingTarget={"minTaskCount": 0})
    lbs = elbv2.describe_load_balancers()["LoadBalancers"]
    assert len(lbs) == 2
    counts = []
    for lb in lbs:
        listener = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"][0]
        rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        counts.append(sum(1 for r in rules if not r["IsDefault"]))
    assert sorted(counts) == [1, 25]


def test_the_target_tracking_policy_express_made_scales_the_service(manual, roles) -> None:
    create(manual, roles, scalingTarget={"minTaskCount": 1, "maxTaskCount": 3})
    manual.sandbox.settle()
    manual.sandbox.load("default", "shop", cpu=90)
    manual.sandbox.advance(180)  # AlarmHigh: 3 datapoints above the target of 60
    service = manual.ecs.describe_services(cluster="default", services=["shop"])["services"][0]
    assert service["desiredCount"] == 2  # ceil(1 task x 90 % / 60 %)
    activities = manual.client(SCALING).describe_scaling_activities(ServiceNamespace="ecs")
    assert "shopECSServiceAverageCPUUtilization" in activities["ScalingActivities"][0]["Cause"]


def test_a_snapshot_brings_the_express_service_back_with_its_url(ecs_session, roles) -> None:
    made = create(ecs_session, roles)
    url = made["activeConfigurations"][0]["ingressPaths"][0]["endpoint"]
    before = world(ecs_session)
    snapshot = ecs_session.sandbox.save()
    ecs_session.sandbox.reset()
    ecs_session.sandbox.restore(snapshot)
    found = ecs_session.ecs.describe_express_gateway_service(serviceArn=made["serviceArn"])
    assert found["service"]["activeConfigurations"][0]["ingressPaths"][0]["endpoint"] == url
    after = world(ecs_session)
    for kind in ("services", "loadBalancers", "targetGroups", "securityGroups", "logGroups"):
        assert after[kind] == before[kind], kind
