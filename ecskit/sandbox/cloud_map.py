"""Cloud Map as ECS uses it: namespaces found by name, id or ARN, and the instance each task is.

Service discovery (`serviceRegistries`, integrations.py) and Service Connect
(service_connect.py) both register a RUNNING task as a Cloud Map instance with the attributes
the ECS guide lists for it (AWS_INSTANCE_IPV4, AWS_INSTANCE_PORT, AVAILABILITY_ZONE, REGION,
ECS_SERVICE_NAME, ECS_CLUSTER_NAME, EC2_INSTANCE_ID, ECS_TASK_DEFINITION_FAMILY):
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html
"""

from __future__ import annotations

from typing import Any


def servicediscovery(backend: Any) -> Any:
    """moto's Cloud Map backend of the ECS backend's account and Region."""
    from moto.servicediscovery.models import servicediscovery_backends

    return servicediscovery_backends[backend.account_id][backend.region_name]


def find_namespace(backend: Any, wanted: str) -> Any:
    """The namespace `wanted` names (ARN, id or name) in the backend's Region, or None."""
    for ns in servicediscovery(backend).namespaces.values():
        if wanted in (ns.arn, ns.id, ns.name):
            return ns
    return None


def task_ip(task: Any) -> str | None:
    """The private IPv4 address of an awsvpc task's network interface (None otherwise)."""
    for attachment in task.attachments:
        if attachment["type"] == "ElasticNetworkInterface":
            for detail in attachment["details"]:
                if detail["name"] == "privateIPv4Address":
                    return detail["value"]
    return None


def ec2_instance_of(task: Any) -> str | None:
    """The EC2 instance id of a task on a container instance (None on Fargate)."""
    if not task.container_instance_arn:
        return None
    instances = task._backend.container_instances.get(task.cluster_name, {})
    instance = instances.get(task.container_instance_arn.split("/")[-1])
    return instance.ec2_instance_id if instance is not None else None


def instance_attributes(task: Any, service: Any, port: Any) -> dict[str, str]:
    """The Cloud Map attributes ECS gives the instance a task registers as (guide, above)."""
    family = task.task_definition_arn.split("/")[-1].split(":")[0]
    attributes = {
        "AVAILABILITY_ZONE": getattr(task, "availability_zone", "") or "",
        "AWS_INIT_HEALTH_STATUS": "HEALTHY",
        "ECS_CLUSTER_NAME": task.cluster_name,
        "ECS_SERVICE_NAME": service.name,
        "ECS_TASK_DEFINITION_FAMILY": family,
        "REGION": task.region_name,
    }
    ip = task_ip(task)
    instance = ec2_instance_of(task)
    if instance and not ip:
        attributes["EC2_INSTANCE_ID"] = instance
        ip = _instance_ip(task, instance)
    if ip:
        attributes["AWS_INSTANCE_IPV4"] = ip
    if port:
        attributes["AWS_INSTANCE_PORT"] = str(port)
    return attributes


def _instance_ip(task: Any, instance_id: str) -> str | None:
    """A bridge or host task is reached at its container instance's private address."""
    from moto.ec2.models import ec2_backends

    try:
        ec2 = ec2_backends[task._backend.account_id][task.region_name]
        return ec2.get_instance(instance_id).private_ip
    except Exception:  # an instance gone from EC2: the attribute is left out
        return None
