"""A known account on the sandbox: every resource of the seed's list, linked as ECS links them.

`build(session)` creates it and returns the ids and ARNs the tests compare against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecskit.inventory import Inventory, snapshot

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "*"}],
    }
)
SECRET_VALUE = "hunter2-never-drawn"
MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


@dataclass
class Account:
    """What `build` made: the ids and ARNs to expect."""

    cluster: str = ""
    other_cluster: str = ""
    service: str = ""
    revisions: list[str] = field(default_factory=list)
    task_role: str = ""
    execution_role: str = ""
    service_linked_role: str = ""
    policy: str = ""
    repository: str = ""
    image: str = ""
    log_group: str = "/ecs/web"
    vpc: str = ""
    subnets: list[str] = field(default_factory=list)
    security_group: str = ""
    load_balancer: str = ""
    target_group: str = ""
    namespace: str = ""
    namespace_arn: str = ""
    registry: str = ""
    service_tasks: list[str] = field(default_factory=list)
    standalone_task: str = ""
    stopped_task: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def build(session: Any) -> Account:
    iam, ec2, ecs, sd, elb = (
        session.iam,
        session.ec2,
        session.ecs,
        session.servicediscovery,
        session.elbv2,
    )
    a = Account()
    a.task_role = iam.create_role(RoleName="web-task", AssumeRolePolicyDocument=TRUST)["Role"][
        "Arn"
    ]
    a.execution_role = iam.create_role(RoleName="web-exec", AssumeRolePolicyDocument=TRUST)["Role"][
        "Arn"
    ]
    a.policy = iam.create_policy(PolicyName="write-logs", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="web-exec", PolicyArn=a.policy)
    iam.put_role_policy(RoleName="web-task", PolicyName="read-bucket", PolicyDocument=POLICY)
    a.service_linked_role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")[
        "Role"
    ]["Arn"]

    repo = session.ecr.create_repository(repositoryName="my-app")["repository"]
    a.repository = repo["repositoryArn"]
    a.image = f"{repo['repositoryUri']}:36"
    # the image must be in the repository, or the sandbox's tasks cannot pull it
    manifest = {"schemaVersion": 2, "mediaType": MANIFEST, "config": {}, "layers": []}
    session.ecr.put_image(
        repositoryName="my-app", imageManifest=json.dumps(manifest), imageTag="36"
    )
    session.logs.create_log_group(logGroupName=a.log_group)

    a.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=a.vpc, EnableDnsHostnames={"Value": True})
    for cidr, zone in (("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")):
        subnet = ec2.create_subnet(VpcId=a.vpc, CidrBlock=cidr, AvailabilityZone=zone)
        a.subnets.append(subnet["Subnet"]["SubnetId"])
    a.security_group = ec2.create_security_group(GroupName="web", Description="web", VpcId=a.vpc)[
        "GroupId"
    ]
    a.load_balancer = elb.create_load_balancer(
        Name="web-lb", Subnets=a.subnets, SecurityGroups=[a.security_group]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    a.target_group = elb.create_target_group(
        Name="web-tg", Protocol="HTTP", Port=80, VpcId=a.vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=a.load_balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": a.target_group}],
    )
    sd.create_private_dns_namespace(Name="shop.local", Vpc=a.vpc)
    namespace = sd.list_namespaces()["Namespaces"][0]
    a.namespace, a.namespace_arn = namespace["Id"], namespace["Arn"]
    a.registry = sd.create_service(
        Name="web", NamespaceId=a.namespace, DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 60}]}
    )["Service"]["Arn"]

    a.cluster = ecs.create_cluster(clusterName="shop")["cluster"]["clusterArn"]
    a.other_cluster = ecs.create_cluster(clusterName="empty")["cluster"]["clusterArn"]
    body = {
        "family": "web",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "taskRoleArn": a.task_role,
        "executionRoleArn": a.execution_role,
        "containerDefinitions": [
            {
                "name": "app",
                "image": a.image,
                "essential": True,
                "memory": 512,
                "portMappings": [{"containerPort": 80}],
                "environment": [{"name": "DB_PASSWORD", "value": SECRET_VALUE}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": a.log_group,
                        "awslogs-region": session.region,
                        "awslogs-stream-prefix": "app",
                    },
                },
            }
        ],
    }
    for _ in range(2):
        a.revisions.append(
            ecs.register_task_definition(**body)["taskDefinition"]["taskDefinitionArn"]
        )
    ecs.deregister_task_definition(taskDefinition=a.revisions[0])
    network = {
        "awsvpcConfiguration": {
            "subnets": [a.subnets[0]],
            "securityGroups": [a.security_group],
            "assignPublicIp": "DISABLED",
        }
    }
    a.service = ecs.create_service(
        cluster="shop",
        serviceName="web",
        taskDefinition=a.revisions[1],
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=network,
        loadBalancers=[
            {"targetGroupArn": a.target_group, "containerName": "app", "containerPort": 80}
        ],
        serviceRegistries=[{"registryArn": a.registry}],
    )["service"]["serviceArn"]
    # Until the sandbox's scheduler starts service tasks, start them as the scheduler would.
    started = ecs.run_task(
        cluster="shop",
        taskDefinition=a.revisions[1],
        count=2,
        launchType="FARGATE",
        startedBy="ecs-svc/1",
        group="service:web",
        networkConfiguration=network,
    )["tasks"]
    existing = ecs.list_tasks(cluster="shop", serviceName="web")["taskArns"]
    a.service_tasks = sorted({t["taskArn"] for t in started} | set(existing))
    standalone = ecs.run_task(
        cluster="shop",
        taskDefinition=a.revisions[1],
        count=2,
        launchType="FARGATE",
        networkConfiguration=network,
    )["tasks"]
    a.standalone_task = standalone[0]["taskArn"]
    a.stopped_task = standalone[1]["taskArn"]
    ecs.stop_task(cluster="shop", task=a.stopped_task, reason="test")
    return a


@pytest.fixture
def account(session: Any) -> Account:
    """The known account on a sandbox emptied for this test (for tests that change it)."""
    return build(session)


@pytest.fixture(scope="module")
def known(sandbox_session: Any) -> tuple[Account, Inventory]:
    """The known account and one snapshot of it, shared by a module's read-only tests."""
    sandbox_session.sandbox.reset()
    account = build(sandbox_session)
    return account, snapshot(sandbox_session)
