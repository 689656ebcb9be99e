"""ECS Managed Instances capacity providers: their checks, and Create/Update/Delete.

A Managed Instances provider (`managedInstancesProvider`, provider `type` MANAGED_INSTANCES)
belongs to one cluster; ECS launches, patches and stops its EC2 instances (fleet.py launches
them in moto's EC2, placement.py puts tasks on them). Sources:

- botocore's ECS model (CreateCapacityProvider, CapacityProvider, ManagedInstancesProvider,
  InstanceLaunchTemplate, InstanceRequirementsRequest, InfrastructureOptimization): `cluster`
  "is required for Managed instances" and the provider "becomes available only within the
  specified cluster"; infrastructureRoleArn and instanceLaunchTemplate (with
  ec2InstanceProfileArn and networkConfiguration) are required; subnets "must be in the same
  VPC"; vCpuCount and memoryMiB are ranges with a required `min`; scaleInAfter is null (the
  default), -1 (off) or 0 to 3600 seconds.
- The infrastructure role is assumed by ECS: its trust policy names ecs.amazonaws.com
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html).
- The instance profile holds a role trusted by ec2.amazonaws.com
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html).

ECS's own error messages for these cases are not published: the messages below are ours, each
naming the field and the fix (docs/managed-instances.md lists them).
"""

from __future__ import annotations

import json
from typing import Any

from . import errors
from .errors import EcsError

TYPE = "MANAGED_INSTANCES"
INFRASTRUCTURE_PRINCIPAL = "ecs.amazonaws.com"
INSTANCE_PRINCIPAL = "ec2.amazonaws.com"
SCALE_IN_RANGE = (0, 3600)
DEFAULT_SCALE_IN_AFTER = 600  # seconds; ours: ECS does not publish its default delay
FIELD = "managedInstancesProvider"
TEMPLATE = f"{FIELD}.instanceLaunchTemplate"


def is_managed(provider: Any) -> bool:
    return getattr(provider, "type", None) == TYPE


def of_cluster(backend: Any, cluster: str) -> list[Any]:
    """The cluster's Managed Instances providers, in the order they were made."""
    return [
        p
        for p in backend.capacity_providers.values()
        if is_managed(p) and p.cluster == cluster and p.status == "ACTIVE"
    ]


def _invalid(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


# -- checks --------------------------------------------------------------------------------
def _iam(backend: Any) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[backend.account_id]["global"]


def _found(lookup: Any, message: str) -> Any:
    """What `lookup()` finds, or InvalidParameterException(message) when moto has none."""
    try:
        return lookup()
    except Exception:  # moto's NoSuchEntity / InvalidSubnetID.NotFound
        raise _invalid(message) from None


def _trusts(role: Any, principal: str) -> bool:
    """True if the role's trust policy lets `principal` (a service) assume it."""
    try:
        document = json.loads(role.assume_role_policy_document or "{}")
    except (TypeError, ValueError):
        return False
    statements = document.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        services = (statement.get("Principal") or {}).get("Service") or []
        services = [services] if isinstance(services, str) else services
        if principal in services:
            return True
    return False


def _trust_hint(principal: str) -> str:
    return (
        f'add a statement {{"Effect": "Allow", "Principal": {{"Service": "{principal}"}}, '
        '"Action": "sts:AssumeRole"} to its trust policy'
    )


def check_infrastructure_role(backend: Any, arn: str) -> None:
    field = f"{FIELD}.infrastructureRoleArn"
    if not arn:
        raise _invalid(f"{field} is required: the ARN of the role ECS assumes to manage instances.")
    role = _found(
        lambda: _iam(backend).get_role_by_arn(arn),
        f"{field}: the role {arn} does not exist. Create it (trusted by "
        f"{INFRASTRUCTURE_PRINCIPAL}, with AmazonECSInfrastructureRolePolicyForManagedInstances) "
        "and try again.",
    )
    if not _trusts(role, INFRASTRUCTURE_PRINCIPAL):
        raise _invalid(
            f"{field}: ECS cannot assume the role {role.name}: "
            f"{_trust_hint(INFRASTRUCTURE_PRINCIPAL)}."
        )


def check_instance_profile(backend: Any, arn: str) -> None:
    field = f"{TEMPLATE}.ec2InstanceProfileArn"
    if not arn:
        raise _invalid(f"{field} is required: the ARN of the instance profile for the instances.")
    profile = _found(
        lambda: _iam(backend).get_instance_profile_by_arn(arn),
        f"{field}: the instance profile {arn} does not exist. Create it (aws iam "
        f"create-instance-profile) with a role trusted by {INSTANCE_PRINCIPAL}, then try again.",
    )
    roles = list(profile.roles or [])
    if not roles:
        raise _invalid(
            f"{field}: the instance profile {profile.name} holds no role: add one with "
            "aws iam add-role-to-instance-profile."
        )
    if not _trusts(roles[0], INSTANCE_PRINCIPAL):
        raise _invalid(
            f"{field}: EC2 cannot assume the role {roles[0].name} of instance profile "
            f"{profile.name}: {_trust_hint(INSTANCE_PRINCIPAL)}."
        )


def check_network(backend: Any, network: dict[str, Any]) -> None:
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    field = f"{TEMPLATE}.networkConfiguration"
    subnets = network.get("subnets") or []
    if not subnets:
        # wording ours: the instances are launched into these subnets, so at least one is needed
        raise _invalid(f"{field}.subnets: give at least one subnet to launch instances in.")
    vpcs = set()
    for subnet_id in subnets:
        subnet = _found(
            lambda s=subnet_id: ec2.get_subnet(s),
            f"{field}.subnets: the subnet {subnet_id} does not exist.",
        )
        vpcs.add(subnet.vpc_id)
    if len(vpcs) > 1:
        raise _invalid(
            f"{field}.subnets: all subnets must be in the same VPC; these are in "
            f"{', '.join(sorted(vpcs))}."
        )
    for group_id in network.get("securityGroups") or []:
        group = ec2.get_security_group_from_id(group_id)
        if group is None:
            raise _invalid(f"{field}.securityGroups: the security group {group_id} does not exist.")
        if group.vpc_id not in vpcs:
            raise _invalid(
                f"{field}.securityGroups: the security group {group_id} is in {group.vpc_id}, "
                f"not in the subnets' VPC {next(iter(vpcs))}."
            )


def check_requirements(requirements: dict[str, Any] | None) -> None:
    if not requirements:
        return
    from .fleet import matching_types

    for key in ("vCpuCount", "memoryMiB"):
        bounds = requirements.get(key) or {}
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and high is not None and low > high:
            raise _invalid(
                f"{TEMPLATE}.instanceRequirements.{key}: min ({low}) is greater than max ({high})."
            )
    if not matching_types(requirements):
        raise _invalid(
            f"{TEMPLATE}.instanceRequirements: no EC2 instance type matches these requirements; "
            "widen the vCPU or memory range or the allowed instance types."
        )


def check_optimization(config: dict[str, Any]) -> None:
    after = (config.get("infrastructureOptimization") or {}).get("scaleInAfter")
    low, high = SCALE_IN_RANGE
    if after is not None and after != -1 and not low <= after <= high:
        raise _invalid(
            f"{FIELD}.infrastructureOptimization.scaleInAfter must be -1 (never scale in) or "
            f"{low} to {high} seconds; got {after}."
        )


def check(backend: Any, config: dict[str, Any]) -> None:
    """Everything a managedInstancesProvider must be, checked before anything is made."""
    check_infrastructure_role(backend, config.get("infrastructureRoleArn") or "")
    template = config.get("instanceLaunchTemplate") or {}
    check_instance_profile(backend, template.get("ec2InstanceProfileArn") or "")
    check_network(backend, template.get("networkConfiguration") or {})
    check_requirements(template.get("instanceRequirements"))
    check_optimization(config)


# -- the operations ------------------------------------------------------------------------
def create(backend: Any, body: dict[str, Any]) -> Any:
    """A new Managed Instances provider in `body["cluster"]` (checked first: nothing half-made)."""
    from moto.ecs.models import CapacityProvider

    if body.get("autoScalingGroupProvider"):
        raise _invalid(
            "Give autoScalingGroupProvider or managedInstancesProvider, not both: a capacity "
            "provider has one kind of capacity."
        )
    if not body.get("cluster"):
        raise _invalid(
            "cluster is required for a Managed Instances capacity provider: name the cluster "
            "it serves (it can be used only there)."
        )
    cluster = errors.find_cluster(backend, body["cluster"])
    config = dict(body[FIELD])
    check(backend, config)
    provider = CapacityProvider(
        backend.account_id, backend.region_name, body["name"], {}, body.get("tags") or []
    )
    provider.auto_scaling_group_provider = None
    provider.managed_instances_provider = config
    provider.type = TYPE
    provider.cluster = cluster.name
    backend.capacity_providers[provider.name] = provider
    # cluster-scoped: usable in the cluster's strategies at once
    if provider.name not in (cluster.capacity_providers or []):
        cluster.capacity_providers = [*(cluster.capacity_providers or []), provider.name]
    cluster._ecskit_managed = {*getattr(cluster, "_ecskit_managed", ()), provider.name}
    return provider


def update(backend: Any, provider: Any, body: dict[str, Any]) -> None:
    """Apply UpdateCapacityProvider's managedInstancesProvider (new instances use it)."""
    if body.get("cluster") and errors.cluster_name(body["cluster"]) != provider.cluster:
        raise _invalid(
            f"The capacity provider {provider.name} belongs to cluster {provider.cluster}, not "
            f"{errors.cluster_name(body['cluster'])}."
        )
    change = body[FIELD]
    config = {**provider.managed_instances_provider}
    for key, value in change.items():
        if key == "instanceLaunchTemplate":
            config[key] = {**config.get(key, {}), **value}
        else:
            config[key] = value
    check(backend, config)
    provider.managed_instances_provider = config
    provider.update_status = "UPDATE_COMPLETE"


def users(backend: Any, provider: Any) -> list[str]:
    """The services (not INACTIVE) whose strategy names the provider."""
    return sorted(
        s.name
        for s in backend.services.values()
        if s.cluster_name == provider.cluster
        and s.status != "INACTIVE"
        and any(
            item.get("capacityProvider") == provider.name
            for item in getattr(s, "capacity_provider_strategy", None) or []
        )
    )


def retire(backend: Any, provider: Any) -> None:
    """Before deletion: its instances stop and leave the cluster, and the cluster forgets it."""
    from .fleet import terminate

    cluster = backend.clusters.get(provider.cluster)
    for instance in list(backend.container_instances.get(provider.cluster, {}).values()):
        if getattr(instance, "capacity_provider_name", None) == provider.name:
            terminate(backend, instance)
    if cluster is not None and provider.name in (cluster.capacity_providers or []):
        cluster.capacity_providers = [n for n in cluster.capacity_providers if n != provider.name]
    if cluster is not None:
        cluster._ecskit_managed = set(getattr(cluster, "_ecskit_managed", ())) - {provider.name}


def scale_in(backend: Any) -> list[Any]:
    """Managed Instances with no task for their provider's scaleInAfter: terminated."""
    from moto.ecs.models import utcnow  # the sandbox's time (recording.py)

    from .fleet import epoch, terminate

    now = epoch(utcnow())
    touched = []
    for provider in [p for p in backend.capacity_providers.values() if is_managed(p)]:
        after = (provider.managed_instances_provider.get("infrastructureOptimization") or {}).get(
            "scaleInAfter"
        )
        if after == -1:
            continue
        delay = DEFAULT_SCALE_IN_AFTER if after is None else after
        tasks = list(backend.tasks.get(provider.cluster, {}).values())
        for ci in list(backend.container_instances.get(provider.cluster, {}).values()):
            if ci.capacity_provider_name != provider.name or ci.status != "ACTIVE":
                continue
            mine = [t for t in tasks if t.container_instance_arn == ci.container_instance_arn]
            if any(t.last_status != "STOPPED" for t in mine):
                continue
            since = max(
                [epoch(ci.registered_at)]
                + [epoch(getattr(t, "execution_stopped_at", None)) for t in mine]
                + [epoch(getattr(t, "stopping_at", None)) for t in mine]
            )
            if now - since >= delay:
                terminate(backend, ci)
                touched.append(backend.clusters[provider.cluster])
    return touched
