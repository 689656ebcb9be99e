"""The ECS operations on services the sandbox answers: create, update, delete, describe and
list them (mixed into EcsLayer through EcsOperations, operations.py).
"""

from __future__ import annotations

from typing import Any

from . import cloud_map, errors, paging, service_linked_role
from .task_operations import check_network, default_security_group


class ServiceOperations:
    """The services' op_* handlers (uses EcsLayer's moto(), describe_service, scheduler, hooks)."""

    def op_CreateService(self, backend: Any, body: dict, environ: dict) -> dict:
        errors.check_create_service(backend, body)
        self._sync_fleet(backend)
        td = errors.find_task_definition(backend, body.get("taskDefinition"))
        check_network(td, body)
        errors.check_rules("service", body, task_definition=td)
        self._check_hooks(backend, body, None)
        self.moto(environ, "CreateService", default_security_group(backend, body))
        cluster = errors.cluster_name(body.get("cluster"))
        service = backend.services[f"{cluster}:{body['serviceName']}"]
        service.service_connect_configuration = body.get("serviceConnectConfiguration")
        # "For create service requests, when no value is specified ..., Amazon ECS defaults the
        # value to ENABLED." (botocore's CreateService.availabilityZoneRebalancing)
        service.availability_zone_rebalancing = body.get("availabilityZoneRebalancing") or "ENABLED"
        service.volume_configurations = body.get("volumeConfigurations")
        # CreateService makes the account's service-linked role if it has none (the role's page)
        service_linked_role.ensure(backend.account_id)
        service.role_arn = service_linked_role.role_arn(backend, service, body, td)
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
        self.moto(environ, "UpdateService", default_security_group(backend, body))
        service.deployment_configuration = {**conf, **(body.get("deploymentConfiguration") or {})}
        if "serviceConnectConfiguration" in body:
            service.service_connect_configuration = body["serviceConnectConfiguration"]
        # UpdateService keeps the existing value when none is given (its botocore documentation)
        if body.get("availabilityZoneRebalancing"):
            service.availability_zone_rebalancing = body["availabilityZoneRebalancing"]
        if "volumeConfigurations" in body:
            service.volume_configurations = body["volumeConfigurations"]
        linked = service_linked_role.ensure(backend.account_id)  # and so does UpdateService
        if service.role_arn in (None, linked):  # a role given at creation stays
            service.role_arn = service_linked_role.role_arn(backend, service, {}, td)
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
        # service_connect.py stores the namespace each service joined (its ARN) when the
        # service is created or its configuration updated: the one place that decides it
        ns = cloud_map.find_namespace(backend, body.get("namespace") or "")
        arns = []
        for service in backend.services.values():
            conf = getattr(service, "service_connect_configuration", None) or {}
            if service.status == "INACTIVE" or not conf.get("enabled"):
                continue
            if ns is not None and conf.get("namespace") == ns.arn:
                arns.append(service.arn)
        return paging.paginate("ListServicesByNamespace", body, {"serviceArns": sorted(arns)})
