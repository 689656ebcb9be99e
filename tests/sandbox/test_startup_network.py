"""A task whose start-up calls have no way out of its subnet stops with ECS's words; the three
good paths (internet gateway + public IP, NAT gateway, VPC endpoints) run."""

from __future__ import annotations

import json

import pytest

from ecskit.ops import ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS

ACCOUNT = "123456789012"
REGION = "us-east-1"
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
TIMEOUT = "dial tcp 52.94.0.10:443: i/o timeout"
PULL_NGINX = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve "
    'ref docker.io/library/nginx:latest: failed to do request: Head "https://registry-1.docker.io'
    f'/v2/library/nginx/manifests/latest": {TIMEOUT}'
)
ECR_AUTH = (
    "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull "
    "registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. "
    "Check your task network configuration. RequestError: send request failed caused by: Post "
    f'"https://api.ecr.{REGION}.amazonaws.com/": {TIMEOUT}'
)
# the trust and rights of the console's ecsTaskExecutionRole, as ecskit.ops makes it
TRUST, RIGHTS = ECS_TASKS_TRUST, EXECUTION_ROLE_RIGHTS


@pytest.fixture
def vpc(ecs_session, kit) -> dict:
    """A VPC with two subnets (a and b), an internet gateway attached but routed nowhere."""
    ec2 = ecs_session.ec2
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    group = ec2.create_security_group(GroupName="task", Description="task", VpcId=vpc_id)
    ecs_session.ecs.create_cluster(clusterName="shop")
    return {"id": vpc_id, "a": a, "b": b, "igw": igw, "group": group["GroupId"], "kit": kit}


def _table(ec2, vpc: dict, subnet: str, **route) -> str:
    table = ec2.create_route_table(VpcId=vpc["id"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    if route:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **route)
    return table


def _register(session, image: str = "nginx", **container) -> None:
    iam = session.iam
    role = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="exec", PolicyName="rights", PolicyDocument=json.dumps(RIGHTS))
    session.ecs.register_task_definition(
        family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", executionRoleArn=role["Role"]["Arn"],
        containerDefinitions=[{"name": "app", "image": image, **container}],
    )  # fmt: skip


def _run(session, vpc: dict, subnet: str, public: bool) -> dict:
    conf = {
        "subnets": [subnet],
        "securityGroups": [vpc["group"]],
        "assignPublicIp": "ENABLED" if public else "DISABLED",
    }
    return vpc["kit"].run_settled(session, {"awsvpcConfiguration": conf})


def _assert_failed(task: dict, reason: str) -> None:
    assert (task["lastStatus"], task["stopCode"]) == ("STOPPED", "TaskFailedToStart")
    assert task["stoppedReason"] == reason
    assert task["containers"][0]["reason"] == reason
    assert "startedAt" not in task


def _ecr_image(session) -> str:
    session.ecr.create_repository(repositoryName="app")
    manifest = {
        "schemaVersion": 2,
        "config": {},
        "layers": [],
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    }
    session.ecr.put_image(repositoryName="app", imageManifest=json.dumps(manifest), imageTag="1")
    return f"{ECR}/app:1"


def _endpoints(ec2, vpc: dict, table: str, *names: str) -> None:
    for name in names:
        service = f"com.amazonaws.{REGION}.{name}"
        if name == "s3":
            ec2.create_vpc_endpoint(
                VpcId=vpc["id"], ServiceName=service, VpcEndpointType="Gateway",
                RouteTableIds=[table],
            )  # fmt: skip
        else:
            ec2.create_vpc_endpoint(
                VpcId=vpc["id"], ServiceName=service, VpcEndpointType="Interface",
                SubnetIds=[vpc["a"]], SecurityGroupIds=[vpc["group"]], PrivateDnsEnabled=True,
            )  # fmt: skip


# -- the internet ------------------------------------------------------------------------------
def test_an_igw_in_the_vpc_but_no_route_to_it_stops_the_task(ecs_session, vpc) -> None:
    _register(ecs_session)
    _assert_failed(_run(ecs_session, vpc, vpc["a"], public=True), PULL_NGINX)


def test_a_route_to_the_igw_and_a_public_ip_runs(ecs_session, vpc) -> None:
    _table(ecs_session.ec2, vpc, vpc["a"], GatewayId=vpc["igw"])
    _register(ecs_session)
    assert _run(ecs_session, vpc, vpc["a"], public=True)["lastStatus"] == "RUNNING"


def test_a_public_subnet_without_a_public_ip_stops_the_task(ecs_session, vpc) -> None:
    _table(ecs_session.ec2, vpc, vpc["a"], GatewayId=vpc["igw"])
    _register(ecs_session)
    _assert_failed(_run(ecs_session, vpc, vpc["a"], public=False), PULL_NGINX)


def test_a_private_subnet_through_a_nat_gateway_runs(ecs_session, vpc) -> None:
    ec2 = ecs_session.ec2
    _table(ec2, vpc, vpc["a"], GatewayId=vpc["igw"])  # the NAT gateway's public subnet
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=vpc["a"], AllocationId=address)["NatGateway"]
    _table(ec2, vpc, vpc["b"], NatGatewayId=nat["NatGatewayId"])
    _register(ecs_session)
    assert _run(ecs_session, vpc, vpc["b"], public=False)["lastStatus"] == "RUNNING"


def test_a_nat_gateway_in_a_subnet_without_internet_does_not_help(ecs_session, vpc) -> None:
    ec2 = ecs_session.ec2
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=vpc["a"], AllocationId=address)["NatGateway"]
    _table(ec2, vpc, vpc["b"], NatGatewayId=nat["NatGatewayId"])
    _register(ecs_session)
    _assert_failed(_run(ecs_session, vpc, vpc["b"], public=False), PULL_NGINX)


def test_a_security_group_without_https_egress_stops_the_task(ecs_session, vpc) -> None:
    ec2 = ecs_session.ec2
    _table(ec2, vpc, vpc["a"], GatewayId=vpc["igw"])
    everything = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.revoke_security_group_egress(GroupId=vpc["group"], IpPermissions=everything)
    ec2.authorize_security_group_egress(
        GroupId=vpc["group"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )  # fmt: skip
    _register(ecs_session)
    _assert_failed(_run(ecs_session, vpc, vpc["a"], public=True), PULL_NGINX)


def test_the_default_vpc_runs_with_a_public_ip_and_not_without(ecs_session, kit) -> None:
    ec2 = ecs_session.ec2
    ecs_session.ecs.create_cluster(clusterName="shop")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    vpc = {"group": None, "kit": kit}
    default = subnet["Subnets"][0]
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]},
                 {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]  # fmt: skip
    vpc["group"] = groups[0]["GroupId"]
    _register(ecs_session)
    assert _run(ecs_session, vpc, default["SubnetId"], public=True)["lastStatus"] == "RUNNING"
    _assert_failed(_run(ecs_session, vpc, default["SubnetId"], public=False), PULL_NGINX)


# -- ECR through VPC endpoints -----------------------------------------------------------------
def test_an_ecr_image_with_no_route_fails_at_registry_auth(ecs_session, vpc) -> None:
    _register(ecs_session, _ecr_image(ecs_session))
    _assert_failed(_run(ecs_session, vpc, vpc["b"], public=False), ECR_AUTH)


def test_ecr_endpoints_and_the_s3_gateway_endpoint_run_a_private_task(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "ecr.dkr", "s3")
    _register(ecs_session, _ecr_image(ecs_session))
    assert _run(ecs_session, vpc, vpc["b"], public=False)["lastStatus"] == "RUNNING"


def test_without_the_ecr_dkr_endpoint_the_manifest_times_out(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "s3")
    image = _ecr_image(ecs_session)
    _register(ecs_session, image)
    _assert_failed(
        _run(ecs_session, vpc, vpc["b"], public=False),
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        f'resolve ref {image}: failed to do request: Head "https://{ECR}/v2/app/manifests/1": '
        f"{TIMEOUT}",
    )


def test_without_the_s3_gateway_endpoint_the_layers_time_out(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "ecr.dkr")
    image = _ecr_image(ecs_session)
    _register(ecs_session, image)
    task = _run(ecs_session, vpc, vpc["b"], public=False)
    _assert_failed(task, task["stoppedReason"])
    assert task["stoppedReason"].startswith("CannotPullContainerError: ref pull has been retried")
    assert f"prod-{REGION}-starport-layer-bucket.s3.{REGION}.amazonaws.com" in task["stoppedReason"]


def test_awslogs_without_a_logs_endpoint_stops_a_private_task(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "ecr.dkr", "s3")
    ecs_session.logs.create_log_group(logGroupName="/ecs/app")
    logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app",
            "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}}  # fmt: skip
    _register(ecs_session, _ecr_image(ecs_session), logConfiguration=logs)
    reason = "ResourceInitializationError: failed to validate logger args: : signal: killed"
    _assert_failed(_run(ecs_session, vpc, vpc["b"], public=False), reason)
    _endpoints(ecs_session.ec2, vpc, table, "logs")
    assert _run(ecs_session, vpc, vpc["b"], public=False)["lastStatus"] == "RUNNING"


def test_a_docker_hub_image_needs_the_internet_even_with_endpoints(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "ecr.dkr", "s3")
    _register(ecs_session)
    _assert_failed(_run(ecs_session, vpc, vpc["b"], public=False), PULL_NGINX)


def test_a_secret_with_no_route_to_secrets_manager_stops_the_task(ecs_session, vpc) -> None:
    table = _table(ecs_session.ec2, vpc, vpc["b"])
    _endpoints(ecs_session.ec2, vpc, table, "ecr.api", "ecr.dkr", "s3")
    arn = ecs_session.client("secretsmanager").create_secret(Name="db", SecretString="x")["ARN"]
    _register(ecs_session, _ecr_image(ecs_session), secrets=[{"name": "DB", "valueFrom": arn}])
    _assert_failed(
        _run(ecs_session, vpc, vpc["b"], public=False),
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to retrieve secret from asm: service call has been retried 5 "
        "time(s): RequestCanceled: request context canceled caused by: context deadline exceeded",
    )


# -- a service's view --------------------------------------------------------------------------
def test_a_service_without_a_way_out_reports_failing_tasks(ecs_session, vpc) -> None:
    _register(ecs_session)
    conf = {"subnets": [vpc["a"]], "securityGroups": [vpc["group"]], "assignPublicIp": "ENABLED"}
    ecs = ecs_session.ecs
    ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="app", desiredCount=2,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": conf},
    )  # fmt: skip
    ecs_session.sandbox.settle()
    service = ecs.describe_services(cluster="shop", services=["web"])["services"][0]
    assert service["runningCount"] == 0
    messages = [e["message"] for e in service["events"]]
    assert any("is unable to consistently start tasks successfully" in m for m in messages)
    stopped = ecs.list_tasks(cluster="shop", serviceName="web", desiredStatus="STOPPED")
    task = ecs.describe_tasks(cluster="shop", tasks=stopped["taskArns"][:1])["tasks"][0]
    _assert_failed(task, PULL_NGINX)


# -- EC2: the instance's network -----------------------------------------------------------------
def _fleet_task(session, vpc: dict, public_ip: bool) -> dict:
    """A one-instance Auto Scaling group in subnet a as cluster shop's capacity; a bridge task of
    busybox (Docker Hub) run on it: the settled task."""
    ec2, ecs, asg = session.ec2, session.ecs, session.autoscaling
    ec2.modify_subnet_attribute(SubnetId=vpc["a"], MapPublicIpOnLaunch={"Value": public_ip})
    data = {"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"}
    ec2.create_launch_template(LaunchTemplateName="ecs", LaunchTemplateData=data)
    asg.create_auto_scaling_group(
        AutoScalingGroupName="fleet", LaunchTemplate={"LaunchTemplateName": "ecs"},
        MinSize=1, MaxSize=1, VPCZoneIdentifier=vpc["a"],
    )  # fmt: skip
    arn = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="fleet", autoScalingGroupProvider={"autoScalingGroupArn": arn}
    )
    ecs.put_cluster_capacity_providers(
        cluster="shop", capacityProviders=["fleet"], defaultCapacityProviderStrategy=[]
    )
    vpc["kit"].ec2_definition(ecs, family="job")
    task = ecs.run_task(cluster="shop", taskDefinition="job", launchType="EC2")["tasks"][0]
    session.sandbox.settle()
    return ecs.describe_tasks(cluster="shop", tasks=[task["taskArn"]])["tasks"][0]


PULL_BUSYBOX = PULL_NGINX.replace("nginx", "busybox")


def test_an_ec2_instance_without_a_way_out_cannot_pull(ecs_session, vpc) -> None:
    _assert_failed(_fleet_task(ecs_session, vpc, public_ip=True), PULL_BUSYBOX)


def test_an_ec2_instance_in_a_public_subnet_pulls_only_with_a_public_ip(ecs_session, vpc) -> None:
    _table(ecs_session.ec2, vpc, vpc["a"], GatewayId=vpc["igw"])
    _assert_failed(_fleet_task(ecs_session, vpc, public_ip=False), PULL_BUSYBOX)


def test_an_ec2_instance_with_a_route_and_a_public_ip_runs_bridge_tasks(ecs_session, vpc) -> None:
    _table(ecs_session.ec2, vpc, vpc["a"], GatewayId=vpc["igw"])
    assert _fleet_task(ecs_session, vpc, public_ip=True)["lastStatus"] == "RUNNING"
