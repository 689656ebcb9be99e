"""ECS Managed Instances in the sandbox, through boto3: the capacity provider's operations and
checks, instances launched in EC2 that register as container instances, placement, scale-in.
Facts and sources: docs/managed-instances.md."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from public_network import open_to_internet

IAM = "arn:aws:iam::123456789012"
ON_MI = [{"capacityProvider": "mi", "weight": 1}]  # the only way to Managed Instances


def _trust(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def mi(session: Any) -> dict[str, Any]:
    """What a Managed Instances provider needs: the two roles (trusted as documented), the
    instance profile, a VPC with subnets in two zones, a security group, cluster "shop"."""
    iam, ec2 = session.client("iam"), session.ec2
    infra = iam.create_role(
        RoleName="ecsInfrastructureRole", AssumeRolePolicyDocument=_trust("ecs.amazonaws.com")
    )["Role"]["Arn"]
    iam.create_role(
        RoleName="ecsInstanceRole", AssumeRolePolicyDocument=_trust("ec2.amazonaws.com")
    )
    profile = iam.create_instance_profile(InstanceProfileName="ecsInstanceRole")
    iam.add_role_to_instance_profile(
        InstanceProfileName="ecsInstanceRole", RoleName="ecsInstanceRole"
    )
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{n}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"), (3, "c"))
    ]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    # public subnets: the instances pull images through their own public IP
    open_to_internet(ec2, vpc)
    for subnet in subnets:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    session.ecs.create_cluster(clusterName="shop")
    return {
        "infra": infra,
        "profile": profile["InstanceProfile"]["Arn"],
        "subnets": subnets,
        "group": group,
        "vpc": vpc,
    }


def provider_body(mi: dict[str, Any], subnets: int = 1, **template: Any) -> dict[str, Any]:
    return {
        "infrastructureRoleArn": mi["infra"],
        "instanceLaunchTemplate": {
            "ec2InstanceProfileArn": mi["profile"],
            "networkConfiguration": {
                "subnets": mi["subnets"][:subnets],
                "securityGroups": [mi["group"]],
            },
            **template,
        },
    }


def create(session: Any, mi: dict[str, Any], name: str = "mi", **extra: Any) -> dict[str, Any]:
    body = extra.pop("body", None) or provider_body(mi)
    return session.ecs.create_capacity_provider(
        name=name, cluster="shop", managedInstancesProvider=body, **extra
    )["capacityProvider"]


def register(session: Any, family: str = "web", cpu: str = "256", memory: str = "512") -> None:
    session.ecs.register_task_definition(
        family=family, requiresCompatibilities=["MANAGED_INSTANCES"], networkMode="awsvpc",
        cpu=cpu, memory=memory, containerDefinitions=[{"name": "web", "image": "nginx"}],
    )  # fmt: skip


def awsvpc(mi: dict[str, Any]) -> dict[str, Any]:
    return {"awsvpcConfiguration": {"subnets": mi["subnets"][:1], "securityGroups": [mi["group"]]}}


def web_service(session: Any, mi: dict[str, Any], count: int) -> None:
    """Service "web" of `count` tasks on provider "mi", through a capacity provider strategy."""
    session.ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=count,
        capacityProviderStrategy=ON_MI, networkConfiguration=awsvpc(mi),
    )  # fmt: skip


def cluster_providers(session: Any) -> list[str]:
    cluster = session.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    return cluster.get("capacityProviders", [])  # left out when empty


def ec2_instances(session: Any, state: str = "running") -> list[dict[str, Any]]:
    found = session.ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": [state]}]
    )
    return [i for r in found["Reservations"] for i in r["Instances"]]


def container_instances(session: Any) -> list[dict[str, Any]]:
    arns = session.ecs.list_container_instances(cluster="shop")["containerInstanceArns"]
    if not arns:
        return []
    return session.ecs.describe_container_instances(cluster="shop", containerInstances=arns)[
        "containerInstances"
    ]


# -- the capacity provider ---------------------------------------------------------------
def test_create_describe_update_delete(session, mi) -> None:
    ecs = session.ecs
    made = create(session, mi, tags=[{"key": "team", "value": "web"}])
    assert made["type"] == "MANAGED_INSTANCES" and made["cluster"] == "shop"
    assert made["managedInstancesProvider"]["infrastructureRoleArn"] == mi["infra"]
    template = made["managedInstancesProvider"]["instanceLaunchTemplate"]
    assert template["ec2InstanceProfileArn"] == mi["profile"]
    # cluster-scoped: the cluster lists it at once
    assert cluster_providers(session) == ["mi"]
    described = ecs.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"]
    assert described[0]["type"] == "MANAGED_INSTANCES"

    change = provider_body(mi, subnets=2, instanceRequirements={
        "vCpuCount": {"min": 4}, "memoryMiB": {"min": 8192}})  # fmt: skip
    change["propagateTags"] = "CAPACITY_PROVIDER"
    updated = ecs.update_capacity_provider(
        name="mi", cluster="shop", managedInstancesProvider=change
    )
    assert updated["capacityProvider"]["updateStatus"] == "UPDATE_IN_PROGRESS"
    after = ecs.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"][0]
    assert after["updateStatus"] == "UPDATE_COMPLETE"
    assert after["managedInstancesProvider"]["propagateTags"] == "CAPACITY_PROVIDER"
    new_template = after["managedInstancesProvider"]["instanceLaunchTemplate"]
    assert new_template["networkConfiguration"]["subnets"] == mi["subnets"][:2]

    deleted = ecs.delete_capacity_provider(capacityProvider="mi", cluster="shop")
    assert deleted["capacityProvider"]["updateStatus"] == "DELETE_IN_PROGRESS"
    assert cluster_providers(session) == []
    failures = ecs.describe_capacity_providers(capacityProviders=["mi"])["failures"]
    assert failures and failures[0]["reason"] == "MISSING"


def test_an_auto_scaling_group_provider_says_its_type(session, auto_scaling_group) -> None:
    made = session.ecs.create_capacity_provider(
        name="fleet", autoScalingGroupProvider={"autoScalingGroupArn": auto_scaling_group}
    )["capacityProvider"]
    assert made["type"] == "EC2_AUTOSCALING"


def _untrusted(session: Any, mi: dict[str, Any]) -> dict[str, Any]:
    arn = session.client("iam").create_role(
        RoleName="wrongTrust", AssumeRolePolicyDocument=_trust("lambda.amazonaws.com")
    )["Role"]["Arn"]
    return {**provider_body(mi), "infrastructureRoleArn": arn}


BAD = [
    ("missing infrastructure role",
     lambda s, mi: {**provider_body(mi), "infrastructureRoleArn": f"{IAM}:role/nope"},
     "does not exist"),
    ("role ECS cannot assume", _untrusted, "ecs.amazonaws.com"),
    ("missing instance profile",
     lambda s, mi: provider_body(mi, ec2InstanceProfileArn=f"{IAM}:instance-profile/x"),
     "instance profile"),
    ("unknown subnet",
     lambda s, mi: provider_body(mi, networkConfiguration={"subnets": ["subnet-0000"]}),
     "subnet-0000"),
    ("unknown security group",
     lambda s, mi: provider_body(mi, networkConfiguration={
         "subnets": mi["subnets"][:1], "securityGroups": ["sg-0000"]}),
     "sg-0000"),
    ("min above max",
     lambda s, mi: provider_body(mi, instanceRequirements={
         "vCpuCount": {"min": 8, "max": 2}, "memoryMiB": {"min": 1024}}),
     "min (8) is greater than max (2)"),
    ("no type matches",
     lambda s, mi: provider_body(mi, instanceRequirements={
         "vCpuCount": {"min": 2}, "memoryMiB": {"min": 1024}, "allowedInstanceTypes": ["x9.none"]}),
     "no EC2 instance type"),
    ("scale-in delay out of range",
     lambda s, mi: {**provider_body(mi), "infrastructureOptimization": {"scaleInAfter": 7200}},
     "scaleInAfter"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_and_nothing_is_made(session, mi, case, body, words) -> None:
    ecs = session.ecs
    with pytest.raises(ClientError) as error:
        create(session, mi, body=body(session, mi))
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert words in error.value.response["Error"]["Message"]
    assert ecs.describe_capacity_providers(capacityProviders=["mi"])["failures"]
    assert cluster_providers(session) == []


def test_cluster_is_required_and_must_exist(session, mi) -> None:
    ecs = session.ecs
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="cluster is required"):
        ecs.create_capacity_provider(name="mi", managedInstancesProvider=provider_body(mi))
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.create_capacity_provider(
            name="mi", cluster="nowhere", managedInstancesProvider=provider_body(mi)
        )


# -- tasks and services on it ------------------------------------------------------------
def test_run_task_launches_a_tagged_instance_that_registers(session, mi) -> None:
    create(session, mi, tags=[{"key": "team", "value": "web"}],
           body={**provider_body(mi), "propagateTags": "CAPACITY_PROVIDER"})  # fmt: skip
    register(session)
    tasks = session.ecs.run_task(
        cluster="shop", taskDefinition="web", capacityProviderStrategy=ON_MI, count=2,
        networkConfiguration=awsvpc(mi),
    )["tasks"]  # fmt: skip
    assert [t["launchType"] for t in tasks] == ["MANAGED_INSTANCES"] * 2
    assert {t["capacityProviderName"] for t in tasks} == {"mi"}
    (instance,) = ec2_instances(session)  # two small tasks bin-pack onto one instance
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert tags["aws:ecs:clusterName"] == "shop"
    assert tags["aws:ecs:capacityProviderName"] == "mi"
    assert tags["aws:ec2:managed-launch"] == "ecs-managed-instances"
    assert {"AmazonECSCreated", "AmazonECSManaged"} <= set(tags) and tags["team"] == "web"
    assert instance["SubnetId"] == mi["subnets"][0]
    (ci,) = container_instances(session)
    assert ci["ec2InstanceId"] == instance["InstanceId"]
    assert ci["capacityProviderName"] == "mi" and ci["runningTasksCount"] == 2
    assert tags["aws:ecs:containerInstanceId"] == ci["containerInstanceArn"].split("/")[-1]
    assert {t["containerInstanceArn"] for t in tasks} == {ci["containerInstanceArn"]}


def test_a_service_on_the_provider_spreads_over_zones(session, mi) -> None:
    create(session, mi, body=provider_body(mi, subnets=3))
    register(session)
    web_service(session, mi, 3)
    session.sandbox.settle()
    service = session.ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["runningCount"] == 3
    instances = ec2_instances(session)
    # several subnets: Availability Zone spread before bin packing, one instance per zone
    assert sorted(i["SubnetId"] for i in instances) == sorted(mi["subnets"])
    assert {ci["capacityProviderName"] for ci in container_instances(session)} == {"mi"}
    cluster = session.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 3


def test_tasks_say_managed_instances_but_the_launch_type_is_refused(session, mi) -> None:
    create(session, mi)
    register(session)
    web_service(session, mi, 2)
    session.sandbox.settle()
    arns = session.ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    tasks = session.ecs.describe_tasks(cluster="shop", tasks=arns)["tasks"]
    assert len(tasks) == 2 and {t["launchType"] for t in tasks} == {"MANAGED_INSTANCES"}
    assert {t["lastStatus"] for t in tasks} == {"RUNNING"}
    assert len(ec2_instances(session)) == 1  # one subnet: bin-packed
    # botocore: "you must use the capacityProviderStrategy ... and omit the launchType"
    with pytest.raises(ClientError, match="capacityProviderStrategy"):
        session.ecs.create_service(
            cluster="shop", serviceName="other", taskDefinition="web", desiredCount=1,
            launchType="MANAGED_INSTANCES", networkConfiguration=awsvpc(mi),
        )  # fmt: skip
    with pytest.raises(ClientError, match="capacityProviderStrategy"):
        session.ecs.run_task(cluster="shop", taskDefinition="web", launchType="MANAGED_INSTANCES",
                             networkConfiguration=awsvpc(mi))  # fmt: skip
    assert len(ec2_instances(session)) == 1


def test_instance_type_follows_the_requirements(session, mi) -> None:
    requirements = {"vCpuCount": {"min": 4, "max": 4}, "memoryMiB": {"min": 16384, "max": 16384}}
    create(session, mi, body=provider_body(mi, instanceRequirements=requirements))
    register(session)
    session.ecs.run_task(cluster="shop", taskDefinition="web", capacityProviderStrategy=ON_MI,
                         networkConfiguration=awsvpc(mi))  # fmt: skip
    (instance,) = ec2_instances(session)
    kind = session.ec2.describe_instance_types(InstanceTypes=[instance["InstanceType"]])
    info = kind["InstanceTypes"][0]
    assert info["VCpuInfo"]["DefaultVCpus"] == 4 and info["MemoryInfo"]["SizeInMiB"] == 16384


def test_allowed_instance_types_and_a_task_too_big_for_them(session, mi) -> None:
    requirements = {
        "vCpuCount": {"min": 1},
        "memoryMiB": {"min": 1},
        "allowedInstanceTypes": ["c5.large"],
    }
    create(session, mi, body=provider_body(mi, instanceRequirements=requirements))
    register(session)
    session.ecs.run_task(cluster="shop", taskDefinition="web", capacityProviderStrategy=ON_MI,
                         networkConfiguration=awsvpc(mi))  # fmt: skip
    assert [i["InstanceType"] for i in ec2_instances(session)] == ["c5.large"]
    register(session, family="big", cpu="8192", memory="16384")  # c5.large has 2 vCPUs
    with pytest.raises(
        session.ecs.exceptions.InvalidParameterException, match="instanceRequirements"
    ):
        session.ecs.run_task(cluster="shop", taskDefinition="big", capacityProviderStrategy=ON_MI,
                             networkConfiguration=awsvpc(mi))  # fmt: skip
    assert len(ec2_instances(session)) == 1  # nothing launched for a task that cannot fit


def test_a_revision_not_for_managed_instances_is_refused(session, mi, kit) -> None:
    create(session, mi)
    kit.fargate_definition(session.ecs, family="fargate-only")
    with pytest.raises(ClientError, match="not MANAGED_INSTANCES"):
        session.ecs.run_task(cluster="shop", taskDefinition="fargate-only",
                             capacityProviderStrategy=ON_MI,
                             networkConfiguration=awsvpc(mi))  # fmt: skip
    assert ec2_instances(session) == []


def test_a_provider_in_use_is_not_deleted(session, mi) -> None:
    create(session, mi)
    register(session)
    web_service(session, mi, 1)
    answer = session.ecs.delete_capacity_provider(capacityProvider="mi")["capacityProvider"]
    assert answer["updateStatus"] == "DELETE_FAILED" and "web" in answer["updateStatusReason"]
    assert session.ecs.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"]


# -- scale-in ------------------------------------------------------------------------------
def test_idle_instances_scale_in_after_the_delay(manual, mi) -> None:
    session = manual
    body = {**provider_body(mi), "infrastructureOptimization": {"scaleInAfter": 300}}
    create(session, mi, body=body)
    register(session)
    task = session.ecs.run_task(
        cluster="shop", taskDefinition="web", capacityProviderStrategy=ON_MI,
        networkConfiguration=awsvpc(mi),
    )["tasks"][0]  # fmt: skip
    session.sandbox.settle()
    session.ecs.stop_task(cluster="shop", task=task["taskArn"])
    session.sandbox.settle()
    session.sandbox.advance(200)
    assert len(container_instances(session)) == 1  # idle, but not for 300 s yet
    session.sandbox.advance(150)
    assert container_instances(session) == []
    assert ec2_instances(session) == [] and len(ec2_instances(session, "terminated")) == 1
    cluster = session.ecs.describe_clusters(clusters=["shop"])["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 0


def test_busy_instances_and_scale_in_off_stay(manual, mi) -> None:
    session = manual
    body = {**provider_body(mi), "infrastructureOptimization": {"scaleInAfter": -1}}
    create(session, mi, body=body)
    register(session)
    session.ecs.run_task(cluster="shop", taskDefinition="web", capacityProviderStrategy=ON_MI,
                         networkConfiguration=awsvpc(mi))  # fmt: skip
    session.sandbox.settle()
    session.sandbox.advance(4000)
    assert len(container_instances(session)) == 1 and len(ec2_instances(session)) == 1


def test_rules_refuse_a_bridge_task_definition_for_managed_instances(session) -> None:
    with pytest.raises(ClientError, match="networkMode"):
        session.ecs.register_task_definition(
            family="web", requiresCompatibilities=["MANAGED_INSTANCES"], networkMode="bridge",
            containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}],
        )  # fmt: skip
