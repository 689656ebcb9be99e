"""The ECS operations on container instances the sandbox answers: register, list, describe,
drain, and the cluster's capacity providers that bring them (mixed into EcsLayer through
EcsOperations, operations.py; the other container-instance operations: container_instances.py).
"""

from __future__ import annotations

from typing import Any

from . import errors, fleet, managed_instances, paging
from .errors import EcsError


class InstanceOperations:
    """The container instances' op_* handlers (uses EcsLayer's moto(), scheduler, hooks)."""

    def op_ListContainerInstances(self, backend: Any, body: dict, environ: dict) -> dict:
        self._sync_fleet(backend)
        result = self.moto(environ, "ListContainerInstances", body)
        return paging.paginate("ListContainerInstances", body, result)

    def op_PutClusterCapacityProviders(self, backend: Any, body: dict, environ: dict) -> dict:
        result = self.moto(environ, "PutClusterCapacityProviders", body)
        if self._sync_fleet(backend):
            found = self.moto(environ, "DescribeClusters", {"clusters": [body.get("cluster")]})
            result["cluster"] = found["clusters"][0]
        return result

    def _sync_fleet(self, backend: Any) -> bool:
        """Register Auto Scaling group instances of capacity providers and scale in idle Managed
        Instances; True if any cluster's instances changed."""
        touched = fleet.sync_auto_scaling(backend) + managed_instances.scale_in(backend)
        for cluster in touched:
            self._cluster_changed(backend, cluster.name)
        if touched:
            self.scheduler.tick()
        return bool(touched)

    def _cluster_changed(self, backend: Any, name: str) -> None:
        from .scheduler import count_cluster

        cluster = backend.clusters.get(name)
        if cluster is not None:
            count_cluster(backend, cluster)

    # -- container instances ---------------------------------------------------------------
    def op_DescribeContainerInstances(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_describe_limit("DescribeContainerInstances", body)
        errors.find_cluster(backend, body.get("cluster"))  # ClusterNotFound comes first
        if not body.get("containerInstances"):
            raise EcsError("InvalidParameterException", "ContainerInstances can not be blank.")
        self._sync_fleet(backend)
        return self._on_known_instances(backend, body, environ, "DescribeContainerInstances")

    def op_UpdateContainerInstancesState(self, backend: Any, body: dict, environ: dict) -> dict:
        return self._on_known_instances(backend, body, environ, "UpdateContainerInstancesState")

    def _on_known_instances(self, backend: Any, body: dict, environ: dict, operation: str) -> dict:
        """moto's answer for the cluster's container instances named; the others as MISSING
        failures (moto crashes on an instance it does not know)."""
        cluster = errors.find_cluster(backend, body.get("cluster"))
        known, failures = known_instances(backend, cluster, body.get("containerInstances") or [])
        result: dict[str, Any] = {"containerInstances": [], "failures": failures}
        if known:
            request = {**body, "cluster": cluster.name, "containerInstances": known}
            found = self.moto(environ, operation, request)
            result["containerInstances"] = found.get("containerInstances") or []
        return result

    def op_RegisterContainerInstance(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.find_cluster(backend, body.get("cluster"))
        external = fleet.register_external(backend, body)
        if external is None and not _identity_document(body.get("instanceIdentityDocument")):
            # wording ours: the container agent always sends the EC2 identity document
            raise EcsError(
                "InvalidParameterException",
                "InstanceIdentityDocument must be the EC2 instance identity document (a JSON "
                "object) that the container agent sends; the sandbox registers the instance "
                "from it.",
            )
        if external is not None:
            self._cluster_changed(backend, external.cluster_name)
            found = self.moto(
                environ,
                "DescribeContainerInstances",
                {"cluster": external.cluster_name, "containerInstances": [external.id]},
            )
            return {"containerInstance": found["containerInstances"][0]}
        result = self.moto(environ, "RegisterContainerInstance", body)
        self._cluster_changed(backend, errors.cluster_name(body.get("cluster")))
        for hook in self.hooks:
            if hasattr(hook, "instance_registered"):
                hook.instance_registered(backend, body, result)
        return result


def _identity_document(text: str | None) -> dict | None:
    """The EC2 instance identity document (a JSON object), or None if it is not one."""
    import json

    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def known_instances(backend: Any, cluster: Any, names: list[str]) -> tuple[list[str], list[dict]]:
    """The ids of the cluster's container instances named, and a MISSING failure for each
    other name (the API reference's failure reason for an instance it cannot find)."""
    mine = backend.container_instances.get(cluster.name, {})
    known, failures = [], []
    for name in names:
        wanted = (name or "").split("/")[-1]
        if wanted and wanted in mine:
            known.append(wanted)
        else:
            arn = name if name.startswith("arn:") else (
                f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:container-instance/"
                f"{cluster.name}/{wanted}"
            )  # fmt: skip
            failures.append({"arn": arn, "reason": "MISSING"})
    return known, failures
