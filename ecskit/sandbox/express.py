"""ECS Express Mode: CreateExpressGatewayService, DescribeExpressGatewayService,
UpdateExpressGatewayService and DeleteExpressGatewayService.

Given an image, an execution role and an infrastructure role, Create makes a whole web service
in the sandbox's own services (so every one of them describes it): the cluster (`default`, made
if missing), a task definition, a service deployed with a canary, a shared Application Load
Balancer with an HTTPS listener and a host-header rule per service, two target groups, security
groups, an ACM certificate, a log group, an Application Auto Scaling target-tracking policy with
its alarms, a deployment alarm, and the service URL. Defaults and sources:
express_checks.py, express_resources.py, express_service.py and docs/express-mode.md.
"""

from __future__ import annotations

import copy
from typing import Any

from . import errors
from . import express_changes as change
from . import express_checks as checks
from . import express_describe as view
from . import express_resources as made
from . import express_scaling as scale
from . import express_service as shape
from .errors import EcsError
from .express_wire import MotoClient


def _client(layer: Any, environ: dict[str, Any]) -> MotoClient:
    from .wire import WARM_ACCOUNT, region_of

    return MotoClient(layer.app, region_of(environ), WARM_ACCOUNT)


def _ec2(backend: Any) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[backend.account_id][backend.region_name]


def express_service(backend: Any, arn: str | None, *, active: bool) -> Any:
    """The Express service `arn` names; ECS's errors when it is missing (or not ACTIVE)."""
    parts = (arn or "").split("/")
    if len(parts) < 3 or ":service/" not in (arn or ""):
        raise EcsError(
            "InvalidParameterException",
            f"serviceArn {arn!r} is not a service ARN "
            "(arn:aws:ecs:<region>:<account>:service/<cluster>/<name>).",
        )
    service = backend.services.get(f"{parts[-2]}:{parts[-1]}")
    if service is None or getattr(service, "ecskit_express", None) is None:
        raise EcsError("ServiceNotFoundException", "Service not found.")
    if active and service.status != "ACTIVE":
        raise EcsError("ServiceNotActiveException", "Service was not ACTIVE.")
    return service


class ExpressServices:
    """The op_* handlers of Express Mode (uses the layer's ECS handlers, moto and history)."""

    def op_CreateExpressGatewayService(self, backend: Any, body: dict, environ: dict) -> dict:
        w = _client(self, environ)
        plan = self._express_plan(backend, body, w)
        undo: made.Undo = []
        try:
            service = self._express_make(backend, body, plan, w, undo, environ)
        except Exception:
            made.rollback(undo)  # nothing half-made survives a failure
            raise
        return {"service": view.described(self, service, include_tags=True)}

    def op_DescribeExpressGatewayService(self, backend: Any, body: dict, environ: dict) -> dict:
        try:
            service = express_service(backend, body.get("serviceArn"), active=False)
        except EcsError as missing:
            if missing.code != "ServiceNotFoundException":
                raise
            # the model's error for Describe: ResourceNotFoundException
            raise EcsError(
                "ResourceNotFoundException", "The specified resource wasn't found."
            ) from None
        tags = "TAGS" in (body.get("include") or [])
        return {"service": view.described(self, service, include_tags=tags)}

    def op_UpdateExpressGatewayService(self, backend: Any, body: dict, environ: dict) -> dict:
        service = express_service(backend, body.get("serviceArn"), active=True)
        record = service.ecskit_express
        w = _client(self, environ)
        checks.check_fields(body, creating=False)
        checks.check_roles(backend.account_id, body, creating=False)
        before = record["configurations"][-1]
        config = shape.updated_configuration(before, body)
        target = checks.scaling_target(body, before["scalingTarget"])
        config["scalingTarget"] = target
        if body.get("networkConfiguration"):
            net = checks.network(_ec2(backend), body)
            checks.check_zones(net, made.alb_zones(w, net["vpc"], record["alb"]["scheme"]))
            if net["vpc"] != record["vpc"]:
                raise checks.refuse(
                    "networkConfiguration: the new subnets must be in the service's VPC "
                    f"({record['vpc']}); create a new Express service for another VPC."
                )
        td: dict[str, Any] | str | None = None
        if body.get("taskDefinitionArn"):
            found = errors.find_task_definition(backend, body["taskDefinitionArn"])
            config["primaryContainer"] = {"containerPort": checks.check_main_container(found)}
            td = found.arn
        elif shape.task_changed(body):
            if "image" not in config.get("primaryContainer", {}):
                raise checks.refuse(
                    "This service runs your own task definition: update it with "
                    "taskDefinitionArn, not primaryContainer, cpu, memory or roles."
                )
            td = self._express_task_definition(backend, config, record)
        undo: made.Undo = []
        kept = copy.deepcopy(record)
        try:
            change.apply_update(self, backend, service, config, td, w, undo, environ)
        except Exception:
            made.rollback(undo)
            service.ecskit_express = kept  # the record says what still stands
            raise
        config["serviceRevisionArn"] = shape.current_revision(self, service)
        config["createdAt"] = self.clock.datetime()
        config["ingressPaths"] = [shape.ingress_path(record)]
        record["configurations"].append(config)
        record["updatedAt"] = config["createdAt"]
        view.note_managed_resources(self, service, config["createdAt"])
        return {"service": view.updated(service, config)}

    def op_DeleteExpressGatewayService(self, backend: Any, body: dict, environ: dict) -> dict:
        service = express_service(backend, body.get("serviceArn"), active=True)
        w = _client(self, environ)
        self.op_DeleteService(
            backend, {"cluster": service.cluster_name, "service": service.name, "force": True},
            environ,
        )  # fmt: skip
        change.remove_resources(service, w)
        for arn in service.ecskit_express["taskDefinitions"]:
            self.moto(environ, "DeregisterTaskDefinition", {"taskDefinition": arn})
        service.ecskit_express["updatedAt"] = self.clock.datetime()
        return {"service": view.described(self, service, include_tags=True)}

    # -- create, step by step ---------------------------------------------------------------
    def _express_plan(self, backend: Any, body: dict, w: MotoClient) -> dict[str, Any]:
        """Every check, before anything is made: the names and settings to make it with."""
        checks.check_fields(body, creating=True)
        checks.check_roles(backend.account_id, body, creating=True)
        cluster = errors.cluster_name(body.get("cluster"))
        found = backend.clusters.get(cluster)
        if (found is None or found.status != "ACTIVE") and cluster != "default":
            # only the default cluster is made "if it does not already exist" (GUIDE)
            raise EcsError("ClusterNotFoundException", "Cluster not found.")
        name = body.get("serviceName") or shape.name_from_image(body, backend, cluster)
        existing = backend.services.get(f"{cluster}:{name}")
        if existing is not None and existing.status in ("ACTIVE", "DRAINING"):
            raise EcsError("InvalidParameterException", "Creation of service was not idempotent.")
        plan: dict[str, Any] = {"cluster": cluster, "name": name, "makeCluster": found is None
                                or found.status != "ACTIVE"}  # fmt: skip
        if body.get("taskDefinitionArn"):
            td = errors.find_task_definition(backend, body["taskDefinitionArn"])
            plan["port"] = checks.check_main_container(td)
            plan["taskDefinition"] = td.arn
        config = shape.first_configuration(body)
        plan["port"] = plan.get("port") or config["primaryContainer"]["containerPort"]
        config["scalingTarget"] = checks.scaling_target(body, None)
        plan["network"] = net = checks.network(_ec2(backend), body)
        scheme = "internet-facing" if net["public"] else "internal"
        checks.check_zones(net, made.alb_zones(w, net["vpc"], scheme))
        plan["config"] = config
        if "taskDefinition" not in plan:
            plan["logGroup"] = shape.log_group_name(config, cluster, name)
            record = {"logGroup": plan["logGroup"], "region": w.region, "family": name}
            plan["taskDefinitionBody"] = self._express_task_definition(backend, config, record)
        return plan

    def _express_task_definition(self, backend: Any, config: dict, record: dict) -> dict:
        td_body = shape.task_definition(config, record)
        errors.check_rules("task-definition", td_body)  # Fargate sizes, as RegisterTaskDefinition
        return td_body

    def _express_make(
        self, backend: Any, body: dict, plan: dict, w: MotoClient, undo: made.Undo, environ: dict
    ) -> Any:
        cluster, name, net = plan["cluster"], plan["name"], plan["network"]
        if plan["makeCluster"]:
            self.op_CreateCluster(backend, shape.DEFAULT_CLUSTER, environ)
        else:
            shape.ensure_fargate(self, backend, cluster, environ)
        record: dict[str, Any] = {
            "vpc": net["vpc"], "taskDefinitions": [], "family": name, "region": w.region,
            "account": w.account, "infrastructureRoleArn": body["infrastructureRoleArn"],
            "createdAt": self.clock.datetime(), "tags": body.get("tags") or [],
            "healthCheckPath": plan["config"]["healthCheckPath"],
            "scaling": plan["config"]["scalingTarget"],
        }  # fmt: skip
        if "taskDefinitionBody" in plan:
            record["logGroup"] = plan["logGroup"]
            record["logGroupMade"] = made.log_group(w, plan["logGroup"], undo)
            td = self.op_RegisterTaskDefinition(backend, plan["taskDefinitionBody"], environ)
            arn = td["taskDefinition"]["taskDefinitionArn"]
            undo.append(lambda: self.moto(environ, "DeregisterTaskDefinition",
                                          {"taskDefinition": arn}))  # fmt: skip
            record["taskDefinitions"].append(arn)
            plan["taskDefinition"] = arn
        shape.make_ingress(record, plan, w, undo)
        service_body = shape.service_body(plan, record, body)
        checks_body = {**service_body, "serviceName": name}
        self.op_CreateService(backend, checks_body, environ)
        service = backend.services[f"{cluster}:{name}"]
        undo.append(lambda: self._express_forget(backend, service, environ))
        service.ecskit_express = record
        service.resource_management_type = "ECS"  # "ECS": an Express service (model, Service)
        record["resource"] = f"service/{cluster}/{name}"
        record["policy"] = scale.scaling(
            w, record["resource"], name, plan["config"]["scalingTarget"], shape.label(record),
            undo,
        )  # fmt: skip
        config = plan["config"]
        config["taskDefinitionArn"] = plan["taskDefinition"]
        config["serviceRevisionArn"] = shape.current_revision(self, service)
        config["createdAt"] = record["createdAt"]
        config["ingressPaths"] = [shape.ingress_path(record)]
        if config.get("primaryContainer", {}).get("image"):
            logs = {"logGroup": record["logGroup"], "logStreamPrefix": "ecs"}
            asked = config["primaryContainer"].get("awsLogsConfiguration") or {}
            config["primaryContainer"]["awsLogsConfiguration"] = {**logs, **asked}
        else:
            config["primaryContainer"] = {"containerPort": plan["port"]}
        config["networkConfiguration"] = {"subnets": record["subnets"], "securityGroups": [
            record["serviceSecurityGroup"], *record["securityGroups"]]}  # fmt: skip
        record["configurations"] = [config]
        view.note_managed_resources(self, service, record["createdAt"])
        return service

    def _express_forget(self, backend: Any, service: Any, environ: dict) -> None:
        """Undo a service made by a failed create: gone at once, not draining."""
        self.op_DeleteService(
            backend, {"cluster": service.cluster_name, "service": service.name, "force": True},
            environ,
        )  # fmt: skip
        backend.services.pop(f"{service.cluster_name}:{service.name}", None)
        self.scheduler.history.forget(service)
