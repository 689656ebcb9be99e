"""An Express service's configuration, and the ECS bodies made from it: the task definition,
the service, and what Update changes.

Defaults (model = botocore's ECS model docstrings; GUIDE = the express-service-work page,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html):
- cpu 256 and memory 512 (model, CreateExpressGatewayServiceRequest; the GUIDE says 1024 and
  2048: the sandbox follows the API reference), health check path /ping (model; the GUIDE's
  target group says "/"), containerPort 80, architecture X86_64, LINUX, awsvpc, FARGATE;
- the container: name "Main", essential, tcp, versionConsistency enabled, initProcessEnabled,
  stopTimeout 30; awslogs to "/aws/ecs/<cluster>/<name>-####", stream prefix "ecs", mode
  non-blocking, max-buffer-size 25m (GUIDE);
- the service: desiredCount = minTaskCount, capacity provider FARGATE (base 1, weight 1),
  platform LATEST, canary deployment, availabilityZoneRebalancing on, ECS managed tags,
  propagateTags SERVICE, healthCheckGracePeriodSeconds 300, REPLICA (GUIDE); the canary: 5 %
  of traffic, 3 minutes' bake, then 100 %, 3 minutes' bake before the old tasks stop, and
  rollback on the deployment alarm (express-service-update-full page).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from . import express_resources as made
from . import express_scaling as scale
from .express_wire import MotoClient

DEFAULT_CLUSTER = {"clusterName": "default", "capacityProviders": ["FARGATE"]}
MAIN = "Main"
CANARY = {
    "strategy": "CANARY",
    "canaryConfiguration": {"canaryPercent": 5.0, "canaryBakeTimeInMinutes": 3},
    "bakeTimeInMinutes": 3,
}
# The Update fields that change the task definition (a new revision).
TASK_FIELDS = ("primaryContainer", "cpu", "memory", "cpuArchitecture", "executionRoleArn",
               "taskRoleArn")  # fmt: skip


def first_configuration(body: dict[str, Any]) -> dict[str, Any]:
    """ExpressGatewayServiceConfiguration as asked, with the documented defaults."""
    container = copy.deepcopy(body.get("primaryContainer") or {})
    if container:
        container.setdefault("containerPort", 80)
    config: dict[str, Any] = {
        "executionRoleArn": body.get("executionRoleArn"),
        "taskRoleArn": body.get("taskRoleArn"),
        "cpu": body.get("cpu") or ("256" if container else None),
        "memory": body.get("memory") or ("512" if container else None),
        "cpuArchitecture": body.get("cpuArchitecture") or ("X86_64" if container else None),
        "healthCheckPath": body.get("healthCheckPath") or "/ping",
        "primaryContainer": container or {"containerPort": None},
    }
    return {k: v for k, v in config.items() if v is not None}


def updated_configuration(before: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(before)
    for key in ("serviceRevisionArn", "createdAt"):
        config.pop(key, None)
    for key in ("executionRoleArn", "taskRoleArn", "cpu", "memory", "cpuArchitecture",
                "healthCheckPath"):  # fmt: skip
        if body.get(key) is not None:
            config[key] = body[key]
    if body.get("primaryContainer"):
        container = {**config.get("primaryContainer", {}), **body["primaryContainer"]}
        config["primaryContainer"] = container
    if body.get("networkConfiguration"):
        config["networkConfiguration"] = copy.deepcopy(body["networkConfiguration"])
    return config


def task_changed(body: dict[str, Any]) -> bool:
    return any(body.get(f) is not None for f in TASK_FIELDS)


def name_from_image(body: dict[str, Any], backend: Any, cluster: str) -> str:
    """A name "derived from the image name" (GUIDE); a suffix keeps it unique (inference)."""
    image = ((body.get("primaryContainer") or {}).get("image") or "service").split("@")[0]
    base = image.rsplit("/", 1)[-1].split(":")[0]
    base = re.sub(r"[^A-Za-z0-9_-]", "-", base)[:200] or "service"
    name, n = base, 1
    while f"{cluster}:{name}" in backend.services:
        n += 1
        name = f"{base}-{n}"
    return name


def log_group_name(config: dict[str, Any], cluster: str, name: str) -> str:
    asked = (config.get("primaryContainer") or {}).get("awsLogsConfiguration") or {}
    return asked.get("logGroup") or f"/aws/ecs/{cluster}/{name}-{made.random_hex(4)}"


def task_definition(config: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The RegisterTaskDefinition body of an Express service's configuration."""
    container = config["primaryContainer"]
    logs = container.get("awsLogsConfiguration") or {}
    main: dict[str, Any] = {
        "name": MAIN,
        "image": container["image"],
        "essential": True,
        "portMappings": [
            {"containerPort": container["containerPort"], "protocol": "tcp", "name": "main"}
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": logs.get("logGroup") or record["logGroup"],
                "awslogs-region": record["region"],
                "awslogs-stream-prefix": logs.get("logStreamPrefix") or "ecs",
                "mode": "non-blocking",
                "max-buffer-size": "25m",
            },
        },
        "versionConsistency": "enabled",
        "linuxParameters": {"initProcessEnabled": True},
        "stopTimeout": 30,
    }
    for key in ("command", "environment", "secrets", "repositoryCredentials"):
        if container.get(key):
            main[key] = container[key]
    body: dict[str, Any] = {
        "family": record.get("family") or config.get("family") or "express",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": config["cpu"],
        "memory": config["memory"],
        "runtimePlatform": {
            "operatingSystemFamily": "LINUX",
            "cpuArchitecture": config["cpuArchitecture"],
        },
        "executionRoleArn": config["executionRoleArn"],
        "containerDefinitions": [main],
    }
    if config.get("taskRoleArn"):
        body["taskRoleArn"] = config["taskRoleArn"]
    return body


def ensure_fargate(layer: Any, backend: Any, cluster: str, environ: dict[str, Any]) -> None:
    """An existing cluster gets FARGATE beside its providers, for the service's strategy
    (inference: the GUIDE makes the default cluster "with Fargate capacity providers")."""
    found = backend.clusters[cluster]
    providers = list(getattr(found, "capacity_providers", None) or [])
    if "FARGATE" in providers:
        return
    strategy = list(getattr(found, "default_capacity_provider_strategy", None) or [])
    layer.op_PutClusterCapacityProviders(
        backend,
        {"cluster": cluster, "capacityProviders": [*providers, "FARGATE"],
         "defaultCapacityProviderStrategy": strategy},
        environ,
    )  # fmt: skip


def make_ingress(
    record: dict[str, Any], plan: dict[str, Any], w: MotoClient, undo: made.Undo
) -> None:
    """Certificate, shared load balancer, security groups, target groups, rule and alarm."""
    net, name, port = plan["network"], plan["name"], plan["port"]
    scheme = "internet-facing" if net["public"] else "internal"
    host = made.endpoint(name, w.region)
    cert = made.certificate(w, host, undo)
    alb = made.shared_alb(w, net["vpc"], scheme) or made.make_alb(
        w, net["vpc"], net["subnets"], scheme, cert, undo
    )
    made.listener_certificate(w, alb, cert, undo)
    group = made.service_security_group(
        w, f"{plan['cluster']}-{name}", net["vpc"], port, alb["securityGroup"], undo
    )
    groups = made.target_groups(w, net["vpc"], port, plan["config"]["healthCheckPath"], undo)
    rule = made.host_rule(w, alb, host, groups, undo)
    alarm = scale.deployment_alarm(w, name, alb["arn"], groups[0], undo)
    alb.pop("priorities", None)
    record.update(endpoint=host, certificate=cert, alb=alb, serviceSecurityGroup=group,
                  targetGroups=groups, rule=rule, alarm=alarm, port=port,
                  public=net["public"], subnets=net["subnets"],
                  securityGroups=net["securityGroups"])  # fmt: skip


def service_body(plan: dict[str, Any], record: dict[str, Any], body: dict[str, Any]) -> dict:
    """The CreateService body of an Express service (GUIDE, "Service defaults")."""
    out: dict[str, Any] = {
        "cluster": plan["cluster"],
        "serviceName": plan["name"],
        "taskDefinition": plan["taskDefinition"],
        "desiredCount": plan["config"]["scalingTarget"]["minTaskCount"],
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 1}],
        "platformVersion": "LATEST",
        "deploymentConfiguration": {
            **CANARY,
            "alarms": {"alarmNames": [record["alarm"]], "enable": True, "rollback": True},
        },
        "loadBalancers": [load_balancer(record, record["port"])],
        "networkConfiguration": network_configuration(record),
        "healthCheckGracePeriodSeconds": 300,
        "enableECSManagedTags": True,
        "propagateTags": "SERVICE",
        "availabilityZoneRebalancing": "ENABLED",
        "schedulingStrategy": "REPLICA",
    }
    if body.get("tags"):
        out["tags"] = body["tags"]
    return out


def load_balancer(record: dict[str, Any], port: int) -> dict[str, Any]:
    production, alternate = record["targetGroups"]
    return {
        "targetGroupArn": production,
        "containerName": MAIN,
        "containerPort": port,
        "advancedConfiguration": {
            "alternateTargetGroupArn": alternate,
            "productionListenerRule": record["rule"],
            "roleArn": record["infrastructureRoleArn"],
        },
    }


def network_configuration(record: dict[str, Any]) -> dict[str, Any]:
    # "we enable public IPs on each task by default" in public subnets (GUIDE)
    return {
        "awsvpcConfiguration": {
            "subnets": record["subnets"],
            "securityGroups": [record["serviceSecurityGroup"], *record["securityGroups"]],
            "assignPublicIp": "ENABLED" if record["public"] else "DISABLED",
        }
    }


def label(record: dict[str, Any]) -> str:
    """The ResourceLabel of ALBRequestCountPerTarget: app/<lb>/<id>/targetgroup/<tg>/<id>."""
    lb = record["alb"]["arn"].split(":loadbalancer/")[-1]
    return f"{lb}/{record['targetGroups'][0].split(':')[-1]}"


def current_revision(layer: Any, service: Any) -> str | None:
    """The service revision the service's current deployment deploys."""
    history = layer.scheduler.history
    found = history.deployments.get(getattr(service, "current_service_deployment", None) or "")
    return None if found is None else found["_"].get("target_arn")


def ingress_path(record: dict[str, Any]) -> dict[str, str]:
    return {"accessType": "PUBLIC" if record["public"] else "PRIVATE",
            "endpoint": record["endpoint"]}  # fmt: skip
