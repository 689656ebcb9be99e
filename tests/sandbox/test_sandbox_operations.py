"""The operations beyond the everyday ones, as ECS documents them (boto3 API only): task
protection, task sets, container instances and attributes, capacity providers,
DeleteTaskDefinitions, account and cluster settings, tags, ExecuteCommand, and the operations
the sandbox does not emulate yet."""

from __future__ import annotations

import json
import time

import pytest

DOC = json.dumps({"instanceId": "mi-0123456789abcdef0", "region": "us-east-1"})


def _service_task(ecs, network, kit) -> str:
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(ecs, network, count=1)
    return ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"][0]


# -- task protection --------------------------------------------------------------------------
def test_a_service_task_is_protected_for_120_minutes_by_default(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    task = _service_task(ecs, network, kit)
    before = time.time()
    done = ecs.update_task_protection(cluster="shop", tasks=[task], protectionEnabled=True)
    protected = done["protectedTasks"][0]
    assert protected["protectionEnabled"] is True and done["failures"] == []
    minutes = (protected["expirationDate"].timestamp() - before) / 60
    assert 119 < minutes < 121
    got = ecs.get_task_protection(cluster="shop", tasks=[task])["protectedTasks"][0]
    assert got["protectionEnabled"] is True
    ecs.update_task_protection(cluster="shop", tasks=[task], protectionEnabled=False)
    got = ecs.get_task_protection(cluster="shop", tasks=[task])["protectedTasks"][0]
    assert got["protectionEnabled"] is False and "expirationDate" not in got


def test_protection_lapses_after_expires_in_minutes(manual, network, kit) -> None:
    ecs = manual.ecs
    task = _service_task(ecs, network, kit)
    manual.sandbox.advance(30)
    ecs.update_task_protection(
        cluster="shop", tasks=[task], protectionEnabled=True, expiresInMinutes=5
    )
    manual.sandbox.advance(4 * 60)
    assert ecs.get_task_protection(cluster="shop", tasks=[task])["protectedTasks"][0][
        "protectionEnabled"
    ]
    manual.sandbox.advance(2 * 60)
    got = ecs.get_task_protection(cluster="shop", tasks=[task])["protectedTasks"][0]
    assert got["protectionEnabled"] is False


@pytest.mark.parametrize("minutes", [0, 2881])
def test_expires_in_minutes_is_1_to_2880(ecs_session, network, kit, minutes) -> None:
    ecs = ecs_session.ecs
    task = _service_task(ecs, network, kit)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="expiresInMinutes"):
        ecs.update_task_protection(
            cluster="shop", tasks=[task], protectionEnabled=True, expiresInMinutes=minutes
        )


def test_standalone_and_unknown_tasks_are_failures(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _service_task(ecs, network, kit)
    alone = ecs.run_task(
        cluster="shop", taskDefinition="web", launchType="FARGATE",
        networkConfiguration=network["config"],
    )["tasks"][0]["taskArn"]  # fmt: skip
    done = ecs.update_task_protection(
        cluster="shop", tasks=[alone, "0" * 32], protectionEnabled=True
    )
    assert done["protectedTasks"] == []
    reasons = {f["arn"].split("/")[-1]: f["reason"] for f in done["failures"]}
    assert reasons == {alone.split("/")[-1]: "TASK_NOT_VALID", "0" * 32: "MISSING"}
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.get_task_protection(cluster="nowhere", tasks=[alone])


# -- task sets --------------------------------------------------------------------------------
def test_task_sets_need_an_external_deployment_controller(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _service_task(ecs, network, kit)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="external deployment"):
        ecs.create_task_set(cluster="shop", service="web", taskDefinition="web")
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.describe_task_sets(cluster="shop", service="nothing")


def test_task_sets_of_an_external_service(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_service(
        ecs, network, name="ext", count=2, deploymentController={"type": "EXTERNAL"}
    )
    made = ecs.create_task_set(
        cluster="shop", service="ext", taskDefinition="web", launchType="FARGATE",
        networkConfiguration=network["config"], scale={"value": 50, "unit": "PERCENT"},
    )["taskSet"]  # fmt: skip
    arn = made["taskSetArn"]
    found = ecs.describe_task_sets(cluster="shop", service="ext", taskSets=[arn, "ecs-svc/1"])
    assert [t["taskSetArn"] for t in found["taskSets"]] == [arn]
    assert found["failures"] == [{"arn": "ecs-svc/1", "reason": "MISSING"}]
    primary = ecs.update_service_primary_task_set(
        cluster="shop", service="ext", primaryTaskSet=made["id"]
    )["taskSet"]
    assert primary["status"] == "PRIMARY"
    with pytest.raises(ecs.exceptions.TaskSetNotFoundException):
        ecs.update_task_set(
            cluster="shop",
            service="ext",
            taskSet="ecs-svc/1",
            scale={"value": 0, "unit": "PERCENT"},
        )
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="scaled down to zero"):
        ecs.delete_task_set(cluster="shop", service="ext", taskSet=arn)
    ecs.update_task_set(
        cluster="shop", service="ext", taskSet=arn, scale={"value": 0, "unit": "PERCENT"}
    )
    ecs.delete_task_set(cluster="shop", service="ext", taskSet=arn)
    assert ecs.describe_task_sets(cluster="shop", service="ext")["taskSets"] == []


# -- container instances and attributes -------------------------------------------------------
def _instance(ecs) -> str:
    ecs.create_cluster(clusterName="shop")
    made = ecs.register_container_instance(cluster="shop", instanceIdentityDocument=DOC)
    return made["containerInstance"]["containerInstanceArn"]


def test_deregister_a_container_instance(ecs_session) -> None:
    ecs = ecs_session.ecs
    arn = _instance(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not found"):
        ecs.deregister_container_instance(cluster="shop", containerInstance="0" * 32)
    ecs.deregister_container_instance(cluster="shop", containerInstance=arn)
    assert arn not in ecs.list_container_instances(cluster="shop")["containerInstanceArns"]


def test_the_sandbox_agent_has_no_update(ecs_session) -> None:
    ecs = ecs_session.ecs
    arn = _instance(ecs)
    with pytest.raises(ecs.exceptions.NoUpdateAvailableException):
        ecs.update_container_agent(cluster="shop", containerInstance=arn)


def test_attributes_are_put_listed_and_deleted(ecs_session) -> None:
    ecs = ecs_session.ecs
    arn = _instance(ecs)
    short = arn.split("/")[-1]
    ecs.put_attributes(
        cluster="shop", attributes=[{"name": "stack", "value": "prod", "targetId": arn}]
    )
    ecs.put_attributes(
        cluster="shop",
        attributes=[{"name": "team", "value": "a", "targetId": short,
                     "targetType": "container-instance"}],
    )  # fmt: skip
    listed = ecs.list_attributes(
        cluster="shop", targetType="container-instance", attributeName="stack",
        attributeValue="prod",
    )["attributes"]  # fmt: skip
    assert listed == [
        {"name": "stack", "value": "prod", "targetId": arn, "targetType": "container-instance"}
    ]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="targetType"):
        ecs.put_attributes(cluster="shop", attributes=[{"name": "x", "targetId": short}])
    with pytest.raises(ecs.exceptions.TargetNotFoundException):
        ecs.put_attributes(
            cluster="shop", attributes=[{"name": "x", "targetId": arn[:-4] + "0000"}]
        )
    ecs.delete_attributes(cluster="shop", attributes=[{"name": "stack", "targetId": arn}])
    names = [
        a["name"]
        for a in ecs.list_attributes(cluster="shop", targetType="container-instance")["attributes"]
    ]
    assert "stack" not in names and "team" in names


# -- capacity providers ---------------------------------------------------------------------
def test_a_managed_instances_provider_without_its_cluster_is_refused(ecs_session) -> None:
    # the rest of Managed Instances: tests/sandbox/test_managed_instances.py
    ecs = ecs_session.ecs
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="cluster is required"):
        ecs.create_capacity_provider(
            name="mi",
            managedInstancesProvider={
                "infrastructureRoleArn": "arn:aws:iam::123456789012:role/infra",
                "instanceLaunchTemplate": {
                    "ec2InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/p",
                    "networkConfiguration": {"subnets": ["subnet-12345678"]},
                },
            },
        )
    assert "mi" not in [p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]]


def test_capacity_provider_names_and_groups_are_unique(ecs_session, auto_scaling_group) -> None:
    ecs = ecs_session.ecs
    group = {"autoScalingGroupArn": auto_scaling_group}
    ecs.create_capacity_provider(name="mine", autoScalingGroupProvider=group)
    with pytest.raises(ecs.exceptions.ClientException, match="already exists"):
        ecs.create_capacity_provider(name="mine", autoScalingGroupProvider=group)
    with pytest.raises(ecs.exceptions.ClientException, match="already being used"):
        ecs.create_capacity_provider(name="other", autoScalingGroupProvider=group)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="can't start with"):
        ecs.create_capacity_provider(name="ecs-mine", autoScalingGroupProvider=group)


def test_delete_and_update_a_capacity_provider(ecs_session, auto_scaling_group) -> None:
    ecs = ecs_session.ecs
    group = {"autoScalingGroupArn": auto_scaling_group}
    ecs.create_capacity_provider(name="mine", autoScalingGroupProvider=group)
    updated = ecs.update_capacity_provider(
        name="mine", autoScalingGroupProvider={"managedTerminationProtection": "DISABLED"}
    )
    assert updated["capacityProvider"]["updateStatus"] == "UPDATE_IN_PROGRESS"
    ecs.create_cluster(clusterName="shop", capacityProviders=["mine"])
    failed = ecs.delete_capacity_provider(capacityProvider="mine")["capacityProvider"]
    assert failed["updateStatus"] == "DELETE_FAILED"
    assert "associated with cluster: shop" in failed["updateStatusReason"]
    ecs.put_cluster_capacity_providers(
        cluster="shop", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    gone = ecs.delete_capacity_provider(capacityProvider="mine")["capacityProvider"]
    assert gone["updateStatus"] == "DELETE_IN_PROGRESS"
    with pytest.raises(ecs.exceptions.ClientException, match="not found"):
        ecs.update_capacity_provider(name="mine", autoScalingGroupProvider={})
    with pytest.raises(ecs.exceptions.ClientException, match="reserved"):
        ecs.delete_capacity_provider(capacityProvider="FARGATE")


# -- DeleteTaskDefinitions ------------------------------------------------------------------
def test_only_inactive_revisions_are_deleted(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    kit.fargate_definition(ecs)
    kit.fargate_definition(ecs)
    ecs.deregister_task_definition(taskDefinition="web:2")
    done = ecs.delete_task_definitions(taskDefinitions=["web:1", "web:2", "web", "web:9"])
    assert [t["status"] for t in done["taskDefinitions"]] == ["DELETE_IN_PROGRESS"]
    reasons = {f["arn"]: f["reason"] for f in done["failures"]}
    assert "ACTIVE" in reasons["web:1"] and "invalid" in reasons["web"]
    assert "does not exist" in reasons["web:9"]
    deleting = ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"]
    assert [a.split("/")[-1] for a in deleting] == ["web:2"]
    assert kit.fargate_definition(ecs)["revision"] == 3  # the number is not reused
    with pytest.raises(ecs.exceptions.ClientException):
        ecs.run_task(
            cluster="shop", taskDefinition="web:2", launchType="FARGATE",
            networkConfiguration=network["config"],
        )  # fmt: skip


# -- settings --------------------------------------------------------------------------------
def test_account_setting_default_and_effective_settings(ecs_session) -> None:
    ecs = ecs_session.ecs
    done = ecs.put_account_setting_default(name="containerInsights", value="enhanced")
    assert done["setting"]["value"] == "enhanced"
    assert ecs.list_account_settings(name="containerInsights")["settings"] == []
    effective = ecs.list_account_settings(name="containerInsights", effectiveSettings=True)
    assert [s["value"] for s in effective["settings"]] == ["enhanced"]
    ecs.put_account_setting(name="containerInsights", value="disabled")
    effective = ecs.list_account_settings(name="containerInsights", effectiveSettings=True)
    assert [s["value"] for s in effective["settings"]] == ["disabled"]
    ecs.delete_account_setting(name="containerInsights")
    assert ecs.list_account_settings(name="containerInsights")["settings"] == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("fargateTaskRetirementWaitPeriod", "3"), ("containerInsights", "on"),
     ("guardDutyActivate", "enabled")],
)  # fmt: skip
def test_account_setting_values(ecs_session, name, value) -> None:
    ecs = ecs_session.ecs
    with pytest.raises(ecs.exceptions.InvalidParameterException, match=name):
        ecs.put_account_setting(name=name, value=value)


def test_update_cluster_settings(ecs_session) -> None:
    ecs = ecs_session.ecs
    ecs.create_cluster(clusterName="shop")
    done = ecs.update_cluster_settings(
        cluster="shop", settings=[{"name": "containerInsights", "value": "enhanced"}]
    )
    assert done["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.update_cluster_settings(
            cluster="nowhere", settings=[{"name": "containerInsights", "value": "enabled"}]
        )


# -- tags -----------------------------------------------------------------------------------
def test_every_taggable_resource_takes_tags(ecs_session, network, kit, auto_scaling_group) -> None:
    ecs = ecs_session.ecs
    task = _service_task(ecs, network, kit)
    instance = ecs.register_container_instance(cluster="shop", instanceIdentityDocument=DOC)
    provider = ecs.create_capacity_provider(
        name="mine", autoScalingGroupProvider={"autoScalingGroupArn": auto_scaling_group}
    )
    arns = [
        ecs.describe_clusters(clusters=["shop"])["clusters"][0]["clusterArn"],
        ecs.describe_services(cluster="shop", services=["web"])["services"][0]["serviceArn"],
        task,
        ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]["taskDefinitionArn"],
        provider["capacityProvider"]["capacityProviderArn"],
        instance["containerInstance"]["containerInstanceArn"],
    ]
    for arn in arns:
        ecs.tag_resource(
            resourceArn=arn, tags=[{"key": "team", "value": "a"}, {"key": "x", "value": "1"}]
        )
        ecs.untag_resource(resourceArn=arn, tagKeys=["x"])
        assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [
            {"key": "team", "value": "a"}
        ], arn


def test_tag_errors(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    _service_task(ecs, network, kit)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="ARN provided is invalid"):
        ecs.list_tags_for_resource(resourceArn="arn:aws:ecr:us-east-1:123456789012:repository/r")
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="long ARN"):
        ecs.tag_resource(
            resourceArn="arn:aws:ecs:us-east-1:123456789012:service/web",
            tags=[{"key": "a", "value": "b"}],
        )
    cluster = ecs.describe_clusters(clusters=["shop"])["clusters"][0]["clusterArn"]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="reserved"):
        ecs.tag_resource(resourceArn=cluster, tags=[{"key": "aws:x", "value": "b"}])
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.tag_resource(resourceArn=cluster.replace("cluster/", "task/shop/") + "0" * 28,
                         tags=[{"key": "a", "value": "b"}])  # fmt: skip


# -- ExecuteCommand and the operations not emulated yet -------------------------------------
def test_execute_command_has_no_agent_to_reach(ecs_session, network, kit) -> None:
    ecs = ecs_session.ecs
    task = _service_task(ecs, network, kit)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="execute command agent"):
        ecs.execute_command(cluster="shop", task=task, command="/bin/sh", interactive=True)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="task was not found"):
        ecs.execute_command(cluster="shop", task="0" * 32, command="/bin/sh", interactive=True)


def test_operations_not_emulated_yet_say_so(ecs_session) -> None:
    ecs = ecs_session.ecs
    with pytest.raises(ecs.exceptions.UnsupportedFeatureException) as caught:
        ecs.list_daemons()
    message = caught.value.response["Error"]["Message"]
    assert "does not emulate ListDaemons yet" in message and "real AWS account" in message
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
