"""What DescribeExpressGatewayService answers (ECSExpressGatewayService) and what the service's
revisions carry as `ecsManagedResources` (ECSManagedResources), shapes from botocore's ECS model:

- status.statusCode ACTIVE | DRAINING | INACTIVE; Delete: "The service enters a DRAINING
  state ... After all tasks stop, the service and infrastructure are permanently removed";
- activeConfigurations: one ExpressGatewayServiceConfiguration per active service revision,
  with its ingressPaths (accessType PUBLIC | PRIVATE, endpoint);
- ECSManagedResources (on ServiceRevision): ingressPaths with the load balancer, its security
  groups, certificate, listener, rule and target groups; autoScaling (scalable target,
  policies); metricAlarms; serviceSecurityGroups; logGroups; each with a ManagedResourceStatus
  (PROVISIONING | ACTIVE | DEPROVISIONING | DELETED | FAILED) and updatedAt.
"""

from __future__ import annotations

from typing import Any

ONGOING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED",
           "ROLLBACK_IN_PROGRESS")  # fmt: skip


def described(layer: Any, service: Any, *, include_tags: bool) -> dict[str, Any]:
    """ECSExpressGatewayService."""
    record = service.ecskit_express
    out: dict[str, Any] = {
        "cluster": service.cluster_arn,
        "serviceName": service.name,
        "serviceArn": service.arn,
        "infrastructureRoleArn": record["infrastructureRoleArn"],
        "status": {"statusCode": service.status},
        "currentDeployment": getattr(service, "current_service_deployment", None),
        "activeConfigurations": active_configurations(layer, service),
        "createdAt": record["createdAt"],
        "updatedAt": record.get("updatedAt") or record["createdAt"],
    }
    if include_tags:
        out["tags"] = record.get("tags") or []
    return {k: v for k, v in out.items() if v is not None}


def active_configurations(layer: Any, service: Any) -> list[dict[str, Any]]:
    """The configurations whose revisions run: the current deployment's target, and its
    sources while it is under way (matched by revision ARN or by task definition)."""
    configurations = service.ecskit_express.get("configurations") or []
    if service.status != "ACTIVE":
        return configurations[-1:]
    history = layer.scheduler.history
    current = history.deployments.get(getattr(service, "current_service_deployment", "") or "")
    if current is None:
        return configurations[-1:]
    arns = {current["_"].get("target_arn")}
    if current["status"] in ONGOING:
        arns.update(r["arn"] for r in history.describe(current)["sourceServiceRevisions"])
    definitions = {(history.revisions.get(a) or {}).get("taskDefinition") for a in arns}
    shown = [
        c
        for c in configurations
        if c.get("serviceRevisionArn") in arns or c.get("taskDefinitionArn") in definitions
    ]
    return shown or configurations[-1:]


def note_managed_resources(layer: Any, service: Any, when: Any) -> None:
    """The current revision records what ECS manages for it (its ecsManagedResources)."""
    history = layer.scheduler.history
    current = history.deployments.get(getattr(service, "current_service_deployment", "") or "")
    if current is None:
        return
    revision = history.revisions.get(current["_"].get("target_arn") or "")
    if revision is not None:
        revision["ecsManagedResources"] = managed_resources(service.ecskit_express, when)


def managed_resources(record: dict[str, Any], when: Any) -> dict[str, Any]:
    """ECSManagedResources of an Express service's record."""
    region, account = record["region"], record["account"]

    def status(**fields: Any) -> dict[str, Any]:
        return {"status": "DELETED" if record.get("deleted") else "ACTIVE", "updatedAt": when,
                **{k: v for k, v in fields.items() if v is not None}}  # fmt: skip

    def group(sg: str) -> dict[str, Any]:
        return status(arn=f"arn:aws:ec2:{region}:{account}:security-group/{sg}")

    alb, policy, scaling = record["alb"], record["policy"], record["scaling"]
    target_groups = [
        status(arn=g, healthCheckPath=record["healthCheckPath"], healthCheckPort=record["port"],
               port=record["port"])
        for g in record["targetGroups"]
    ]  # fmt: skip
    ingress = {
        "accessType": "PUBLIC" if record["public"] else "PRIVATE",
        "endpoint": record["endpoint"],
        "loadBalancer": status(arn=alb["arn"], scheme=alb["scheme"], subnetIds=alb["subnets"],
                               securityGroupIds=[alb["securityGroup"]]),
        "loadBalancerSecurityGroups": [group(alb["securityGroup"])],
        "certificate": status(arn=record["certificate"], domainName=record["endpoint"]),
        "listener": status(arn=alb["listener"]),
        "rule": status(arn=record["rule"]),
        "targetGroups": target_groups,
    }  # fmt: skip
    alarms = [f"arn:aws:cloudwatch:{region}:{account}:alarm:{record['alarm']}",
              *policy.get("alarms", [])]  # fmt: skip
    out: dict[str, Any] = {
        "ingressPaths": [ingress],
        "autoScaling": {
            "scalableTarget": status(arn=policy.get("target"),
                                     minCapacity=scaling["minTaskCount"],
                                     maxCapacity=scaling["maxTaskCount"]),
            "applicationAutoScalingPolicies": [
                status(arn=policy.get("arn"), policyType="TargetTrackingScaling",
                       targetValue=float(scaling["autoScalingTargetValue"]),
                       metric=policy["metric"])
            ],
        },
        "metricAlarms": [status(arn=a) for a in alarms],
        "serviceSecurityGroups": [group(record["serviceSecurityGroup"])],
    }  # fmt: skip
    if record.get("logGroup"):
        arn = f"arn:aws:logs:{region}:{account}:log-group:{record['logGroup']}"
        out["logGroups"] = [status(arn=arn, logGroupName=record["logGroup"])]
    return out


def updated(service: Any, config: dict[str, Any]) -> dict[str, Any]:
    """UpdatedExpressGatewayService: the configuration the service is being updated to."""
    record = service.ecskit_express
    return {
        "serviceArn": service.arn,
        "cluster": service.cluster_arn,
        "serviceName": service.name,
        "status": {"statusCode": service.status},
        "targetConfiguration": config,
        "createdAt": record["createdAt"],
        "updatedAt": record.get("updatedAt") or record["createdAt"],
    }
