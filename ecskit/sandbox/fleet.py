"""Container instances that come from elsewhere: Auto Scaling groups and ECS Anywhere.

- The instances of an Auto Scaling group capacity provider of a cluster register as container
  instances of that cluster, with the CPU (1,024 units a vCPU) and memory of their instance type.
- ECS Anywhere: `ssm create-activation` gives an activation id and code; an external instance
  registered with a managed-instance id (`mi-...`) appears as a container instance whose
  resources are those it reports (`totalResources`).
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere-registration.html)
"""

from __future__ import annotations

import json
from typing import Any

from .recording import seeded

# what the OS and the agent keep: ECS registers a little less memory than the type has
OS_SHARE = 0.06
DEFAULT_EXTERNAL = {"CPU": 2048, "MEMORY": 3891}


def _resources(cpu: int, memory: int) -> list[dict[str, Any]]:
    def one(name: str, value: int) -> dict[str, Any]:
        return {
            "doubleValue": 0.0,
            "integerValue": value,
            "longValue": 0,
            "name": name,
            "type": "INTEGER",
        }

    ports = ["22", "2375", "2376", "51678", "51679"]
    return [
        one("CPU", cpu),
        one("MEMORY", memory),
        {"doubleValue": 0.0, "integerValue": 0, "longValue": 0, "name": "PORTS",
         "stringSetValue": ports, "type": "STRINGSET"},
        {"doubleValue": 0.0, "integerValue": 0, "longValue": 0, "name": "PORTS_UDP",
         "stringSetValue": [], "type": "STRINGSET"},
    ]  # fmt: skip


def size_by_type(instance: Any, instance_type: str) -> None:
    """Registered and remaining resources from the EC2 instance type's vCPUs and memory."""
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    info = INSTANCE_TYPES.get(instance_type)
    if not info:
        return
    cpu = int(info["VCpuInfo"]["DefaultVCpus"]) * 1024
    memory = int(info["MemoryInfo"]["SizeInMiB"] * (1 - OS_SHARE))
    instance.registered_resources = _resources(cpu, memory)
    instance.remaining_resources = _resources(cpu, memory)


def sync_auto_scaling(backend: Any) -> list[Any]:
    """Register the InService instances of every cluster's Auto Scaling group providers."""
    clusters = [
        c for c in backend.clusters.values() if c.capacity_providers and c.status == "ACTIVE"
    ]
    if not clusters:
        return []
    from moto.autoscaling.models import autoscaling_backends

    scaling = autoscaling_backends[backend.account_id][backend.region_name]
    touched = []
    for cluster in clusters:
        known = {
            ci.ec2_instance_id for ci in backend.container_instances.get(cluster.name, {}).values()
        }
        for name in cluster.capacity_providers:
            provider = backend.capacity_providers.get(name)
            asg_arn = (getattr(provider, "auto_scaling_group_provider", None) or {}).get(
                "autoScalingGroupArn", ""
            )
            group = scaling.autoscaling_groups.get(asg_arn.split("autoScalingGroupName/")[-1])
            if group is None:
                continue
            for state in group.instance_states:
                instance = state.instance
                if state.lifecycle_state != "InService" or instance.id in known:
                    continue
                # registered by whichever call syncs first: its ARN from the instance alone
                with seeded(f"{cluster.arn}/{instance.id}"):
                    ci = backend.register_container_instance(cluster.name, instance.id)
                size_by_type(ci, instance.instance_type)
                ci.capacity_provider_name = name
                known.add(instance.id)
                touched.append(cluster)
    return touched


def register_external(backend: Any, body: dict[str, Any]) -> Any | None:
    """An ECS Anywhere instance (managed-instance id `mi-...`), or None for an EC2 one."""
    from moto.ecs.models import ContainerInstance, utcnow  # the sandbox's time (recording.py)
    from moto.moto_api._internal import mock_random

    try:
        document = json.loads(body.get("instanceIdentityDocument") or "{}")
    except ValueError:
        return None
    managed_id = str(document.get("instanceId") or "")
    if not managed_id.startswith("mi-"):
        return None
    cluster = (body.get("cluster") or "default").split("/")[-1]
    reported = {r["name"]: r.get("integerValue") for r in body.get("totalResources") or []}
    cpu = int(reported.get("CPU") or DEFAULT_EXTERNAL["CPU"])
    memory = int(reported.get("MEMORY") or DEFAULT_EXTERNAL["MEMORY"])
    instance = ContainerInstance.__new__(ContainerInstance)
    instance.ec2_instance_id = managed_id
    instance.agent_connected = True
    instance.status = "ACTIVE"
    instance.registered_resources = _resources(cpu, memory)
    instance.remaining_resources = _resources(cpu, memory)
    instance.pending_tasks_count = 0
    instance.running_tasks_count = 0
    instance.version_info = body.get("versionInfo") or {
        "agentVersion": "1.80.0",
        "agentHash": "sandbox",
        "dockerVersion": "DockerVersion: 24.0.5",
    }
    instance.attributes = {
        "ecs.os-type": "linux",
        "ecs.capability.external": "true",
        "ecs.os-family": "LINUX",
    }
    instance.registered_at = utcnow()
    instance.region_name = backend.region_name
    instance.id = str(mock_random.uuid4())  # the request's seed: a snapshot repeats it
    instance.cluster_name = cluster
    instance._account_id = backend.account_id
    instance._backend = backend
    backend.container_instances.setdefault(cluster, {})[instance.id] = instance
    return instance


class Activations:
    """SSM's CreateActivation (moto 5.2.5 has none): the first step of ECS Anywhere."""

    def __init__(self) -> None:
        self.made: dict[str, dict[str, Any]] = {}

    def create(self, body: dict[str, Any]) -> dict[str, str]:
        from moto.moto_api._internal import mock_random

        activation = {
            "ActivationId": str(mock_random.uuid4()),
            "ActivationCode": mock_random.uuid4().hex[:20],
            "IamRole": body.get("IamRole"),
            "RegistrationLimit": body.get("RegistrationLimit", 1),
        }
        self.made[activation["ActivationId"]] = activation
        return {
            "ActivationId": activation["ActivationId"],
            "ActivationCode": activation["ActivationCode"],
        }
