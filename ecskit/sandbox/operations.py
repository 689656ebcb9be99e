"""The ECS operations the sandbox answers (or checks before moto does): clusters, task
definitions and capacity providers here; services (service_operations.py), tasks
(task_operations.py) and container instances (instance_operations.py) in their own modules.

`EcsOperations` is mixed into `EcsLayer` (layer.py), which routes each ECS call to the
`op_<Operation>` method here when there is one; every other operation goes to moto as it is.
A method gets moto's ECS backend, the request body and the WSGI environ, and returns the answer
(a dict) or raises `EcsError`.
"""

from __future__ import annotations

from typing import Any

from . import behaviour, errors, paging, service_linked_role
from .errors import EcsError
from .instance_operations import InstanceOperations
from .service_operations import ServiceOperations
from .task_operations import TaskOperations

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


class EcsOperations(ServiceOperations, TaskOperations, InstanceOperations):
    """The op_* handlers (uses EcsLayer's moto(), describe_service/_task, scheduler, hooks)."""

    # -- clusters ------------------------------------------------------------------------
    def op_CreateCluster(self, backend: Any, body: dict, environ: dict) -> dict:
        name = body.get("clusterName") or "default"
        existing = backend.clusters.get(name)
        if existing is not None and existing.status == "ACTIVE":
            # ECS: "If you create a cluster with the same name, the existing cluster is returned"
            found = self.moto(environ, "DescribeClusters", {"clusters": [name]})
            service_linked_role.ensure(backend.account_id)
            return {"cluster": found["clusters"][0]}
        if any(not setting.get("name") for setting in body.get("settings") or []):
            # ECS's "<Field> can not be blank." (docs/sandbox-errors.md, question 1)
            raise EcsError("InvalidParameterException", "Setting name can not be blank.")
        errors.check_rules("cluster", body)
        result = self.moto(environ, "CreateCluster", body)
        # "When you call the CreateCluster API operation, Amazon ECS attempts to create the
        # Amazon ECS service-linked role for your account" (botocore's CreateCluster docs)
        service_linked_role.ensure(backend.account_id)
        for hook in self.hooks:
            if hasattr(hook, "cluster_created"):
                hook.cluster_created(backend, backend.clusters[name], body)
        found = self.moto(environ, "DescribeClusters", {"clusters": [name], "include": ["TAGS"]})
        result["cluster"] = found["clusters"][0]
        return result

    def op_UpdateCluster(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        result = self.moto(environ, "UpdateCluster", body)
        if body.get("serviceConnectDefaults"):
            for hook in self.hooks:
                if hasattr(hook, "cluster_created"):
                    hook.cluster_created(backend, cluster, body)
            found = self.moto(environ, "DescribeClusters", {"clusters": [cluster.name]})
            result["cluster"] = found["clusters"][0]
        return result

    def op_DeleteCluster(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_delete_cluster(backend, body)
        return self.moto(environ, "DeleteCluster", body)

    def op_DescribeClusters(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_describe_limit("DescribeClusters", body)
        self._sync_fleet(backend)
        return self.moto(environ, "DescribeClusters", body)

    def op_ListClusters(self, backend: Any, body: dict, environ: dict) -> dict:
        arns = [c.arn for c in backend.clusters.values() if c.status == "ACTIVE"]
        return paging.paginate("ListClusters", body, {"clusterArns": arns})

    # -- task definitions ------------------------------------------------------------------
    def op_RegisterTaskDefinition(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_rules("task-definition", body)
        for path, message in behaviour.check_definition(body)[:1]:
            # a behaviour label the sandbox cannot follow: refused now, not silently at start
            raise EcsError("ClientException", f"{path}: {message}")
        result = self.moto(environ, "RegisterTaskDefinition", body)
        arn = result["taskDefinition"]["taskDefinitionArn"]
        family, revision = arn.split("/")[-1].split(":")
        td = backend.task_definitions[family][int(revision)]
        # moto 5.2.5 forces awsvpc on anything not EC2-only: ECS keeps what was asked
        td.network_mode = body.get("networkMode") or "bridge"
        td.compatibilities = _compatibilities(td, body)
        found = self.moto(
            environ, "DescribeTaskDefinition", {"taskDefinition": arn, "include": ["TAGS"]}
        )
        return {"taskDefinition": found["taskDefinition"], "tags": found.get("tags") or []}

    def op_ListTaskDefinitions(self, backend: Any, body: dict, environ: dict) -> dict:
        family = body.get("familyPrefix")
        status = body.get("status") or "ACTIVE"
        found = [
            td
            for name, revisions in backend.task_definitions.items()
            if family is None or name == family
            for td in revisions.values()
            if status == "ALL" or td.status == status
        ]
        found.sort(key=lambda td: (td.family, td.revision), reverse=body.get("sort") == "DESC")
        return paging.paginate(
            "ListTaskDefinitions", body, {"taskDefinitionArns": [td.arn for td in found]}
        )

    def op_ListTaskDefinitionFamilies(self, backend: Any, body: dict, environ: dict) -> dict:
        prefix = body.get("familyPrefix") or ""
        status = body.get("status") or "ACTIVE"
        families = []
        for name, revisions in sorted(backend.task_definitions.items()):
            if not name.startswith(prefix) or not revisions:
                continue
            active = any(td.status == "ACTIVE" for td in revisions.values())
            if status == "ALL" or (status == "ACTIVE") == active:
                families.append(name)
        return paging.paginate("ListTaskDefinitionFamilies", body, {"families": families})

    # -- capacity providers ----------------------------------------------------------------
    def op_DescribeCapacityProviders(self, backend: Any, body: dict, environ: dict) -> dict:
        """FARGATE and FARGATE_SPOT exist in every account, beside the account's own; with
        `cluster`, "only capacity providers associated with this cluster are returned"."""
        names = body.get("capacityProviders")
        wanted = names if names else ["FARGATE", "FARGATE_SPOT", *backend.capacity_providers]
        if body.get("cluster"):
            associated = set(errors.find_cluster(backend, body["cluster"]).capacity_providers or [])
            wanted = [n for n in wanted if n.split("/")[-1] in associated]
            body = {k: v for k, v in body.items() if k != "cluster"}
        managed = [n for n in wanted if n.split("/")[-1] in FARGATE_PROVIDERS]
        own = [n for n in wanted if n.split("/")[-1] not in FARGATE_PROVIDERS]
        result: dict[str, Any] = {"capacityProviders": [], "failures": []}
        if own:
            result = self.moto(
                environ, "DescribeCapacityProviders", {**body, "capacityProviders": own}
            )
        prefix = f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:capacity-provider"
        fargate = [
            {
                "capacityProviderArn": f"{prefix}/{n.split('/')[-1]}",
                "name": n.split("/")[-1],
                "status": "ACTIVE",
                "tags": [],
            }
            for n in managed
        ]
        result["capacityProviders"] = fargate + result["capacityProviders"]
        return result


def _compatibilities(td: Any, body: dict[str, Any]) -> list[str]:
    """Where a revision can run, as ECS reports it: EC2 always, Fargate and External if fit."""
    found = ["EC2"]
    if td.network_mode == "awsvpc" and td.cpu and td.memory:
        found.append("FARGATE")
    if td.network_mode != "awsvpc":
        found.append("EXTERNAL")
    found += [c for c in body.get("requiresCompatibilities") or [] if c not in found]
    return found
