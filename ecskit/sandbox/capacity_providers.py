"""Capacity providers: CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider.

The sandbox emulates Auto Scaling group providers (moto stores them; fleet.py registers their
instances) and ECS Managed Instances providers (`managedInstancesProvider`: checked and made in
managed_instances.py; fleet.py launches their instances). Describe shows each provider's `type`
(EC2_AUTOSCALING or MANAGED_INSTANCES, botocore's CapacityProviderType). ECS's rules, with
their sources:

- "The name can't be prefixed with "aws", "ecs", or "fargate"." (botocore's CreateCapacityProvider
  docstring); FARGATE and FARGATE_SPOT "are reserved and can't be deleted" (DeleteCapacityProvider).
- A name in use: ClientException "The specified capacity provider already exists. To change the
  configuration of an existing capacity provider, update the capacity provider."
  (https://github.com/aws/containers-roadmap/issues/688); an Auto Scaling group another provider
  uses: ClientException "The specified Auto Scaling group ARN is already being used by another
  capacity provider. Specify a unique Auto Scaling group ARN and try again."
  (https://github.com/aws/containers-roadmap/issues/632).
- DeleteCapacityProvider answers the provider with `updateStatus` DELETE_IN_PROGRESS (aws-cli's
  examples/ecs/delete-capacity-provider.rst). A provider still associated with a cluster is not
  deleted: the answer (no error) has `updateStatus` DELETE_FAILED and the reason "The capacity
  provider cannot be deleted because it is associated with cluster: X. Remove the capacity
  provider from the cluster and try again."
  (https://github.com/hashicorp/terraform-provider-aws/pull/48156,
  https://github.com/ekristen/aws-nuke/pull/542).
- UpdateCapacityProvider answers `updateStatus` UPDATE_IN_PROGRESS (aws-cli's
  examples/ecs/capacity-provider-update.rst); describing it afterwards shows UPDATE_COMPLETE.
"""

from __future__ import annotations

from typing import Any

from . import errors, managed_instances
from .errors import EcsError

RESERVED = ("FARGATE", "FARGATE_SPOT")
RESERVED_PREFIXES = ("aws", "ecs", "fargate")


def find_provider(backend: Any, name: str) -> Any:
    """The account's capacity provider with this name or ARN, or ECS's error."""
    short = (name or "").split("/")[-1]
    if short in RESERVED:
        raise EcsError(
            "ClientException",
            f"{short} is reserved: it can't be updated or deleted. Remove it from a cluster "
            "with PutClusterCapacityProviders.",
        )
    provider = backend.capacity_providers.get(short)
    if provider is None:
        # wording ours: no public record of ECS's message for an unknown capacity provider
        raise EcsError(
            "ClientException",
            f"The capacity provider {name!r} was not found. DescribeCapacityProviders lists "
            "the account's providers.",
        )
    return provider


class CapacityProviders:
    """The op_* handlers for capacity providers (uses EcsLayer's moto())."""

    def op_CreateCapacityProvider(self, backend: Any, body: dict, environ: dict) -> dict:
        name = body.get("name") or ""
        if name.lower().startswith(RESERVED_PREFIXES):
            raise EcsError(
                "InvalidParameterException",
                f"The capacity provider name {name!r} can't start with 'aws', 'ecs' or "
                "'fargate'. Choose another name.",
            )
        if name in backend.capacity_providers:
            raise EcsError(
                "ClientException",
                "The specified capacity provider already exists. To change the configuration "
                "of an existing capacity provider, update the capacity provider.",
            )
        if body.get("managedInstancesProvider"):
            provider = managed_instances.create(backend, body)
            return {"capacityProvider": self._provider_answer(environ, provider.name)}
        group = body.get("autoScalingGroupProvider")
        if not group:
            raise EcsError(
                "InvalidParameterException",
                "Give autoScalingGroupProvider (your Auto Scaling group's ARN) or "
                "managedInstancesProvider (ECS Managed Instances) to create a capacity provider.",
            )
        if body.get("cluster"):
            errors.find_cluster(backend, body["cluster"])
        arn = group.get("autoScalingGroupArn")
        for other in backend.capacity_providers.values():
            if (other.auto_scaling_group_provider or {}).get("autoScalingGroupArn") == arn:
                raise EcsError(
                    "ClientException",
                    "The specified Auto Scaling group ARN is already being used by another "
                    "capacity provider. Specify a unique Auto Scaling group ARN and try again.",
                )
        request = {k: v for k, v in body.items() if k != "cluster"}
        result = self.moto(environ, "CreateCapacityProvider", request)
        backend.capacity_providers[name].type = "EC2_AUTOSCALING"
        result["capacityProvider"]["type"] = "EC2_AUTOSCALING"
        return result

    def _provider_answer(self, environ: dict, name: str) -> dict:
        found = self.moto(
            environ, "DescribeCapacityProviders", {"capacityProviders": [name], "include": ["TAGS"]}
        )
        return found["capacityProviders"][0]

    def op_UpdateCapacityProvider(self, backend: Any, body: dict, environ: dict) -> dict:
        provider = find_provider(backend, body.get("name") or "")
        managed = managed_instances.is_managed(provider)
        wanted = "managedInstancesProvider" if managed else "autoScalingGroupProvider"
        other = "autoScalingGroupProvider" if managed else "managedInstancesProvider"
        if body.get(other):
            raise EcsError(
                "InvalidParameterException",
                f"The capacity provider {provider.name} is "
                f"{'an ECS Managed Instances' if managed else 'an Auto Scaling group'} provider: "
                f"give {wanted}, not {other}.",
            )
        if managed and body.get(wanted):
            managed_instances.update(backend, provider, body)
            answer = self._provider_answer(environ, provider.name)
            return {"capacityProvider": {**answer, "updateStatus": "UPDATE_IN_PROGRESS"}}
        if not body.get(wanted):
            raise EcsError(
                "InvalidParameterException",
                f"Give {wanted} with the settings to change.",
            )
        request = {
            "name": provider.name,
            "autoScalingGroupProvider": body["autoScalingGroupProvider"],
        }
        result = self.moto(environ, "UpdateCapacityProvider", request)
        result["capacityProvider"]["updateStatus"] = "UPDATE_IN_PROGRESS"
        return result

    def op_DeleteCapacityProvider(self, backend: Any, body: dict, environ: dict) -> dict:
        provider = find_provider(backend, body.get("capacityProvider") or "")
        found = self.moto(
            environ, "DescribeCapacityProviders", {"capacityProviders": [provider.name]}
        )
        answer = found["capacityProviders"][0]
        managed = managed_instances.is_managed(provider)
        reason = _in_use(backend, provider, managed)
        if reason:
            provider.update_status = "DELETE_FAILED"
            answer.update(updateStatus="DELETE_FAILED", updateStatusReason=reason)
            return {"capacityProvider": answer}
        if managed:  # its instances are terminated and its cluster forgets it
            managed_instances.retire(backend, provider)
            self._cluster_changed(backend, provider.cluster)
        self.moto(environ, "DeleteCapacityProvider", {"capacityProvider": provider.name})
        answer["updateStatus"] = "DELETE_IN_PROGRESS"
        return {"capacityProvider": answer}


def _in_use(backend: Any, provider: Any, managed: bool) -> str | None:
    """Why the provider cannot be deleted yet, or None. A Managed Instances provider always
    belongs to its cluster: it is in use while a service's strategy names it."""
    if managed:
        services = managed_instances.users(backend, provider)
        if not services:
            return None
        # wording ours, in the shape of ECS's "associated with cluster" reason below
        return (
            "The capacity provider cannot be deleted because it is used by service: "
            f"{services[0]}. Update the service to another capacity provider strategy, or "
            "delete it, and try again."
        )
    users = sorted(
        c.name
        for c in backend.clusters.values()
        if c.status == "ACTIVE" and provider.name in (c.capacity_providers or [])
    )
    if not users:
        return None
    return (
        "The capacity provider cannot be deleted because it is associated with "
        f"cluster: {users[0]}. Remove the capacity provider from the cluster and try "
        "again."
    )
