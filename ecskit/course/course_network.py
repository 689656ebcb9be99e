"""Chapter 04's network, rebuilt by `catch_up`: the course VPC with public subnets, the load
balancer's and the tasks' security groups, the load balancer, its target group and `web-public`.
`network(session)` reads back the ids later chapters use."""

from __future__ import annotations

from typing import Any

from .basics import (
    ALB_GROUP,
    CLUSTER,
    FAMILY,
    LOAD_BALANCER,
    PUBLIC_SERVICE,
    TARGET_GROUP,
    TASK_GROUP,
    VPC_CIDR,
    VPC_NAME,
    settle,
)


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


def build(session: Any, done: list[str]) -> None:
    """Chapter 04's network: the course VPC, its groups, load balancer and web-public."""
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
