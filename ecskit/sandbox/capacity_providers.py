"""Capacity providers: CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider.

The sandbox emulates Auto Scaling group providers (moto stores them; fleet.py registers their
instances). ECS Managed Instances providers (`managedInstancesProvider`) are not emulated yet:
they answer UnsupportedFeatureException saying so. ECS's rules, with their sources:

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

from . import errors
from .errors import EcsError

RESERVED = ("FARGATE", "FARGATE_SPOT")
RESERVED_PREFIXES = ("aws", "ecs", "fargate")
MANAGED_INSTANCES = (
    "The ecskit sandbox does not emulate ECS Managed Instances capacity providers "
    "(managedInstancesProvider) yet; use an Auto Scaling group provider "
    "(autoScalingGroupProvider) in the sandbox, or a real AWS account."
)


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
        if body.get("managedInstancesProvider"):
            raise EcsError("UnsupportedFeatureException", MANAGED_INSTANCES)
        name = body.get("name") or ""
        if name.lower().startswith(RESERVED_PREFIXES):
            raise EcsError(
                "InvalidParameterException",
                f"The capacity provider name {name!r} can't start with 'aws', 'ecs' or "
                "'fargate'. Choose another name.",
            )
        group = body.get("autoScalingGroupProvider")
        if not group:
            raise EcsError(
                "InvalidParameterException",
                "Give autoScalingGroupProvider (with your Auto Scaling group's ARN) to create "
                "a capacity provider.",
            )
        if body.get("cluster"):
            errors.find_cluster(backend, body["cluster"])
        if name in backend.capacity_providers:
            raise EcsError(
                "ClientException",
                "The specified capacity provider already exists. To change the configuration "
                "of an existing capacity provider, update the capacity provider.",
            )
        arn = group.get("autoScalingGroupArn")
        for other in backend.capacity_providers.values():
            if (other.auto_scaling_group_provider or {}).get("autoScalingGroupArn") == arn:
                raise EcsError(
                    "ClientException",
                    "The specified Auto Scaling group ARN is already being used by another "
                    "capacity provider. Specify a unique Auto Scaling group ARN and try again.",
                )
        request = {k: v for k, v in body.items() if k != "cluster"}
        return self.moto(environ, "CreateCapacityProvider", request)

    def op_UpdateCapacityProvider(self, backend: Any, body: dict, environ: dict) -> dict:
        if body.get("managedInstancesProvider"):
            raise EcsError("UnsupportedFeatureException", MANAGED_INSTANCES)
        provider = find_provider(backend, body.get("name") or "")
        if not body.get("autoScalingGroupProvider"):
            raise EcsError(
                "InvalidParameterException",
                "Give autoScalingGroupProvider with the settings to change.",
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
        users = sorted(
            c.name
            for c in backend.clusters.values()
            if c.status == "ACTIVE" and provider.name in (c.capacity_providers or [])
        )
        if users:
            reason = (
                "The capacity provider cannot be deleted because it is associated with "
                f"cluster: {users[0]}. Remove the capacity provider from the cluster and try "
                "again."
            )
            provider.update_status = "DELETE_FAILED"
            answer.update(updateStatus="DELETE_FAILED", updateStatusReason=reason)
            return {"capacityProvider": answer}
        self.moto(environ, "DeleteCapacityProvider", {"capacityProvider": provider.name})
        answer["updateStatus"] = "DELETE_IN_PROGRESS"
        return {"capacityProvider": answer}
