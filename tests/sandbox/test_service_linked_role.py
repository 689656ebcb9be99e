"""The ECS service-linked role in the sandbox, as the developer guide describes it (#16).

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html:
AWSServiceRoleForECS, trusting ecs.amazonaws.com, with AmazonECSServiceRolePolicy; "When you
create a cluster or create or update a service ... Amazon ECS creates the service-linked role
for you." Only the boto3 API is used, so each test could run against a fresh AWS account.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

NAME = "AWSServiceRoleForECS"
PATH = "/aws-service-role/ecs.amazonaws.com/"
ARN = f"arn:aws:iam::123456789012:role{PATH}{NAME}"
POLICY = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"
FARGATE = {
    "family": "web",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "app", "image": "nginx", "essential": True}],
}
BRIDGE = {
    "family": "worker",
    "networkMode": "bridge",
    "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}],
}


def linked_roles(session: Any) -> list[dict[str, Any]]:
    return session.iam.list_roles(PathPrefix=PATH)["Roles"]


def fargate_service(session: Any, network: dict[str, Any], desired: int = 0) -> dict[str, Any]:
    """Service `web` of cluster `shop`, on Fargate (awsvpc)."""
    session.ecs.register_task_definition(**FARGATE)
    return session.ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition="web",
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration=network["config"],
    )["service"]


def trust(role: dict[str, Any]) -> dict[str, Any]:
    document = role["AssumeRolePolicyDocument"]
    return json.loads(document) if isinstance(document, str) else document


def test_a_new_account_has_none_until_its_first_cluster(bare_account) -> None:
    session = bare_account
    with pytest.raises(session.iam.exceptions.NoSuchEntityException):
        session.iam.get_role(RoleName=NAME)
    session.ecs.create_cluster(clusterName="shop")
    role = session.iam.get_role(RoleName=NAME)["Role"]
    assert (role["RoleName"], role["Path"], role["Arn"]) == (NAME, PATH, ARN)
    (statement,) = trust(role)["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "ecs.amazonaws.com"}
    assert statement["Action"] in ("sts:AssumeRole", ["sts:AssumeRole"])
    attached = session.iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonECSServiceRolePolicy", "PolicyArn": POLICY}]
    # the policy is AWS's own, with its document: ECS manages network interfaces with it
    policy = session.iam.get_policy(PolicyArn=POLICY)["Policy"]
    document = session.iam.get_policy_version(
        PolicyArn=POLICY, VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert "ec2:CreateNetworkInterface" in actions
    assert [r["RoleName"] for r in linked_roles(session)] == [NAME]


def test_once_per_account_whatever_makes_clusters_and_services(ecs_session, network) -> None:
    session = ecs_session
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    first = session.iam.get_role(RoleName=NAME)["Role"]["RoleId"]
    ecs.create_cluster(clusterName="shop")  # the existing cluster is returned
    ecs.create_cluster(clusterName="other")
    fargate_service(session, network, desired=1)
    ecs.update_service(cluster="shop", service="web", desiredCount=2)
    (role,) = linked_roles(session)
    assert (role["RoleName"], role["RoleId"]) == (NAME, first)
    assert len(session.iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]) == 1


def test_creating_or_updating_a_service_makes_it_again_once_deleted(ecs_session) -> None:
    session = ecs_session
    ecs, iam = session.ecs, session.iam
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(**BRIDGE)
    iam.delete_service_linked_role(RoleName=NAME)
    assert linked_roles(session) == []
    ecs.create_service(
        cluster="shop", serviceName="worker", taskDefinition="worker", desiredCount=0
    )
    assert [r["RoleName"] for r in linked_roles(session)] == [NAME]
    iam.delete_service_linked_role(RoleName=NAME)
    ecs.update_service(cluster="shop", service="worker", desiredCount=0)
    assert [r["RoleName"] for r in linked_roles(session)] == [NAME]
    attached = iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [POLICY]


def test_iam_makes_the_same_role_and_refuses_a_second(bare_account) -> None:
    """What tutorials run first: `aws iam create-service-linked-role --aws-service-name
    ecs.amazonaws.com` (moto alone names it AWSServiceRoleForecs)."""
    iam = bare_account.iam
    role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    assert (role["RoleName"], role["Arn"]) == (NAME, ARN)
    with pytest.raises(iam.exceptions.InvalidInputException) as refused:
        iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    assert f"Service role name {NAME} has been taken in this account" in str(refused.value)
    bare_account.ecs.create_cluster(clusterName="shop")  # ECS finds it made
    assert [r["RoleName"] for r in linked_roles(bare_account)] == [NAME]
    attached = iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [POLICY]


def test_services_that_use_it_name_it_in_role_arn(ecs_session, network) -> None:
    """CreateService's `role` documentation: the service-linked role "is required if your task
    definition uses the awsvpc network mode or if the service is configured to use service
    discovery, an external deployment controller, multiple target groups"; the AWS CLI's
    create-service examples show its ARN for Fargate and EXTERNAL services and no roleArn for an
    EC2 service without a load balancer."""
    session = ecs_session
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(**BRIDGE)
    fargate = fargate_service(session, network)
    plain = ecs.create_service(
        cluster="shop", serviceName="worker", taskDefinition="worker", desiredCount=0
    )["service"]
    external = ecs.create_service(
        cluster="shop",
        serviceName="outside",
        taskDefinition="worker",  # bridge: only the controller asks for the role
        desiredCount=0,
        deploymentController={"type": "EXTERNAL"},
    )["service"]
    assert fargate["roleArn"] == ARN
    assert "roleArn" not in plain
    assert external["roleArn"] == ARN
    described = ecs.describe_services(cluster="shop", services=["web", "worker", "outside"])
    assert {s["serviceName"]: s.get("roleArn") for s in described["services"]} == {
        "web": ARN,
        "worker": None,
        "outside": ARN,
    }
    # an update keeps what ECS decided at creation
    ecs.update_service(cluster="shop", service="web", desiredCount=1)
    ecs.update_service(cluster="shop", service="worker", desiredCount=0)
    described = ecs.describe_services(cluster="shop", services=["web", "worker"])
    assert [s.get("roleArn") for s in described["services"]] == [ARN, None]


def test_a_service_with_service_discovery_uses_it(ecs_session) -> None:
    session = ecs_session
    ecs, sd = session.ecs, session.servicediscovery
    vpc = session.ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    sd.create_private_dns_namespace(Name="shop.local", Vpc=vpc)
    namespace = sd.list_namespaces()["Namespaces"][0]["Id"]
    registry = sd.create_service(
        Name="worker",
        NamespaceId=namespace,
        DnsConfig={"DnsRecords": [{"Type": "SRV", "TTL": 60}]},
    )["Service"]["Arn"]
    ecs.create_cluster(clusterName="shop")
    body = {**BRIDGE, "containerDefinitions": [{**BRIDGE["containerDefinitions"][0]}]}
    body["containerDefinitions"][0]["portMappings"] = [{"containerPort": 80}]
    ecs.register_task_definition(**body)
    service = ecs.create_service(
        cluster="shop",
        serviceName="worker",
        taskDefinition="worker",
        desiredCount=0,
        serviceRegistries=[{"registryArn": registry, "containerName": "app", "containerPort": 80}],
    )["service"]
    assert service["roleArn"] == ARN


def test_a_role_given_for_a_load_balancer_is_named_by_its_arn(ecs_session) -> None:
    """CreateService's `role`: "The name or full Amazon Resource Name (ARN) of the IAM role
    that allows Amazon ECS to make calls to your load balancer"; DescribeServices answers the
    ARN (the AWS CLI's create-service example 4: "role": "ecsServiceRole" answers
    "roleArn": "arn:aws:iam::123456789012:role/ecsServiceRole")."""
    session = ecs_session
    ecs, elb, ec2 = session.ecs, session.elbv2, session.ec2
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.3.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    balancer = elb.create_load_balancer(Name="lb", Subnets=subnets)["LoadBalancers"][0]
    group = elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][
        0
    ]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    ecs.create_cluster(clusterName="shop")
    body = {**BRIDGE, "containerDefinitions": [{**BRIDGE["containerDefinitions"][0]}]}
    body["containerDefinitions"][0]["portMappings"] = [{"containerPort": 80}]
    ecs.register_task_definition(**body)
    balanced = {"targetGroupArn": group, "containerName": "app", "containerPort": 80}
    given = ecs.create_service(
        cluster="shop",
        serviceName="given",
        taskDefinition="worker",
        desiredCount=0,
        loadBalancers=[balanced],
        role="ecsServiceRole",
    )["service"]
    assert given["roleArn"] == "arn:aws:iam::123456789012:role/ecsServiceRole"
    # none given: "that role [the service-linked role] is used for your service"
    linked = ecs.create_service(
        cluster="shop",
        serviceName="linked",
        taskDefinition="worker",
        desiredCount=0,
        loadBalancers=[balanced],
    )["service"]
    assert linked["roleArn"] == ARN
    ecs.update_service(cluster="shop", service="given", desiredCount=0)
    (described,) = ecs.describe_services(cluster="shop", services=["given"])["services"]
    assert described["roleArn"] == "arn:aws:iam::123456789012:role/ecsServiceRole"
