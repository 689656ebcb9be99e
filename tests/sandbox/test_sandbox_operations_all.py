"""Every one of the ECS model's operations answers as ECS does: a result or an ECS error, never a
Python exception's text and never the sandbox's ServerException.

Each operation gets a minimal *valid* request (required members filled with plausible values)
against a small world: a cluster, a Fargate service, an EXTERNAL-controller service with a task
set, a task, a container instance, a capacity provider. Destructive calls aim at spare resources
so later calls still find theirs.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import botocore.session
from botocore import xform_name

PYTHON_ERRORS = ("NotImplementedError", "KeyError", "AttributeError", "TypeError", "Traceback")


def build_world(session: Any) -> dict[str, Any]:
    """The resources the minimal requests name; each step may fail (the table still runs)."""
    ecs, ec2 = session.ecs, session.ec2
    w: dict[str, Any] = {"problems": []}

    def step(name: str, make: Any) -> Any:
        try:
            return make()
        except botocore.exceptions.ClientError as exc:
            w["problems"].append(f"{name}: {exc}")
            return None

    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    w["network"] = {"awsvpcConfiguration": {"subnets": [subnet]}}
    for name in ("shop", "spare"):
        ecs.create_cluster(clusterName=name)
    w["cluster"] = ecs.describe_clusters(clusters=["shop"])["clusters"][0]["clusterArn"]
    td = {
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{"name": "web", "image": "nginx"}],
    }
    for _ in range(3):
        ecs.register_task_definition(family="web", **td)
    ecs.deregister_task_definition(taskDefinition="web:1")
    worker = [{"name": "worker", "image": "busybox", "memory": 128}]
    ecs.register_task_definition(family="worker", containerDefinitions=worker)
    w["td"] = "web:3"
    service = {"cluster": "shop", "taskDefinition": "web:3", "networkConfiguration": w["network"]}
    made = ecs.create_service(serviceName="web", desiredCount=1, launchType="FARGATE", **service)
    w["service"] = made["service"]["serviceArn"]
    ecs.create_service(serviceName="old", desiredCount=0, launchType="FARGATE", **service)
    ecs.create_service(
        serviceName="ext", desiredCount=1, deploymentController={"type": "EXTERNAL"}, **service
    )
    for ts in ("ts1", "ts2"):
        made = step(
            f"CreateTaskSet {ts}",
            lambda ts=ts: ecs.create_task_set(
                cluster="shop",
                service="ext",
                taskDefinition="web:3",
                externalId=ts,
                launchType="FARGATE",
                networkConfiguration=w["network"],
            ),
        )
        w[ts] = made["taskSet"]["taskSetArn"] if made else "ecs-svc/1234567890123456789"
    ran = ecs.run_task(
        cluster="shop", taskDefinition="web:3", launchType="FARGATE",
        networkConfiguration=w["network"],
    )  # fmt: skip
    w["task"] = ran["tasks"][0]["taskArn"]
    for name in ("ci", "ci_spare"):
        doc = json.dumps({"instanceId": f"mi-0123456789abcde{len(name)}", "region": "us-east-1"})
        made = ecs.register_container_instance(cluster="shop", instanceIdentityDocument=doc)
        w[name] = made["containerInstance"]["containerInstanceArn"]
    for name in ("cp", "cp_spare"):
        asg = {"autoScalingGroupArn": _auto_scaling_group(session, f"asg_{name}")}
        made = ecs.create_capacity_provider(name=name, autoScalingGroupProvider=asg)
        w[name] = made["capacityProvider"]["capacityProviderArn"]
    return w


def _auto_scaling_group(session: Any, name: str) -> str:
    session.ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.medium"},
    )
    subnet = session.ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    session.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": name},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    group = session.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return group["AutoScalingGroups"][0]["AutoScalingGroupARN"]


ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
FAKE = "arn:aws:ecs:us-east-1:123456789012"


def minimal_requests(w: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Operation -> the keyword arguments of a minimal valid request in world `w`."""
    asg = {"autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:"
           "00000000-0000-0000-0000-000000000000:autoScalingGroupName/other"}  # fmt: skip
    container = [{"name": "web", "image": "nginx", "memory": 128}]
    daemon = f"{FAKE}:daemon/shop/d1"
    gateway = f"{FAKE}:gateway/g1"
    deployment = f"{FAKE}:service-deployment/shop/web/abc"
    return {
        "AssociateGatewayWithCluster": {"gateway": gateway, "cluster": "shop"},
        "ContinueServiceDeployment": {"serviceDeploymentArn": deployment, "hookId": "h1"},
        "CreateCapacityProvider": {"name": "cp_new", "autoScalingGroupProvider": asg},
        "CreateCluster": {"clusterName": "new"},
        "CreateDaemon": {
            "daemonName": "d1",
            "daemonTaskDefinitionArn": f"{FAKE}:daemon-task-definition/d:1",
            "capacityProviderArns": [w["cp"]],
        },
        "CreateExpressGatewayService": {"infrastructureRoleArn": ROLE},
        "CreateGateway": {"name": "g1", "infrastructureRoleArn": ROLE,
                          "configuration": {"hostSharedAlb": {}}},
        "CreateService": {"serviceName": "new", "cluster": "shop", "taskDefinition": w["td"],
                          "desiredCount": 0,
                          "launchType": "FARGATE", "networkConfiguration": w["network"]},
        "CreateTaskSet": {"cluster": "shop", "service": "ext", "taskDefinition": w["td"],
                          "launchType": "FARGATE", "networkConfiguration": w["network"]},
        "DeleteAccountSetting": {"name": "containerInsights"},
        "DeleteAttributes": {"cluster": "shop",
                             "attributes": [{"name": "stack", "targetId": w["ci"]}]},
        "DeleteCapacityProvider": {"capacityProvider": "cp_spare"},
        "DeleteCluster": {"cluster": "spare"},
        "DeleteDaemon": {"daemonArn": daemon},
        "DeleteDaemonTaskDefinition": {"daemonTaskDefinition": "d:1"},
        "DeleteExpressGatewayService": {"serviceArn": f"{FAKE}:service/shop/express"},
        "DeleteGateway": {"gateway": gateway},
        "DeleteService": {"cluster": "shop", "service": "old"},
        "DeleteTaskDefinitions": {"taskDefinitions": ["web:1"]},
        "DeleteTaskSet": {"cluster": "shop", "service": "ext", "taskSet": w["ts2"],
                          "force": True},
        "DeregisterContainerInstance": {"cluster": "shop", "containerInstance": w["ci_spare"]},
        "DeregisterTaskDefinition": {"taskDefinition": "web:2"},
        "DescribeCapacityProviders": {},
        "DescribeClusters": {"clusters": ["shop"]},
        "DescribeContainerInstances": {"cluster": "shop", "containerInstances": [w["ci"]]},
        "DescribeDaemon": {"daemonArn": daemon},
        "DescribeDaemonDeployments": {"daemonDeploymentArns": [f"{daemon}/dep"]},
        "DescribeDaemonRevisions": {"daemonRevisionArns": [f"{daemon}/rev"]},
        "DescribeDaemonTaskDefinition": {"daemonTaskDefinition": "d:1"},
        "DescribeExpressGatewayService": {"serviceArn": f"{FAKE}:service/shop/express"},
        "DescribeGateway": {"gateway": gateway},
        "DescribeGatewayResources": {"gateway": gateway},
        "DescribeGatewayRoute": {"gatewayRouteArn": f"{gateway}/route/r1"},
        "DescribeServiceDeployments": {"serviceDeploymentArns": [deployment]},
        "DescribeServiceRevisions": {"serviceRevisionArns": [f"{FAKE}:service-revision/x/y/1"]},
        "DescribeServices": {"cluster": "shop", "services": ["web"]},
        "DescribeTaskDefinition": {"taskDefinition": w["td"]},
        "DescribeTaskSets": {"cluster": "shop", "service": "ext"},
        "DescribeTasks": {"cluster": "shop", "tasks": [w["task"]]},
        "DisassociateGatewayFromCluster": {"gateway": gateway, "cluster": "shop"},
        "DiscoverPollEndpoint": {"cluster": "shop", "containerInstance": w["ci"]},
        "ExecuteCommand": {"cluster": "shop", "task": w["task"], "command": "/bin/sh",
                           "interactive": True},
        "GetTaskProtection": {"cluster": "shop"},
        "ListAccountSettings": {},
        "ListAttributes": {"cluster": "shop", "targetType": "container-instance"},
        "ListClusters": {},
        "ListContainerInstances": {"cluster": "shop"},
        "ListDaemonDeployments": {"daemonArn": daemon},
        "ListDaemonTaskDefinitions": {},
        "ListDaemons": {},
        "ListGatewayClusterAssociations": {},
        "ListGatewayRoutes": {},
        "ListGateways": {},
        "ListServiceDeployments": {"cluster": "shop", "service": "web"},
        "ListServices": {"cluster": "shop"},
        "ListServicesByNamespace": {"namespace": "local"},
        "ListTagsForResource": {"resourceArn": w["cluster"]},
        "ListTaskDefinitionFamilies": {},
        "ListTaskDefinitions": {},
        "ListTasks": {"cluster": "shop"},
        "PutAccountSetting": {"name": "containerInsights", "value": "enabled"},
        "PutAccountSettingDefault": {"name": "containerInsights", "value": "enabled"},
        "PutAttributes": {"cluster": "shop",
                          "attributes": [{"name": "stack", "value": "prod", "targetId": w["ci"]}]},
        "PutClusterCapacityProviders": {"cluster": "shop", "capacityProviders": ["FARGATE"],
                                        "defaultCapacityProviderStrategy": []},
        "RegisterContainerInstance": {"cluster": "shop", "instanceIdentityDocument": json.dumps(
            {"instanceId": "mi-0123456789abcdef0", "region": "us-east-1"})},
        "RegisterDaemonTaskDefinition": {"family": "d", "containerDefinitions": container},
        "RegisterTaskDefinition": {"family": "other", "containerDefinitions": container},
        "RunTask": {"cluster": "shop", "taskDefinition": w["td"], "launchType": "FARGATE",
                    "networkConfiguration": w["network"]},
        "StartTask": {"cluster": "shop", "containerInstances": [w["ci"]],
                      "taskDefinition": "worker"},
        "StopServiceDeployment": {"serviceDeploymentArn": deployment},
        "StopTask": {"cluster": "shop", "task": w["task"]},
        "SubmitAttachmentStateChanges": {"cluster": "shop", "attachments": []},
        "SubmitContainerStateChange": {"cluster": "shop", "task": w["task"]},
        "SubmitTaskStateChange": {"cluster": "shop", "task": w["task"]},
        "TagResource": {"resourceArn": w["cluster"], "tags": [{"key": "team", "value": "a"}]},
        "UntagResource": {"resourceArn": w["cluster"], "tagKeys": ["team"]},
        "UpdateCapacityProvider": {"name": "cp", "autoScalingGroupProvider": {
            "managedScaling": {"status": "ENABLED", "targetCapacity": 90}}},
        "UpdateCluster": {"cluster": "shop", "settings": [
            {"name": "containerInsights", "value": "enabled"}]},
        "UpdateClusterSettings": {"cluster": "shop", "settings": [
            {"name": "containerInsights", "value": "enhanced"}]},
        "UpdateContainerAgent": {"cluster": "shop", "containerInstance": w["ci"]},
        "UpdateContainerInstancesState": {"cluster": "shop", "containerInstances": [w["ci"]],
                                          "status": "DRAINING"},
        "UpdateDaemon": {"daemonArn": daemon, "daemonTaskDefinitionArn": "d:1",
                         "capacityProviderArns": [w["cp"]]},
        "UpdateExpressGatewayService": {"serviceArn": f"{FAKE}:service/shop/express"},
        "UpdateGateway": {"gateway": gateway},
        "UpdateService": {"cluster": "shop", "service": "web", "desiredCount": 2},
        "UpdateServicePrimaryTaskSet": {"cluster": "shop", "service": "ext",
                                        "primaryTaskSet": w["ts1"]},
        "UpdateTaskProtection": {"cluster": "shop", "tasks": [w["task"]],
                                 "protectionEnabled": True},
        "UpdateTaskSet": {"cluster": "shop", "service": "ext", "taskSet": w["ts1"],
                          "scale": {"value": 50, "unit": "PERCENT"}},
    }  # fmt: skip


def answer_class(client: Any, operation: str, kwargs: dict[str, Any]) -> tuple[str, str]:
    """'OK' or the error code, and the error message ('' for OK)."""
    method = getattr(client, xform_name(operation))
    try:
        method(**kwargs)
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        return error.get("Code", "?"), error.get("Message", "")
    except botocore.exceptions.ParamValidationError as exc:
        return "ParamValidationError", str(exc)
    return "OK", ""


def model_operations() -> list[str]:
    return list(botocore.session.Session().get_service_model("ecs").operation_names)


def test_the_table_names_every_operation_of_the_model() -> None:
    assert sorted(minimal_requests({k: "x" for k in _WORLD_KEYS})) == sorted(model_operations())


_WORLD_KEYS = ("cluster", "td", "network", "service", "ts1", "ts2", "task", "ci", "ci_spare",
               "cp", "cp_spare")  # fmt: skip


def test_every_operation_answers_as_ecs(ecs_session) -> None:
    world = build_world(ecs_session)
    assert world["problems"] == []
    requests = minimal_requests(world)
    crashes = {}
    for operation in model_operations():
        code, message = answer_class(ecs_session.ecs, operation, requests[operation])
        if code == "ServerException" or any(name in message for name in PYTHON_ERRORS):
            crashes[operation] = f"{code}: {message}"
    assert crashes == {}
