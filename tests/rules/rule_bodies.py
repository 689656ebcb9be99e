"""Valid request bodies the rule tests start from, and how to break them one field at a time."""

from __future__ import annotations

import copy
import re
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc"
DELETE = object()


def fargate_task_definition() -> dict[str, Any]:
    return {
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": ROLE,
        "containerDefinitions": [
            {
                "name": "web",
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "essential": True,
                "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
                "environment": [{"name": "MODE", "value": "prod"}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    }


def ec2_task_definition() -> dict[str, Any]:
    return {
        "family": "worker",
        "requiresCompatibilities": ["EC2"],
        "networkMode": "bridge",
        "containerDefinitions": [
            {
                "name": "app",
                "image": "public.ecr.aws/docker/library/httpd:2.4",
                "memory": 256,
                "memoryReservation": 128,
                "cpu": 128,
                "portMappings": [{"containerPort": 8080, "hostPort": 0}],
                "healthCheck": {
                    "command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                    "interval": 30,
                    "timeout": 5,
                    "retries": 3,
                    "startPeriod": 10,
                },
                "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
            },
            {
                "name": "sidecar",
                "image": "busybox",
                "memory": 64,
                "essential": False,
                "links": ["app:backend"],
                "dependsOn": [{"containerName": "app", "condition": "HEALTHY"}],
                "volumesFrom": [{"sourceContainer": "app"}],
                "logConfiguration": {"logDriver": "json-file"},
            },
        ],
        "volumes": [{"name": "data", "host": {"sourcePath": "/srv/data"}}],
    }


def cluster() -> dict[str, Any]:
    return {
        "clusterName": "demo",
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
        "settings": [{"name": "containerInsights", "value": "enabled"}],
        "serviceConnectDefaults": {"namespace": "demo"},
    }


def service() -> dict[str, Any]:
    return {
        "cluster": "demo",
        "serviceName": "web",
        "taskDefinition": "web:1",
        "desiredCount": 2,
        "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-0123"],
                "securityGroups": ["sg-0123"],
                "assignPublicIp": "ENABLED",
            }
        },
        "loadBalancers": [
            {"targetGroupArn": TARGET_GROUP, "containerName": "web", "containerPort": 80}
        ],
        "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100},
    }


ALTERNATE_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/def"
LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"
RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/3"
INFRASTRUCTURE_ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:check"


def blue_green_service() -> dict[str, Any]:
    """service() deployed blue/green behind its ALB, with a PAUSE and a Lambda hook."""
    body = service()
    body["loadBalancers"][0]["advancedConfiguration"] = {
        "alternateTargetGroupArn": ALTERNATE_GROUP,
        "productionListenerRule": RULE,
        "testListenerRule": LISTENER,
        "roleArn": INFRASTRUCTURE_ROLE,
    }
    body["deploymentController"] = {"type": "ECS"}
    body["deploymentConfiguration"].update(
        strategy="BLUE_GREEN",
        bakeTimeInMinutes=5,
        lifecycleHooks=[
            {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]},
            {
                "targetType": "AWS_LAMBDA",
                "hookTargetArn": FUNCTION,
                "roleArn": INFRASTRUCTURE_ROLE,
                "lifecycleStages": ["TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"],
                "timeoutConfiguration": {"timeoutInMinutes": 60, "action": "ROLLBACK"},
            },
        ],
    )
    return body


def update_service() -> dict[str, Any]:
    return {"cluster": "demo", "service": "web", "taskDefinition": "web:2", "desiredCount": 3}


def run_task() -> dict[str, Any]:
    return {
        "cluster": "demo",
        "taskDefinition": "web:1",
        "count": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}},
    }


def described(body: dict[str, Any]) -> dict[str, Any]:
    """A task definition as describe_task_definition answers it."""
    answer = copy.deepcopy(body)
    answer.update(
        taskDefinitionArn=f"arn:aws:ecs:us-east-1:123456789012:task-definition/{body['family']}:1",
        revision=1,
        status="ACTIVE",
        compatibilities=sorted({"EC2", *body.get("requiresCompatibilities", [])}),
    )
    return answer


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def change(body: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """A copy of `body` with each path ("a.b[0].c") set to its value, or deleted with DELETE."""
    result = copy.deepcopy(body)
    for path, value in edits.items():
        steps = [int(i) if i else name for name, i in _STEP.findall(path)]
        parent: Any = result
        for step in steps[:-1]:
            parent = parent[step]
        if value is DELETE:
            del parent[steps[-1]]
        elif isinstance(parent, list) and steps[-1] == len(parent):
            parent.append(value)
        else:
            parent[steps[-1]] = value
    return result
