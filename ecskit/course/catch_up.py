"""The state each chapter of the course leaves behind, rebuilt in one call.

`catch_up(3, session)` makes what chapters 00–02 built (the `course` cluster, the `web` task
definition and what it needs), so notebook 03 runs from a fresh kernel on its own. Every step
looks before it creates: calling it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..ops import ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS

ACCOUNT_REGISTRY = "{account}.dkr.ecr.{region}.amazonaws.com"

# The names the course uses, chapter after chapter.
CLUSTER = "course"
FAMILY = "web"
REPOSITORY = "my-app"
LOG_GROUP = "/ecs/web"
EXECUTION_ROLE = "ecsTaskExecutionRole"
TASK_ROLE = "webTaskRole"
VPC_NAME = "course"
VPC_CIDR = "10.0.0.0/16"
ALB_GROUP = "web-alb"
TASK_GROUP = "web-tasks"
LOAD_BALANCER = "web"
TARGET_GROUP = "web"
NAMESPACE = "course"
SERVICE = "web"
PUBLIC_SERVICE = "web-public"


@dataclass
class CaughtUp:
    """What `catch_up` found or made, chapter by chapter."""

    chapter: int
    done: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.done:
            return f"Ready for chapter {self.chapter:02d}: nothing to build before it."
        return f"Ready for chapter {self.chapter:02d}: " + ", ".join(self.done) + "."

    __repr__ = __str__


def account_id(session: Any) -> str:
    return str(session.sts.get_caller_identity()["Account"])


def image_uri(session: Any, tag: str = "1", repository: str = REPOSITORY) -> str:
    """The course app's ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com/my-app:1`."""
    registry = ACCOUNT_REGISTRY.format(account=account_id(session), region=session.region)
    return f"{registry}/{repository}:{tag}"


def push_image(session: Any, tag: str, repository: str = REPOSITORY) -> str:
    """Put an image tagged `tag` in the ECR repository, as `docker push` would; its URI.

    The sandbox runs no containers, so the image is a manifest without layers: enough for ECS to
    find `repository:tag` when a task starts (a missing tag stops the task, as on AWS).
    """
    ecr = session.ecr
    try:
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except ecr.exceptions.ImageNotFoundException:
        config = "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 0,
                "digest": config,
            },
            "layers": [],
        }
        ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)
    return image_uri(session, tag, repository)


def web_task_definition(session: Any, tag: str = "1") -> dict[str, Any]:
    """The body of RegisterTaskDefinition for the course's `web` family (chapter 02)."""
    role = f"arn:aws:iam::{account_id(session)}:role/"
    return {
        "family": FAMILY,
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        "executionRoleArn": role + EXECUTION_ROLE,
        "taskRoleArn": role + TASK_ROLE,
        "containerDefinitions": [
            {
                "name": "web",
                "image": image_uri(session, tag),
                "essential": True,
                "portMappings": [{"name": "http", "containerPort": 80, "protocol": "tcp"}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": LOG_GROUP,
                        "awslogs-region": session.region,
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    }


def _cluster_exists(session: Any, name: str) -> bool:
    clusters = session.ecs.describe_clusters(clusters=[name])["clusters"]
    return any(c["status"] == "ACTIVE" for c in clusters)


def _chapter_01(session: Any, done: list[str]) -> None:
    if not _cluster_exists(session, CLUSTER):
        session.ecs.create_cluster(
            clusterName=CLUSTER,
            capacityProviders=["FARGATE", "FARGATE_SPOT"],
            settings=[{"name": "containerInsights", "value": "enabled"}],
            tags=[{"key": "course", "value": "ecskit"}],
        )
    done.append(f"cluster {CLUSTER}")


def _role(session: Any, name: str, policy: dict[str, Any] | None) -> None:
    iam = session.iam
    try:
        iam.get_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST))
        if policy is not None:
            iam.put_role_policy(
                RoleName=name, PolicyName="task-execution", PolicyDocument=json.dumps(policy)
            )


def _chapter_02(session: Any, done: list[str]) -> None:
    ecr, logs = session.ecr, session.logs
    try:
        ecr.describe_repositories(repositoryNames=[REPOSITORY])
    except ecr.exceptions.RepositoryNotFoundException:
        ecr.create_repository(repositoryName=REPOSITORY)
    push_image(session, "1")
    groups = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    if not any(g["logGroupName"] == LOG_GROUP for g in groups):
        logs.create_log_group(logGroupName=LOG_GROUP)
    _role(session, EXECUTION_ROLE, EXECUTION_ROLE_RIGHTS)
    _role(session, TASK_ROLE, None)
    families = session.ecs.list_task_definitions(familyPrefix=FAMILY)["taskDefinitionArns"]
    if not any(arn.rsplit("/", 1)[1].split(":")[0] == FAMILY for arn in families):
        session.ecs.register_task_definition(**web_task_definition(session))
    done.extend(
        [
            f"repository {REPOSITORY}",
            f"log group {LOG_GROUP}",
            f"roles {EXECUTION_ROLE} and {TASK_ROLE}",
            f"task definition {FAMILY}:1",
        ]
    )


def default_network(session: Any) -> dict[str, Any]:
    """awsvpc settings on the default VPC (chapter 03): two default subnets, the default group."""
    ec2 = session.ec2
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    vpc_id = subnets["Subnets"][0]["VpcId"]
    group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    # the first two zones: the same subnets on every run
    by_zone = sorted(subnets["Subnets"], key=lambda s: s["AvailabilityZone"])
    chosen = [s["SubnetId"] for s in by_zone[:2]]
    return {
        "awsvpcConfiguration": {
            "subnets": chosen,
            "securityGroups": [group],
            "assignPublicIp": "ENABLED",
        }
    }


def settle(session: Any) -> None:
    """Let the sandbox's scheduler finish what it started (nothing on other backends)."""
    sandbox = getattr(session, "sandbox", None)
    if sandbox is not None and hasattr(sandbox, "settle"):
        sandbox.settle()


def _chapter_03(session: Any, done: list[str]) -> None:
    ecs = session.ecs
    services = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"]
    if not any(s["status"] == "ACTIVE" for s in services):
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=SERVICE,
            taskDefinition=f"{FAMILY}:1",
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=default_network(session),
        )
    settle(session)
    done.append(f"service {SERVICE} (2 tasks)")


def course_vpc(session: Any) -> dict[str, Any] | None:
    """The course's VPC (tagged Name=course), or None before chapter 04."""
    vpcs = session.ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [VPC_NAME]}])["Vpcs"]
    return vpcs[0] if vpcs else None


def network(session: Any) -> dict[str, Any]:
    """The ids chapter 04 made: vpc, subnets, alb_group, task_group, load_balancer, target_group."""
    vpc = course_vpc(session)
    if vpc is None:
        raise LookupError("The course's network is not there yet: run catch_up(5, session).")
    vpc_id = vpc["VpcId"]
    only_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    subnets = session.ec2.describe_subnets(Filters=only_vpc)["Subnets"]
    groups = {
        g["GroupName"]: g["GroupId"]
        for g in session.ec2.describe_security_groups(Filters=only_vpc)["SecurityGroups"]
    }
    elb = session.elbv2
    return {
        "vpc": vpc_id,
        "subnets": sorted(s["SubnetId"] for s in subnets),
        "alb_group": groups.get(ALB_GROUP),
        "task_group": groups.get(TASK_GROUP),
        "load_balancer": elb.describe_load_balancers(Names=[LOAD_BALANCER])["LoadBalancers"][0][
            "LoadBalancerArn"
        ],
        "target_group": elb.describe_target_groups(Names=[TARGET_GROUP])["TargetGroups"][0][
            "TargetGroupArn"
        ],
    }


def public_service(subnets: list[str], task_group: str, target_group: str) -> dict[str, Any]:
    """The CreateService body of chapter 04's `web-public`: two tasks behind the load balancer."""
    return {
        "cluster": CLUSTER,
        "serviceName": PUBLIC_SERVICE,
        "taskDefinition": f"{FAMILY}:1",
        "desiredCount": 2,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": list(subnets),
                "securityGroups": [task_group],
                # public subnets: a task reaches ECR and CloudWatch Logs through the internet
                # gateway only with a public IP (chapter 04 shows the failure without it)
                "assignPublicIp": "ENABLED",
            }
        },
        "loadBalancers": [
            {"targetGroupArn": target_group, "containerName": "web", "containerPort": 80}
        ],
    }


def public_route(session: Any, vpc_id: str) -> str:
    """Make the VPC's subnets public: 0.0.0.0/0 to its internet gateway in the main route table
    (which every subnet without a table of its own uses); the route table's id.

    An internet gateway attached to a VPC carries nothing until a route points at it
    (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html)."""
    ec2 = session.ec2
    only_vpc = [{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
    gateways = ec2.describe_internet_gateways(Filters=only_vpc)["InternetGateways"]
    if gateways:
        gateway = gateways[0]["InternetGatewayId"]
    else:
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc_id)
    main = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]
    if not any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in main["Routes"]):
        ec2.create_route(
            RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
        )
    return str(main["RouteTableId"])


def _group(session: Any, vpc_id: str, name: str, description: str, rule: dict[str, Any]) -> str:
    ec2 = session.ec2
    found = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": [name]},
        ]
    )["SecurityGroups"]
    if found:
        return str(found[0]["GroupId"])
    group_id = str(
        ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc_id)["GroupId"]
    )
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[rule])
    return group_id


def _chapter_04(session: Any, done: list[str]) -> None:
    ec2, elb = session.ec2, session.elbv2
    vpc = course_vpc(session)
    if vpc is None:
        vpc = ec2.create_vpc(
            CidrBlock=VPC_CIDR,
            TagSpecifications=[
                {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": VPC_NAME}]}
            ],
        )["Vpc"]
        vpc_id = vpc["VpcId"]
        # awsvpc tasks get DNS names only in a VPC with DNS hostnames on.
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        zones = ec2.describe_availability_zones()["AvailabilityZones"][:2]
        for number, zone in enumerate(zones):
            ec2.create_subnet(
                VpcId=vpc_id, CidrBlock=f"10.0.{number}.0/24", AvailabilityZone=zone["ZoneName"]
            )
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc_id)
    vpc_id = vpc["VpcId"]
    public_route(session, vpc_id)
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    subnets = [s["SubnetId"] for s in sorted(found, key=lambda s: s["AvailabilityZone"])]
    alb_group = _group(
        session,
        vpc_id,
        ALB_GROUP,
        "HTTP from anywhere to the load balancer",
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    )
    _group(
        session,
        vpc_id,
        TASK_GROUP,
        "HTTP from the load balancer to the web tasks",
        {
            "IpProtocol": "tcp",
            "FromPort": 80,
            "ToPort": 80,
            "UserIdGroupPairs": [{"GroupId": alb_group}],
        },
    )
    try:
        balancer = elb.describe_load_balancers(Names=[LOAD_BALANCER])["LoadBalancers"][0]
    except elb.exceptions.LoadBalancerNotFoundException:
        balancer = elb.create_load_balancer(
            Name=LOAD_BALANCER, Subnets=subnets, SecurityGroups=[alb_group], Type="application"
        )["LoadBalancers"][0]
    try:
        target = elb.describe_target_groups(Names=[TARGET_GROUP])["TargetGroups"][0]
    except elb.exceptions.TargetGroupNotFoundException:
        # awsvpc tasks register by IP address, so the target type must be "ip".
        target = elb.create_target_group(
            Name=TARGET_GROUP, Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="ip"
        )["TargetGroups"][0]
    listeners = elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    if not listeners:
        elb.create_listener(
            LoadBalancerArn=balancer["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target["TargetGroupArn"]}],
        )
    task_group = _group(session, vpc_id, TASK_GROUP, "", {})
    services = session.ecs.describe_services(cluster=CLUSTER, services=[PUBLIC_SERVICE])
    body = public_service(subnets, task_group, target["TargetGroupArn"])
    active = [s for s in services["services"] if s["status"] == "ACTIVE"]
    if not active:
        session.ecs.create_service(**body)
    elif active[0].get("networkConfiguration") != body["networkConfiguration"]:
        # left by the chapter's broken first try (no public IP): the working network
        session.ecs.update_service(
            cluster=CLUSTER,
            service=PUBLIC_SERVICE,
            networkConfiguration=body["networkConfiguration"],
            forceNewDeployment=True,
        )
    settle(session)
    done.extend(
        [
            f"VPC {VPC_NAME} with 2 subnets",
            f"security groups {ALB_GROUP} and {TASK_GROUP}",
            f"load balancer {LOAD_BALANCER} forwarding to target group {TARGET_GROUP}",
            f"service {PUBLIC_SERVICE} behind it",
        ]
    )


def namespace_arn(session: Any, name: str) -> str | None:
    """The ARN of the Cloud Map namespace called `name`, or None."""
    pages = session.servicediscovery.get_paginator("list_namespaces").paginate()
    for page in pages:
        for namespace in page["Namespaces"]:
            if namespace["Name"] == name:
                return str(namespace["Arn"])
    return None


def _chapter_05(session: Any, done: list[str]) -> None:
    arn = namespace_arn(session, NAMESPACE)
    if arn is None:
        session.servicediscovery.create_http_namespace(
            Name=NAMESPACE, Description="The course's services"
        )
        arn = namespace_arn(session, NAMESPACE)
    session.ecs.update_cluster(cluster=CLUSTER, serviceConnectDefaults={"namespace": arn})
    done.append(f"namespace {NAMESPACE} (the default of cluster {CLUSTER})")


def _web_revisions(session: Any) -> set[int]:
    """The revision numbers of family web ever registered, ACTIVE or INACTIVE."""
    arns = []
    for status in ("ACTIVE", "INACTIVE"):
        listed = session.ecs.list_task_definitions(familyPrefix=FAMILY, status=status)
        arns += listed["taskDefinitionArns"]
    return {int(arn.rsplit(":", 1)[1]) for arn in arns}


def _run_on_web(session: Any, revision: int) -> None:
    """Point service web at web:<revision>, unless it runs it already."""
    service = session.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    if not service["taskDefinition"].endswith(f"/{FAMILY}:{revision}"):
        session.ecs.update_service(
            cluster=CLUSTER, service=SERVICE, taskDefinition=f"{FAMILY}:{revision}"
        )


def _chapter_06(session: Any, done: list[str]) -> None:
    ecs = session.ecs
    arns = ecs.list_task_definitions(familyPrefix=FAMILY, status="ACTIVE")["taskDefinitionArns"]
    push_image(session, "2")
    if 2 not in _web_revisions(session):
        ecs.register_task_definition(**web_task_definition(session, tag="2"))
    _run_on_web(session, 2)
    if any(arn.endswith(f"/{FAMILY}:1") for arn in arns):
        ecs.deregister_task_definition(taskDefinition=f"{FAMILY}:1")
    settle(session)
    done.append(f"{FAMILY}:2 deployed to service {SERVICE}, {FAMILY}:1 deregistered")


def _chapter_07(session: Any, done: list[str]) -> None:
    # Chapter 07 rolls service web forward to web:3 (my-app:3); the rest of what it builds
    # (web-live, its target groups, web:4 to web:7) no later chapter uses.
    ecs = session.ecs
    push_image(session, "3")
    if 3 not in _web_revisions(session):
        ecs.register_task_definition(**web_task_definition(session, tag="3"))
    _run_on_web(session, 3)
    settle(session)
    done.append(f"{FAMILY}:3 deployed to service {SERVICE}")


# chapter number -> the step that builds what that chapter leaves behind
STEPS: dict[int, Callable[[Any, list[str]], None]] = {
    1: _chapter_01,
    2: _chapter_02,
    3: _chapter_03,
    4: _chapter_04,
    5: _chapter_05,
    6: _chapter_06,
    7: _chapter_07,
}
CHAPTERS = tuple(range(12))


def chapter_number(chapter: int | str) -> int:
    """3, "3", "03" and "03-tasks-and-services" all name chapter 3."""
    text = str(chapter).strip()
    head = text.split("-", 1)[0]
    if not head.isdigit() or int(head) not in CHAPTERS:
        raise ValueError(
            f"chapter={chapter!r} is not a chapter of the course: use a number from 0 to "
            f"{CHAPTERS[-1]}, like catch_up(3, session) before notebook 03."
        )
    return int(head)


def catch_up(chapter: int | str, session: Any) -> CaughtUp:
    """Build (or find) what the chapters before `chapter` leave, on `session`'s backend."""
    number = chapter_number(chapter)
    if getattr(session, "backend", "sandbox") == "aws" or getattr(session, "read_only", False):
        # The course's resources belong in the sandbox: never build them in a real account.
        raise ValueError(
            f"catch_up builds the course's resources, and this session is {session!r}: "
            "use the sandbox, session = ecskit.connect()."
        )
    caught = CaughtUp(number)
    for step_chapter, step in STEPS.items():
        if step_chapter < number:
            step(session, caught.done)
    return caught
