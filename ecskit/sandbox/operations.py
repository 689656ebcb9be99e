"""The ECS operations the sandbox answers (or checks before moto does): clusters, task
definitions, services, tasks, capacity providers and container instances.

`EcsOperations` is mixed into `EcsLayer` (layer.py), which routes each ECS call to the
`op_<Operation>` method here when there is one; every other operation goes to moto as it is.
A method gets moto's ECS backend, the request body and the WSGI environ, and returns the answer
(a dict) or raises `EcsError`.
"""

from __future__ import annotations

from typing import Any

from . import behaviour, errors, fleet, paging, placement
from .errors import EcsError

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


class EcsOperations:
    """The op_* handlers (uses EcsLayer's moto(), describe_service/_task, scheduler, hooks)."""

    # -- clusters ------------------------------------------------------------------------
    def op_CreateCluster(self, backend: Any, body: dict, environ: dict) -> dict:
        name = body.get("clusterName") or "default"
        existing = backend.clusters.get(name)
        if existing is not None and existing.status == "ACTIVE":
            # ECS: "If you create a cluster with the same name, the existing cluster is returned"
            found = self.moto(environ, "DescribeClusters", {"clusters": [name]})
            return {"cluster": found["clusters"][0]}
        if any(not setting.get("name") for setting in body.get("settings") or []):
            # ECS's "<Field> can not be blank." (docs/sandbox-errors.md, question 1)
            raise EcsError("InvalidParameterException", "Setting name can not be blank.")
        errors.check_rules("cluster", body)
        result = self.moto(environ, "CreateCluster", body)
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

    # -- services ------------------------------------------------------------------------
    def op_CreateService(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_create_service(backend, body)
        self._sync_fleet(backend)
        td = errors.find_task_definition(backend, body.get("taskDefinition"))
        _check_network(td, body)
        errors.check_rules("service", body, task_definition=td)
        self._check_hooks(backend, body, None)
        self.moto(environ, "CreateService", _default_security_group(backend, body))
        cluster = errors.cluster_name(body.get("cluster"))
        service = backend.services[f"{cluster}:{body['serviceName']}"]
        service.service_connect_configuration = body.get("serviceConnectConfiguration")
        # "For create service requests, when no value is specified ..., Amazon ECS defaults the
        # value to ENABLED." (botocore's CreateService.availabilityZoneRebalancing)
        service.availability_zone_rebalancing = body.get("availabilityZoneRebalancing") or "ENABLED"
        service.volume_configurations = body.get("volumeConfigurations")
        self.scheduler.created(backend, service, body)
        for hook in self.hooks:
            if hasattr(hook, "service_created"):
                hook.service_created(backend, service, body)
        return {"service": self.describe_service(environ, service)}

    def op_UpdateService(self, backend: Any, body: dict, environ: dict) -> dict:
        service = errors.check_update_service(backend, body)
        td = errors.find_task_definition(
            backend, body.get("taskDefinition") or service.task_definition, active=False
        )
        if body.get("taskDefinition"):
            errors.find_task_definition(backend, body["taskDefinition"])
        errors.check_rules("update-service", body, task_definition=td)
        self._check_hooks(backend, body, service)
        before = service.task_definition
        connect_before = getattr(service, "service_connect_configuration", None)
        conf = dict(getattr(service, "deployment_configuration", None) or {})
        self.moto(environ, "UpdateService", _default_security_group(backend, body))
        service.deployment_configuration = {**conf, **(body.get("deploymentConfiguration") or {})}
        if "serviceConnectConfiguration" in body:
            service.service_connect_configuration = body["serviceConnectConfiguration"]
        # UpdateService keeps the existing value when none is given (its botocore documentation)
        if body.get("availabilityZoneRebalancing"):
            service.availability_zone_rebalancing = body["availabilityZoneRebalancing"]
        if "volumeConfigurations" in body:
            service.volume_configurations = body["volumeConfigurations"]
        # a new Service Connect configuration is a new deployment (service-connect-concepts-deploy)
        connect_changed = service.service_connect_configuration != connect_before
        self.scheduler.updated(
            backend,
            service,
            {**body, "forceNewDeployment": True} if connect_changed else body,
            before,
        )
        for hook in self.hooks:
            if hasattr(hook, "service_updated"):
                hook.service_updated(backend, service, body)
        return {"service": self.describe_service(environ, service)}

    def _check_hooks(self, backend: Any, body: dict, service: Any) -> None:
        """Checks of the services around ECS (Service Connect's namespace) before moto stores."""
        for hook in self.hooks:
            if hasattr(hook, "check_service"):
                hook.check_service(backend, body, service)

    def op_DeleteService(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.find_cluster(backend, body.get("cluster"))
        self.moto(environ, "DeleteService", body)
        cluster = errors.cluster_name(body.get("cluster"))
        service = backend.services[f"{cluster}:{(body.get('service') or '').split('/')[-1]}"]
        self.scheduler.deleted(service)
        return {"service": self.describe_service(environ, service)}

    def op_DescribeServices(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_describe_limit("DescribeServices", body)
        errors.find_cluster(backend, body.get("cluster"))
        return self.moto(environ, "DescribeServices", body)

    def op_ListServices(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        arns = sorted(
            s.arn
            for s in backend.services.values()
            if s.cluster_name == cluster.name
            and s.status != "INACTIVE"
            and body.get("launchType") in (None, s.launch_type)
            and body.get("schedulingStrategy") in (None, s.scheduling_strategy)
        )
        return paging.paginate("ListServices", body, {"serviceArns": arns})

    def op_ListServicesByNamespace(self, backend: Any, body: dict, environ: dict) -> dict:
        namespace = body.get("namespace") or ""
        arns = []
        for service in backend.services.values():
            conf = getattr(service, "service_connect_configuration", None) or {}
            if service.status == "INACTIVE" or not conf.get("enabled"):
                continue
            ns = conf.get("namespace")
            if not ns:
                cluster = backend.clusters.get(service.cluster_name)
                ns = ((cluster and cluster.service_connect_defaults) or {}).get("namespace")
            if (ns and (ns == namespace or ns.split("/")[-1] == namespace.split("/")[-1])) or (
                ns and _namespace_name(ns) == namespace
            ):
                arns.append(service.arn)
        return paging.paginate("ListServicesByNamespace", body, {"serviceArns": sorted(arns)})

    # -- tasks ---------------------------------------------------------------------------
    def op_RunTask(self, backend: Any, body: dict, environ: dict) -> dict:
        td = errors.check_run_task(backend, body)
        self._sync_fleet(backend)
        _check_network(td, body)
        errors.check_rules("run-task", body, task_definition=td)
        cluster = errors.find_cluster(backend, body.get("cluster"))
        failures: list[dict] = []
        if _runs_on_instances(cluster, body):
            if not any(
                ci.status == "ACTIVE"
                for ci in backend.container_instances.get(cluster.name, {}).values()
            ):
                raise EcsError("InvalidParameterException", placement.NO_INSTANCES)
            placed, failures = placement.plan(backend, cluster.name, td, body.get("count", 1))
            if placed == 0:
                return {"tasks": [], "failures": failures}
            body = {**body, "count": placed}
        body = _default_security_group(backend, body)
        strategy = body.get("capacityProviderStrategy")
        if not strategy or len(strategy) == 1 or _runs_on_instances(cluster, body):
            result = self.moto(environ, "RunTask", body)
            result["failures"] = failures
            return result
        # several Fargate providers: each provider's share by base and weight, as services do
        tasks: list[dict] = []
        shares = placement.over_providers(strategy, {}, int(body.get("count") or 1))
        for name, count in shares:
            share = [{"capacityProvider": name, "weight": 1}]
            answer = self.moto(
                environ, "RunTask", {**body, "capacityProviderStrategy": share, "count": count}
            )
            tasks += answer.get("tasks") or []
        return {"tasks": tasks, "failures": failures}

    def op_StopTask(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        task_id = (body.get("task") or "").split("/")[-1]
        task = next(
            (t for arn, t in backend.tasks.get(cluster.name, {}).items() if arn.endswith(task_id)),
            None,
        )
        if not task_id or task is None:
            raise EcsError("InvalidParameterException", "The referenced task was not found.")
        self.lifecycle.stop(task, "UserInitiated", body.get("reason") or "Task stopped by user")
        return {"task": self.describe_task(environ, task)}

    def op_DescribeTasks(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_describe_limit("DescribeTasks", body)
        cluster = errors.find_cluster(backend, body.get("cluster"))
        wanted = body.get("tasks") or []
        if not wanted:
            raise EcsError("InvalidParameterException", "Tasks cannot be empty.")
        mine = backend.tasks.get(cluster.name, {})
        by_id = {arn.split("/")[-1]: t for arn, t in mine.items()}
        known = [w for w in wanted if w.split("/")[-1] in by_id]
        result: dict[str, Any] = {"tasks": [], "failures": []}
        if known:
            result = self.moto(environ, "DescribeTasks", {**body, "tasks": known})
            arns = {by_id[w.split("/")[-1]].task_arn for w in known}
            result["tasks"] = [t for t in result["tasks"] if t["taskArn"] in arns]
        for name in wanted:
            if name.split("/")[-1] not in by_id:
                arn = name if name.startswith("arn:") else _task_arn(backend, cluster, name)
                result["failures"].append({"arn": arn, "reason": "MISSING"})
        return result

    def op_ListTasks(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        desired = body.get("desiredStatus") or "RUNNING"
        family = body.get("family")
        service = body.get("serviceName")
        instance = body.get("containerInstance")
        arns = []
        for task in backend.tasks.get(cluster.name, {}).values():
            if task.desired_status != desired:
                continue
            if family and task.task_definition_arn.split("/")[-1].split(":")[0] != family:
                continue
            if service and task.group != f"service:{service.split('/')[-1]}":
                continue
            if body.get("startedBy") and task.started_by != body["startedBy"]:
                continue
            if instance and not (task.container_instance_arn or "").endswith(
                instance.split("/")[-1]
            ):
                continue
            if body.get("launchType") and task.launch_type != body["launchType"]:
                continue
            arns.append(task.task_arn)
        return paging.paginate("ListTasks", body, {"taskArns": arns})

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
        """Register Auto Scaling group instances of capacity providers; True if any were new."""
        touched = fleet.sync_auto_scaling(backend)
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
        known, failures = _instances(backend, cluster, body.get("containerInstances") or [])
        result: dict[str, Any] = {"containerInstances": [], "failures": failures}
        if known:
            request = {**body, "cluster": cluster.name, "containerInstances": known}
            found = self.moto(environ, operation, request)
            result["containerInstances"] = found.get("containerInstances") or []
        return result

    def op_StartTask(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        errors.find_task_definition(backend, body.get("taskDefinition"))
        known, failures = _instances(backend, cluster, body.get("containerInstances") or [])
        if not known:
            return {"tasks": [], "failures": failures}
        request = {**body, "cluster": cluster.name, "containerInstances": known}
        result = self.moto(environ, "StartTask", request)
        result["failures"] = (result.get("failures") or []) + failures
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


def _instances(backend: Any, cluster: Any, names: list[str]) -> tuple[list[str], list[dict]]:
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


def _compatibilities(td: Any, body: dict[str, Any]) -> list[str]:
    """Where a revision can run, as ECS reports it: EC2 always, Fargate and External if fit."""
    found = ["EC2"]
    if td.network_mode == "awsvpc" and td.cpu and td.memory:
        found.append("FARGATE")
    if td.network_mode != "awsvpc":
        found.append("EXTERNAL")
    found += [c for c in body.get("requiresCompatibilities") or [] if c not in found]
    return found


def _default_security_group(backend: Any, body: dict[str, Any]) -> dict[str, Any]:
    """ECS uses the VPC's default security group when none is given (moto 5.2.5 crashes)."""
    conf = (body.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if not conf or conf.get("securityGroups") or not conf.get("subnets"):
        return body
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    try:
        vpc = ec2.get_subnet(conf["subnets"][0]).vpc_id
    except Exception:  # an unknown subnet: moto's own error names it
        return body
    group = ec2.get_default_security_group(vpc)
    if group is None:
        return body
    conf = {**conf, "securityGroups": [group.id]}
    return {
        **body,
        "networkConfiguration": {**body["networkConfiguration"], "awsvpcConfiguration": conf},
    }


def _check_network(td: Any, body: dict[str, Any]) -> None:
    if td.network_mode == "awsvpc" and not (body.get("networkConfiguration") or {}).get(
        "awsvpcConfiguration"
    ):
        raise EcsError(
            "InvalidParameterException",
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        )


def _runs_on_instances(cluster: Any, body: dict[str, Any]) -> bool:
    """EC2 or EXTERNAL (not Fargate): the task needs a container instance."""
    launch = body.get("launchType")
    if launch:
        return launch in ("EC2", "EXTERNAL")
    strategy = body.get("capacityProviderStrategy") or cluster.default_capacity_provider_strategy
    if strategy:  # Managed Instances providers launch their own instances (placement.py)
        first = strategy[0]["capacityProvider"]
        return first not in ("FARGATE", "FARGATE_SPOT", *getattr(cluster, "_ecskit_managed", ()))
    return True


def _task_arn(backend: Any, cluster: Any, task_id: str) -> str:
    return f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:task/{cluster.name}/{task_id}"


def _namespace_name(arn: str) -> str | None:
    try:
        from moto.servicediscovery.models import servicediscovery_backends

        _arn, _partition, _service, region, account = arn.split(":")[:5]
        for ns in servicediscovery_backends[account][region].namespaces.values():
            if ns.arn == arn:
                return ns.name
    except Exception:  # an unknown namespace simply matches nothing
        return None
    return None
