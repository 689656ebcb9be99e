"""Container instances that come from elsewhere: Auto Scaling groups, ECS Managed Instances and
ECS Anywhere.

- The instances of an Auto Scaling group capacity provider of a cluster register as container
  instances of that cluster, with the CPU (1,024 units a vCPU) and memory of their instance type.
- ECS Anywhere: `ssm create-activation` gives an activation id and code; an external instance
  registered with a managed-instance id (`mi-...`) appears as a container instance whose
  resources are those it reports (`totalResources`).
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere-registration.html)
- ECS Managed Instances: ECS launches an EC2 instance (moto's EC2 here) of a type that matches the
  provider's instance requirements and fits the task, "the most cost-optimized general-purpose
  instance types" by default
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/create-capacity-provider-managed-instances.html);
  the sandbox, knowing no prices, takes the smallest general-purpose (M family, Nitro) type that
  fits, then any matching type. It tags each instance AmazonECSCreated, AmazonECSManaged,
  aws:ecs:clusterName, aws:ecs:capacityProviderName, aws:ecs:containerInstanceId and
  aws:ec2:managed-launch=ecs-managed-instances, plus the provider's tags with propagateTags
  CAPACITY_PROVIDER. It has a public IP when its subnet assigns one ("enabling IPv4 public
  addressing for the subnet":
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-awsvpc-mode.html):
  images and logs go through the instance, so startup.py judges its path
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/instance-details-tags-managed-instances.html).
  An instance with no task for `scaleInAfter` seconds is DEREGISTERING, then deregistered and
  terminated
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-infrastructure-optimization.html);
  the default delay is not published (managed_instances.DEFAULT_SCALE_IN_AFTER).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from fnmatch import fnmatch
from typing import Any

from .recording import seeded

# what the OS and the agent keep: ECS registers a little less memory than the type has
OS_SHARE = 0.06
DEFAULT_EXTERNAL = {"CPU": 2048, "MEMORY": 3891}
GENERAL_PURPOSE = re.compile(r"^m\d")  # the M family: EC2's general-purpose instances
MANAGED_TAG_VALUE = "true"  # ours: the guide names the reserved tags, not their values


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
    """Register the InService instances of every cluster's Auto Scaling group providers. The
    clusters whose instances changed (idle Managed Instances: managed_instances.scale_in)."""
    return _sync_groups(backend)


def _sync_groups(backend: Any) -> list[Any]:
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


# -- ECS Managed Instances ------------------------------------------------------------------
def _range_ok(value: float, bounds: dict[str, Any] | None) -> bool:
    bounds = bounds or {}
    low, high = bounds.get("min"), bounds.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _choice_ok(flag: bool, wanted: str | None) -> bool:
    """EC2's included / required / excluded for a yes-no attribute (included when not given)."""
    return not (wanted == "required" and not flag) and not (wanted == "excluded" and flag)


def matching_types(requirements: dict[str, Any], architecture: str = "x86_64") -> list[str]:
    """The EC2 instance types (moto's list) that meet `instanceRequirements`."""
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    allowed = set(requirements.get("allowedInstanceTypes") or [])
    excluded = requirements.get("excludedInstanceTypes") or []
    makers = {m.lower() for m in requirements.get("cpuManufacturers") or []}
    found = []
    for name, info in INSTANCE_TYPES.items():
        processor = info.get("ProcessorInfo") or {}
        if (allowed and name not in allowed) or any(fnmatch(name, x) for x in excluded):
            continue
        if architecture not in (processor.get("SupportedArchitectures") or []):
            continue
        maker = (processor.get("Manufacturer") or "").lower().replace("aws", "amazon-web-services")
        if makers and maker not in makers:
            continue
        if not (
            _range_ok(info["VCpuInfo"]["DefaultVCpus"], requirements.get("vCpuCount"))
            and _range_ok(info["MemoryInfo"]["SizeInMiB"], requirements.get("memoryMiB"))
            and _choice_ok(bool(info.get("BurstablePerformanceSupported")),
                           requirements.get("burstablePerformance"))
            and _choice_ok(bool(info.get("BareMetal")), requirements.get("bareMetal"))
        ):  # fmt: skip
            continue
        found.append(name)
    return found


def choose_type(
    requirements: dict[str, Any], need: dict[str, Any], architecture: str
) -> str | None:
    """The instance type to launch for a task needing `need` (CPU units, MiB), or None."""
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    def size(name: str) -> tuple[int, int]:
        info = INSTANCE_TYPES[name]
        cpu = int(info["VCpuInfo"]["DefaultVCpus"]) * 1024
        return cpu, int(info["MemoryInfo"]["SizeInMiB"] * (1 - OS_SHARE))

    def cost_order(name: str) -> tuple[Any, ...]:
        info = INSTANCE_TYPES[name]
        usual = GENERAL_PURPOSE.match(name) and info.get("Hypervisor") == "nitro"
        return (not usual, *size(name), name)

    fits = [
        name
        for name in matching_types(requirements, architecture)
        if size(name)[0] >= (need.get("CPU") or 0) and size(name)[1] >= (need.get("MEMORY") or 0)
    ]
    return min(fits, key=cost_order) if fits else None


def launch(
    backend: Any, provider: Any, cluster: Any, subnet: str, need: dict[str, Any], arch: str
) -> Any | None:
    """Launch one Managed Instance in `subnet` for a task needing `need`; its container
    instance (registered, sized by type), or None when no allowed type fits the task."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    config = provider.managed_instances_provider
    template = config["instanceLaunchTemplate"]
    kind = choose_type(template.get("instanceRequirements") or {}, need, arch)
    if kind is None:
        return None
    tags = {
        "AmazonECSCreated": MANAGED_TAG_VALUE,
        "AmazonECSManaged": MANAGED_TAG_VALUE,
        "aws:ecs:clusterName": cluster.name,
        "aws:ecs:capacityProviderName": provider.name,
        "aws:ec2:managed-launch": "ecs-managed-instances",
    }
    if config.get("propagateTags") == "CAPACITY_PROVIDER":
        tags.update({t["key"]: t.get("value", "") for t in provider.tags or []})
    provider._ecskit_launched = getattr(provider, "_ecskit_launched", 0) + 1
    groups = (template.get("networkConfiguration") or {}).get("securityGroups") or []
    image = next(iter(ec2.amis), "ami-12c6146b")
    with seeded(f"{provider.capacity_provider_arn}/instance/{provider._ecskit_launched}"):
        reservation = ec2.run_instances(
            image, 1, None, [], instance_type=kind, subnet_id=subnet,
            security_group_ids=list(groups), tags={"instance": tags},
            is_instance_type_default=False, region_name=backend.region_name,
            associate_public_ip=None,  # the subnet's own setting decides, as the guide says
        )  # fmt: skip
        instance = reservation.instances[0]
        ci = backend.register_container_instance(cluster.name, instance.id)
    size_by_type(ci, kind)
    ci.capacity_provider_name = provider.name
    ci._ecskit_subnet = subnet
    instance.add_tags({"aws:ecs:containerInstanceId": ci.id})
    return ci


def terminate(backend: Any, ci: Any) -> None:
    """The instance leaves the cluster (DEREGISTERING, then gone) and EC2 terminates it."""
    from moto.ec2.models import ec2_backends

    ci.status = "DEREGISTERING"
    backend.deregister_container_instance(ci.cluster_name, ci.id, True)
    ec2_backends[backend.account_id][backend.region_name].terminate_instances([ci.ec2_instance_id])


def epoch(value: Any) -> float:
    """A moto timestamp as seconds since 1970 (0 for none)."""
    if not isinstance(value, datetime):
        return 0.0
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()


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
