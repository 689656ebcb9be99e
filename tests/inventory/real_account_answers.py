"""A real-account-shaped account answered by a stand-in for boto3 clients (no sandbox): what
AWS answers that the sandbox does not — a Managed Instances provider that DescribeCapacityProviders
finds only with its cluster, an ECS Anywhere instance (`mi-…`, no EC2 instance), an Express
service with its managed resources, scaling targets of services in other clusters."""

from __future__ import annotations

from collections import Counter
from typing import Any

from botocore import xform_name

ACCOUNT = "123456789012"
ECS = f"arn:aws:ecs:eu-west-1:{ACCOUNT}"
ELB = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}"
CLUSTER = f"{ECS}:cluster/prod"
SERVICE = f"{ECS}:service/prod/api"
REVISION = f"{ECS}:service-revision/prod/api/4049204969209437645"
TASK_DEFINITION = f"{ECS}:task-definition/api:7"
TASK = f"{ECS}:task/prod/0b69d5c0d0874a9b8d1e1b6f0c3a1e2d"
ON_EC2 = f"{ECS}:container-instance/prod/3f7b0d3c1e5a4f6b9c8d7e6f5a4b3c2d"
ANYWHERE = f"{ECS}:container-instance/prod/9a8b7c6d5e4f4a3b2c1d0e9f8a7b6c5d"
PROVIDER = f"{ECS}:capacity-provider/mi-prod"
INFRA = f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRole"
PROFILE = f"arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole"
LB = "app/ecs-express-gateway-alb-1a2b3c/50dc6c495c0c9188"
RULE = f"{ELB}:listener-rule/{LB}/f2f7dc8efc522ab2/9683b2d02a6cabee"
GROUP = f"{ELB}:targetgroup/ecs-gateway-tg-1a2b3c4d5e6f/73e2d6bc24d8a067"
URL = "ap-0f1e2d3c4b5a69788796a5b4c3d2e1f0.ecs.eu-west-1.on.aws"
ALARM = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm"
HIGH = "TargetTracking-service/prod/api-AlarmHigh-5082429a-aa85-406c-b36b-c1f898bad85d"
DEPLOY = "api-deployment-errors-4f2a1b"

ANSWERS: dict[str, Any] = {
    "ListClusters": {"clusterArns": [CLUSTER]},
    "DescribeClusters": {"clusters": [{"clusterArn": CLUSTER, "clusterName": "prod",
                                       "status": "ACTIVE", "capacityProviders": ["mi-prod"]}]},
    "ListServices": {"serviceArns": [SERVICE]},
    "ListTasks": {"taskArns": [TASK]},
    "DescribeTaskDefinition": {"taskDefinition": {"taskDefinitionArn": TASK_DEFINITION,
                                                  "family": "api", "revision": 7,
                                                  "status": "ACTIVE"}},
    "DescribeServices": {"services": [{
        "serviceArn": SERVICE, "serviceName": "api", "clusterArn": CLUSTER, "status": "ACTIVE",
        "desiredCount": 1, "runningCount": 1, "taskDefinition": TASK_DEFINITION,
        "resourceManagementType": "ECS",
        "loadBalancers": [{"targetGroupArn": GROUP, "containerName": "Main", "containerPort": 80}],
        "deploymentConfiguration": {"alarms": {"alarmNames": [DEPLOY], "rollback": True,
                                               "enable": True}},
        "currentServiceRevisions": [{"arn": REVISION, "requestedTaskCount": 1,
                                     "runningTaskCount": 1, "pendingTaskCount": 0}],
    }]},
    "DescribeTasks": {"tasks": [{
        "taskArn": TASK, "clusterArn": CLUSTER, "taskDefinitionArn": TASK_DEFINITION,
        "lastStatus": "RUNNING", "desiredStatus": "RUNNING", "group": "service:api",
        "launchType": "MANAGED_INSTANCES", "capacityProviderName": "mi-prod",
        "containerInstanceArn": ON_EC2,
    }]},
    "ListContainerInstances": {"containerInstanceArns": [ON_EC2, ANYWHERE]},
    "DescribeContainerInstances": {"containerInstances": [
        {"containerInstanceArn": ON_EC2, "ec2InstanceId": "i-0a1b2c3d4e5f60718",
         "capacityProviderName": "mi-prod", "status": "ACTIVE", "runningTasksCount": 1},
        # ECS Anywhere: an SSM managed instance, no EC2 instance behind it
        {"containerInstanceArn": ANYWHERE, "ec2InstanceId": "mi-0123456789abcdef0",
         "status": "ACTIVE", "runningTasksCount": 0},
    ]},
    "DescribeExpressGatewayService": {"service": {
        "cluster": CLUSTER, "serviceName": "api", "serviceArn": SERVICE,
        "infrastructureRoleArn": INFRA, "status": {"statusCode": "ACTIVE"},
        "activeConfigurations": [{"serviceRevisionArn": REVISION,
                                  "ingressPaths": [{"accessType": "PUBLIC", "endpoint": URL}]}],
    }},
    "DescribeServiceRevisions": {"serviceRevisions": [{
        "serviceRevisionArn": REVISION, "serviceArn": SERVICE, "clusterArn": CLUSTER,
        "taskDefinition": TASK_DEFINITION,
        "ecsManagedResources": {
            "ingressPaths": [{"accessType": "PUBLIC", "endpoint": URL, "rule": {"arn": RULE},
                              "targetGroups": [{"arn": GROUP}]}],
            "metricAlarms": [{"arn": f"{ALARM}:{DEPLOY}"}],
        },
    }]},
    "DescribeScalableTargets": {"ScalableTargets": [
        {"ServiceNamespace": "ecs", "ResourceId": "service/prod/api",
         "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 20},
        {"ServiceNamespace": "ecs", "ResourceId": "service/staging/api",  # not in this snapshot
         "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 2},
    ]},
    "DescribeScalingPolicies": {"ScalingPolicies": [{
        "PolicyARN": f"arn:aws:autoscaling:eu-west-1:{ACCOUNT}:scalingPolicy:1:resource/ecs/"
                     "service/prod/api:policyName/apiECSServiceAverageCPUUtilization",
        "PolicyName": "apiECSServiceAverageCPUUtilization", "ServiceNamespace": "ecs",
        "ResourceId": "service/prod/api", "ScalableDimension": "ecs:service:DesiredCount",
        "PolicyType": "TargetTrackingScaling",
        "Alarms": [{"AlarmName": HIGH, "AlarmARN": f"{ALARM}:{HIGH}"}],
    }]},
    "DescribeAlarms": {"MetricAlarms": [
        {"AlarmName": HIGH, "AlarmArn": f"{ALARM}:{HIGH}",
         "StateValue": "OK", "MetricName": "CPUUtilization"},
        {"AlarmName": DEPLOY, "AlarmArn": f"{ALARM}:{DEPLOY}",
         "StateValue": "OK"},
    ]},
    "DescribeInstances": {"Reservations": [{"Instances": [{
        "InstanceId": "i-0a1b2c3d4e5f60718", "InstanceType": "m7a.large",
        "State": {"Name": "running"}, "SubnetId": "subnet-0aa11bb22cc33dd44"}]}]},
    "DescribeTargetGroups": {"TargetGroups": [{"TargetGroupArn": GROUP,
                                               "TargetGroupName": "ecs-gateway-tg-1a2b3c4d5e6f"}]},
}  # fmt: skip


def provider_answer(params: dict[str, Any]) -> dict[str, Any]:
    """Found only when asked with its cluster, as a Managed Instances provider is."""
    if params.get("cluster") != CLUSTER:
        return {"capacityProviders": [], "failures": [{"arn": "mi-prod", "reason": "MISSING"}]}
    return {"capacityProviders": [{
        "capacityProviderArn": PROVIDER, "name": "mi-prod", "cluster": "prod",
        "status": "ACTIVE", "type": "MANAGED_INSTANCES",
        "managedInstancesProvider": {"infrastructureRoleArn": INFRA, "instanceLaunchTemplate": {
            "ec2InstanceProfileArn": PROFILE,
            "networkConfiguration": {"subnets": ["subnet-0aa11bb22cc33dd44"],
                                     "securityGroups": ["sg-0123abcd4567ef890"]}}},
    }], "failures": []}  # fmt: skip


class Client:
    """Answers an operation from ANSWERS (an empty answer otherwise), one page per list."""

    def __init__(self, calls: Counter[str]) -> None:
        self.calls = calls
        self.names = {xform_name(op): op for op in [*ANSWERS, "DescribeCapacityProviders"]}

    def answer(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        operation = self.names.get(name, name)
        self.calls[operation] += 1
        if operation == "DescribeCapacityProviders":
            return provider_answer(params)
        if operation == "ListTasks" and params.get("desiredStatus") == "STOPPED":
            return {"taskArns": []}
        return dict(ANSWERS.get(operation, {}))

    def get_paginator(self, name: str) -> Any:
        client = self

        class Paginator:
            def paginate(self, PaginationConfig: Any = None, **params: Any) -> Any:
                return iter([client.answer(name, params)])

        return Paginator()

    def __getattr__(self, name: str) -> Any:
        return lambda **params: self.answer(name, params)


class Session:
    """What `snapshot` needs of a session: its region and a client per service."""

    region = "eu-west-1"

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def client(self, service: str) -> Client:
        return Client(self.calls)
