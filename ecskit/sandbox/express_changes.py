"""UpdateExpressGatewayService's changes and DeleteExpressGatewayService's removals.

Update (botocore's ECS model): "Amazon ECS creates a new service revision with updated
configuration and performs a rolling deployment"; the infrastructure role cannot change. The
sandbox: a new task-definition revision when the container, size, architecture or roles
change; the health check path on both target groups; the container port on the security
groups and the load balancer mapping ("automatically updated to match the container port",
express-service-work page); the scalable target and the policy; then UpdateService with
forceNewDeployment, so the service deploys through its canary (docs/deployments.md).
Delete: "removes the Application Load Balancer, target groups, security groups, auto-scaling
policies, and other managed infrastructure components"; a shared load balancer goes only with
its last service ("Express Mode will also deprovision unused Application Load Balancers").
"""

from __future__ import annotations

import logging
from typing import Any

from . import express_resources as made
from . import express_scaling as scale
from . import express_service as shape
from .express_wire import MotoClient, WireError

log = logging.getLogger(__name__)


def apply_update(
    layer: Any,
    backend: Any,
    service: Any,
    config: dict[str, Any],
    td: dict[str, Any] | str | None,
    w: MotoClient,
    undo: made.Undo,
    environ: dict[str, Any],
) -> None:
    """Change what Update asks; the service's new deployment last."""
    record = service.ecskit_express
    before = record["configurations"][-1]
    update: dict[str, Any] = {
        "cluster": service.cluster_name, "service": service.name, "forceNewDeployment": True,
    }  # fmt: skip
    if isinstance(td, dict):
        arn = layer.op_RegisterTaskDefinition(backend, td, environ)["taskDefinition"][
            "taskDefinitionArn"
        ]
        undo.append(
            lambda: layer.moto(environ, "DeregisterTaskDefinition", {"taskDefinition": arn})
        )
        record["taskDefinitions"].append(arn)
        update["taskDefinition"] = config["taskDefinitionArn"] = arn
    elif isinstance(td, str):
        update["taskDefinition"] = config["taskDefinitionArn"] = td
    if config["healthCheckPath"] != before["healthCheckPath"]:
        for group in record["targetGroups"]:
            w.call("elbv2", "ModifyTargetGroup", TargetGroupArn=group,
                   HealthCheckPath=config["healthCheckPath"])  # fmt: skip
        record["healthCheckPath"] = config["healthCheckPath"]
    port = (config.get("primaryContainer") or {}).get("containerPort") or record["port"]
    if port != record["port"]:
        _move_port(record, port, w, undo)
        update["loadBalancers"] = [shape.load_balancer(record, port)]
    if config.get("networkConfiguration"):
        asked = config["networkConfiguration"]
        record["subnets"] = asked.get("subnets") or record["subnets"]
        record["securityGroups"] = asked.get("securityGroups") or []
        update["networkConfiguration"] = shape.network_configuration(record)
    _rescale(record, service, config["scalingTarget"], w, update)
    layer.op_UpdateService(backend, update, environ)


def _move_port(record: dict[str, Any], port: int, w: MotoClient, undo: made.Undo) -> None:
    """The security groups follow the container port."""
    alb_group, group, old = record["alb"]["securityGroup"], record["serviceSecurityGroup"], (
        record["port"])  # fmt: skip
    w.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=group,
           IpPermissions=[made.tcp_rule(port, group=alb_group)])  # fmt: skip
    made.open_to_service(w, alb_group, group, port, undo)
    _quietly(w, "ec2", "RevokeSecurityGroupIngress", GroupId=group,
             IpPermissions=[made.tcp_rule(old, group=alb_group)])  # fmt: skip
    _quietly(w, "ec2", "RevokeSecurityGroupEgress", GroupId=alb_group,
             IpPermissions=[made.tcp_rule(old, group=group)])  # fmt: skip
    record["port"] = port


def _rescale(
    record: dict[str, Any], service: Any, target: dict[str, Any], w: MotoClient, update: dict
) -> None:
    """The scalable target's range and the policy; the desired count kept inside the range."""
    w.call(
        "application-autoscaling", "RegisterScalableTarget", ServiceNamespace="ecs",
        ResourceId=record["resource"], ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=target["minTaskCount"], MaxCapacity=target["maxTaskCount"],
    )  # fmt: skip
    old = record["scaling"]
    if (old["autoScalingMetric"], old["autoScalingTargetValue"]) != (
        target["autoScalingMetric"], target["autoScalingTargetValue"]
    ):  # fmt: skip
        policy = scale.put_policy(w, record["resource"], service.name, target, shape.label(record))
        if policy["name"] != record["policy"]["name"]:
            scale.delete_policy(w, record["resource"], record["policy"]["name"])
        record["policy"] = {**policy, "target": record["policy"].get("target")}
    record["scaling"] = target
    desired = min(max(service.desired_count, target["minTaskCount"]), target["maxTaskCount"])
    if desired != service.desired_count:
        update["desiredCount"] = desired


def remove_resources(service: Any, w: MotoClient) -> None:
    """Everything the service's Express record says was made for it, newest first."""
    record = service.ecskit_express
    alb = record["alb"]
    _quietly(
        w,
        "application-autoscaling",
        "DeleteScalingPolicy",
        PolicyName=record["policy"]["name"],
        ServiceNamespace="ecs",
        ResourceId=record["resource"],
        ScalableDimension="ecs:service:DesiredCount",
    )
    _quietly(
        w,
        "application-autoscaling",
        "DeregisterScalableTarget",
        ServiceNamespace="ecs",
        ResourceId=record["resource"],
        ScalableDimension="ecs:service:DesiredCount",
    )
    _quietly(w, "elbv2", "DeleteRule", RuleArn=record["rule"])
    gone = made.remove_alb_if_unused(w, alb)
    if not gone:
        _release_certificate(w, alb["listener"], record["certificate"])
    for group in record["targetGroups"]:
        _quietly(w, "elbv2", "DeleteTargetGroup", TargetGroupArn=group)
    if not gone:
        _quietly(
            w,
            "ec2",
            "RevokeSecurityGroupEgress",
            GroupId=alb["securityGroup"],
            IpPermissions=[made.tcp_rule(record["port"], group=record["serviceSecurityGroup"])],
        )
    _quietly(w, "ec2", "DeleteSecurityGroup", GroupId=record["serviceSecurityGroup"])
    _quietly(w, "acm", "DeleteCertificate", CertificateArn=record["certificate"])
    _quietly(w, "cloudwatch", "DeleteAlarms", AlarmNames=[record["alarm"]])
    if record.get("logGroupMade"):
        _quietly(w, "logs", "DeleteLogGroup", logGroupName=record["logGroup"])
    record["deleted"] = True  # fmt: skip


def _release_certificate(w: MotoClient, listener: str, cert: str) -> None:
    """Take the service's certificate off a listener other services keep; if it was the
    default one, another service's becomes the default first."""
    found = w.call("elbv2", "DescribeListenerCertificates", ListenerArn=listener)
    certificates = found.get("Certificates") or []
    default = [c["CertificateArn"] for c in certificates if c.get("IsDefault")]
    if cert in default:
        others = [c["CertificateArn"] for c in certificates if c["CertificateArn"] != cert]
        if others:
            w.call("elbv2", "ModifyListener", ListenerArn=listener,
                   Certificates=[{"CertificateArn": others[0]}])  # fmt: skip
    _quietly(w, "elbv2", "RemoveListenerCertificates", ListenerArn=listener,
             Certificates=[{"CertificateArn": cert}])  # fmt: skip


def _quietly(w: MotoClient, service: str, operation: str, **params: Any) -> None:
    """A removal that finds the resource gone already (or refuses) does not stop the rest."""
    try:
        w.call(service, operation, **params)
    except WireError:
        log.debug("sandbox: Express clean-up %s %s refused", service, operation, exc_info=True)
