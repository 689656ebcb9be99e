"""From one describe answer's JSON to a record, for what real ECS sends as well as the sandbox.

Real answers differ from moto's: services created before 2021 have short ARNs without their
cluster (`service/NAME`, `task/ID`, `container-instance/ID`), services behind a Classic Load
Balancer have no `rolloutState`, EXTERNAL and CODE_DEPLOY services run task sets instead of
deployments, and any field may be missing. Each reader takes what is there and fills the rest
from the ARN or from the cluster the describe call asked about; it never raises on a field.
"""

from __future__ import annotations

from typing import Any

from . import records as r


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def arn_resource(arn: str) -> list[str]:
    """`arn:aws:ecs:R:A:service/c/s` -> ["service", "c", "s"]; a name alone -> [name]."""
    if not arn.startswith("arn:"):
        return [arn]
    return arn.split(":", 5)[-1].split("/")


def cluster_in_arn(arn: str) -> str | None:
    """The cluster's ARN a long ARN names (`service/CLUSTER/NAME`, `task/CLUSTER/ID`, ...); None
    for the short format services, tasks and container instances kept from before 2021
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-arn-migration.html)."""
    parts = arn_resource(arn)
    long_form = 4 if parts[0] == "task-set" else 3
    if parts[0] not in ("service", "task", "container-instance", "task-set"):
        return None
    if len(parts) < long_form:
        return None
    return f"{arn.rsplit(':', 1)[0]}:cluster/{parts[1]}"


def family_and_revision(arn: str) -> tuple[str, int]:
    """("web", 3) from `...:task-definition/web:3`; ("", 0) when it names none."""
    name = arn_resource(arn)[-1]
    family, _, number = name.rpartition(":")
    return (family, int(number)) if family and number.isdigit() else ("", 0)


def _cluster(item: dict[str, Any], arn: str, asked: str) -> str:
    return str(item.get("clusterArn") or cluster_in_arn(arn) or asked)


def _network(item: dict[str, Any]) -> dict[str, Any]:
    return _dict(_dict(item.get("networkConfiguration")).get("awsvpcConfiguration"))


def _strategy(item: dict[str, Any]) -> list[str]:
    names = [_dict(x).get("capacityProvider") for x in _list(item.get("capacityProviderStrategy"))]
    return [n for n in names if isinstance(n, str) and n]


def service(item: dict[str, Any], asked_cluster: str) -> r.Service:
    arn = str(item["serviceArn"])
    vpc = _network(item)
    balancers = [_dict(b) for b in _list(item.get("loadBalancers"))]
    deployments = [_dict(d) for d in _list(item.get("deployments"))]
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
    connect = _dict(primary.get("serviceConnectConfiguration")) or _dict(
        item.get("serviceConnectConfiguration")
    )
    # a service's revision is its own, else its PRIMARY deployment's (absent on task set services)
    revision = str(item.get("taskDefinition") or primary.get("taskDefinition") or "")
    older = [
        str(d["taskDefinition"])
        for d in deployments
        if d.get("status") != "PRIMARY" and d.get("taskDefinition")
    ]
    providers = _strategy(item) + [p for d in deployments for p in _strategy(d)]
    return r.Service(
        raw=item,
        arn=arn,
        name=str(item.get("serviceName") or arn_resource(arn)[-1]),
        cluster_arn=_cluster(item, arn, asked_cluster),
        status=str(item.get("status", "")),
        task_definition=revision,
        desired_count=_int(item.get("desiredCount")),
        running_count=_int(item.get("runningCount")),
        pending_count=_int(item.get("pendingCount")),
        launch_type=str(item.get("launchType", "")),
        subnets=[str(x) for x in _list(vpc.get("subnets"))],
        security_groups=[str(x) for x in _list(vpc.get("securityGroups"))],
        target_groups=[str(b["targetGroupArn"]) for b in balancers if b.get("targetGroupArn")],
        load_balancer_names=[
            str(b["loadBalancerName"]) for b in balancers if b.get("loadBalancerName")
        ],
        registries=[
            str(x["registryArn"])
            for x in map(_dict, _list(item.get("serviceRegistries")))
            if x.get("registryArn")
        ],
        namespace=connect.get("namespace") if connect.get("enabled") else None,
        role_arn=item.get("roleArn"),
        deployment_controller=str(_dict(item.get("deploymentController")).get("type") or "ECS"),
        older_revisions=list(dict.fromkeys(x for x in older if x != revision)),
        capacity_providers=list(dict.fromkeys(providers)),
        current_deployment=_str(item.get("currentServiceDeployment")),
        current_revisions=[
            str(x["arn"])
            for x in map(_dict, _list(item.get("currentServiceRevisions")))
            if x.get("arn")
        ],
        traffic_shifts=[shift for shift in map(_traffic_shift, balancers) if shift],
        managed_by=str(item.get("resourceManagementType") or ""),
        deployment_alarms=[
            str(x)
            for x in _list(
                _dict(_dict(item.get("deploymentConfiguration")).get("alarms")).get("alarmNames")
            )
        ],
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _traffic_shift(balancer: dict[str, Any]) -> r.TrafficShift | None:
    advanced = _dict(balancer.get("advancedConfiguration"))
    blue, green = (
        _str(balancer.get("targetGroupArn")),
        _str(advanced.get("alternateTargetGroupArn")),
    )
    if not blue or not green:
        return None
    return r.TrafficShift(
        target_group=blue,
        alternate_target_group=green,
        production_listener_rule=_str(advanced.get("productionListenerRule")),
        test_listener_rule=_str(advanced.get("testListenerRule")),
    )


def service_revisions(summaries: Any, service: r.Service) -> list[r.ServiceRevision]:
    """Revisions from their summaries (DescribeServices' currentServiceRevisions, a deployment's
    target and sources), with their task counts."""
    return [
        r.ServiceRevision(
            raw=x,
            arn=str(x["arn"]),
            service_arn=service.arn,
            cluster_arn=service.cluster_arn,
            requested_count=_int(x.get("requestedTaskCount")),
            running_count=_int(x.get("runningTaskCount")),
            pending_count=_int(x.get("pendingTaskCount")),
        )
        for x in map(_dict, _list(summaries))
        if x.get("arn")
    ]


def service_deployment(item: dict[str, Any]) -> r.ServiceDeployment:
    """A DescribeServiceDeployments record; weights only where ECS answered them."""
    arn = str(item["serviceDeploymentArn"])
    target = _dict(item.get("targetServiceRevision"))
    sources = [_dict(x) for x in _list(item.get("sourceServiceRevisions"))]
    production, test = {}, {}
    for summary in [target, *sources]:
        if not summary.get("arn"):
            continue
        for weights, key in ((production, "Production"), (test, "Test")):
            weight = summary.get(f"requested{key}TrafficWeight")
            if isinstance(weight, (int, float)) and not isinstance(weight, bool):
                weights[str(summary["arn"])] = float(weight)
    return r.ServiceDeployment(
        raw=item,
        arn=arn,
        service_arn=str(item.get("serviceArn", "")),
        cluster_arn=str(item.get("clusterArn", "")),
        status=str(item.get("status", "")),
        status_reason=str(item.get("statusReason", "")),
        stage=str(item.get("lifecycleStage", "")),
        target_revision=str(target.get("arn", "")),
        source_revisions=[str(x["arn"]) for x in sources if x.get("arn")],
        rollback_revision=_str(_dict(item.get("rollback")).get("serviceRevisionArn")),
        production_weights=production,
        test_weights=test,
    )


def task_set(item: dict[str, Any], service: r.Service) -> r.TaskSet:
    arn = str(item["taskSetArn"])
    vpc = _network(item)
    return r.TaskSet(
        raw=item,
        arn=arn,
        id=str(item.get("id") or arn_resource(arn)[-1]),
        service_arn=str(item.get("serviceArn") or service.arn),
        cluster_arn=str(item.get("clusterArn") or service.cluster_arn),
        status=str(item.get("status", "")),
        task_definition=str(item.get("taskDefinition", "")),
        launch_type=str(item.get("launchType", "")),
        running_count=_int(item.get("runningCount")),
        desired_count=_int(item.get("computedDesiredCount")),
        subnets=[str(x) for x in _list(vpc.get("subnets"))],
        security_groups=[str(x) for x in _list(vpc.get("securityGroups"))],
    )


def task(item: dict[str, Any], asked_cluster: str) -> r.Task:
    arn = str(item["taskArn"])
    enis, subnets = [], []
    for attachment in map(_dict, _list(item.get("attachments"))):
        details = {
            d.get("name"): d.get("value") for d in map(_dict, _list(attachment.get("details")))
        }
        if details.get("networkInterfaceId"):
            enis.append(str(details["networkInterfaceId"]))
        if details.get("subnetId"):
            subnets.append(str(details["subnetId"]))
    return r.Task(
        raw=item,
        arn=arn,
        cluster_arn=_cluster(item, arn, asked_cluster),
        task_definition_arn=str(item.get("taskDefinitionArn", "")),
        last_status=str(item.get("lastStatus", "")),
        desired_status=str(item.get("desiredStatus", "")),
        group=str(item.get("group", "")),
        started_by=str(item.get("startedBy", "")),
        launch_type=str(item.get("launchType", "")),
        container_instance_arn=item.get("containerInstanceArn"),
        capacity_provider=item.get("capacityProviderName"),
        network_interfaces=enis,
        subnets=subnets,
    )


def container_instance(item: dict[str, Any], asked_cluster: str) -> r.ContainerInstance:
    arn = str(item["containerInstanceArn"])
    return r.ContainerInstance(
        raw=item,
        arn=arn,
        cluster_arn=cluster_in_arn(arn) or asked_cluster,
        ec2_instance_id=str(item.get("ec2InstanceId", "")),
        status=str(item.get("status", "")),
        running_tasks=_int(item.get("runningTasksCount")),
        capacity_provider=_str(item.get("capacityProviderName")),
    )


def capacity_provider(item: dict[str, Any]) -> r.CapacityProvider:
    arn = str(item.get("capacityProviderArn", ""))
    managed = _dict(item.get("managedInstancesProvider"))
    template = _dict(managed.get("instanceLaunchTemplate"))
    network = _dict(template.get("networkConfiguration"))
    return r.CapacityProvider(
        raw=item,
        name=str(item.get("name") or (arn_resource(arn)[-1] if arn else "")),
        arn=arn,
        status=str(item.get("status", "")),
        type=str(item.get("type", "")),
        auto_scaling_group_arn=_dict(item.get("autoScalingGroupProvider")).get(
            "autoScalingGroupArn"
        ),
        infrastructure_role=_str(managed.get("infrastructureRoleArn")),
        instance_profile=_str(template.get("ec2InstanceProfileArn")),
        subnets=[str(x) for x in _list(network.get("subnets"))],
        security_groups=[str(x) for x in _list(network.get("securityGroups"))],
    )


def revision(item: dict[str, Any], asked: str) -> r.Revision:
    arn = str(item.get("taskDefinitionArn") or asked)
    family, number = family_and_revision(arn)
    containers = []
    for c in map(_dict, _list(item.get("containerDefinitions"))):
        log = _dict(c.get("logConfiguration"))
        options = _dict(log.get("options")) if log.get("logDriver") == "awslogs" else {}
        image = str(c.get("image", ""))
        containers.append(
            r.Container(
                raw=c,
                name=str(c.get("name", "")),
                image=image,
                log_group=options.get("awslogs-group"),
                log_region=options.get("awslogs-region"),
                **r.parse_image(image),  # type: ignore[arg-type]
            )
        )
    return r.Revision(
        raw=item,
        arn=arn,
        family=str(item.get("family") or family),
        revision=_int(item.get("revision")) or number,
        status=str(item.get("status", "")),
        task_role_arn=item.get("taskRoleArn"),
        execution_role_arn=item.get("executionRoleArn"),
        network_mode=item.get("networkMode"),
        compatibilities=[str(x) for x in _list(item.get("requiresCompatibilities"))],
        containers=containers,
    )
