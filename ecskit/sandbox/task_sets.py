"""Task sets: CreateTaskSet, DescribeTaskSets, UpdateTaskSet, DeleteTaskSet and
UpdateServicePrimaryTaskSet, for services with the EXTERNAL deployment controller.

moto 5.2.5 stores task sets but crashes on unknown services and task sets and accepts them on
any service. ECS, as documented:

- Task sets are "used when a service uses the EXTERNAL deployment controller type" (botocore's
  docstrings); on another service ECS answers InvalidParameterException "Amazon ECS only
  supports task set management on services configured to use external deployment
  controllers." (real answer quoted in
  https://github.com/hashicorp/terraform-provider-aws/issues/30347).
- A task set the service does not have is TaskSetNotFoundException (its docstring in the model);
  DescribeTaskSets lists the ones it cannot find as failures instead.
- DeleteTaskSet: "If true [force], you can delete a task set even if it hasn't been scaled down
  to zero." (API_DeleteTaskSet.html)
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import EcsError

NOT_EXTERNAL = (
    "Amazon ECS only supports task set management on services configured to use external "
    "deployment controllers."
)
TASK_SET_NOT_FOUND = (
    "The specified task set wasn't found. You can view your available task sets with "
    "DescribeTaskSets. Task sets are specific to each cluster, service and Region."
)


def external_service(backend: Any, body: dict[str, Any]) -> Any:
    """The ACTIVE EXTERNAL-controller service the request names, or ECS's error."""
    cluster = errors.find_cluster(backend, body.get("cluster"))
    name = (body.get("service") or "").split("/")[-1]
    service = backend.services.get(f"{cluster.name}:{name}")
    if service is None or service.status == "INACTIVE":
        raise EcsError("ServiceNotFoundException", "Service not found.")
    if service.status != "ACTIVE":
        raise EcsError("ServiceNotActiveException", "Service was not ACTIVE.")
    if (service.deployment_controller or {}).get("type") != "EXTERNAL":
        raise EcsError("InvalidParameterException", NOT_EXTERNAL)
    return service


def _matches(task_set: Any, name: str) -> bool:
    """A task set named by its ARN or its id (`ecs-svc/123…`)."""
    return name in (task_set.task_set_arn, task_set.id)


def find_task_set(service: Any, name: str) -> Any:
    for task_set in service.task_sets:
        if _matches(task_set, name):
            return task_set
    raise EcsError("TaskSetNotFoundException", TASK_SET_NOT_FOUND)


class TaskSets:
    """The op_* handlers for task sets (uses EcsLayer's moto())."""

    def op_CreateTaskSet(self, backend: Any, body: dict, environ: dict) -> dict:
        service = external_service(backend, body)
        errors.find_task_definition(backend, body.get("taskDefinition"))
        if body.get("launchType") and body.get("capacityProviderStrategy"):
            # "If a launchType is specified, the capacityProviderStrategy parameter must be
            # omitted." (botocore's CreateTaskSet docstring)
            raise EcsError(
                "InvalidParameterException",
                "Specify either a launchType or a capacityProviderStrategy, not both.",
            )
        body = {**body, "cluster": service.cluster_name, "service": service.name}
        return self.moto(environ, "CreateTaskSet", body)

    def op_DescribeTaskSets(self, backend: Any, body: dict, environ: dict) -> dict:
        service = external_service(backend, body)
        wanted = body.get("taskSets") or []
        found = self.moto(
            environ,
            "DescribeTaskSets",
            {**body, "cluster": service.cluster_name, "service": service.name},
        )
        failures = [
            {"arn": name, "reason": "MISSING"}
            for name in wanted
            if not any(_matches(ts, name) for ts in service.task_sets)
        ]
        if "TAGS" not in (body.get("include") or []):
            for task_set in found.get("taskSets") or []:
                task_set.pop("tags", None)
        return {"taskSets": found.get("taskSets") or [], "failures": failures}

    def op_UpdateTaskSet(self, backend: Any, body: dict, environ: dict) -> dict:
        return self._on_task_set(backend, body, environ, "UpdateTaskSet", "taskSet")

    def op_UpdateServicePrimaryTaskSet(self, backend: Any, body: dict, environ: dict) -> dict:
        return self._on_task_set(
            backend, body, environ, "UpdateServicePrimaryTaskSet", "primaryTaskSet"
        )

    def op_DeleteTaskSet(self, backend: Any, body: dict, environ: dict) -> dict:
        service = external_service(backend, body)
        task_set = find_task_set(service, body.get("taskSet") or "")
        if not body.get("force") and float((task_set.scale or {}).get("value") or 0) > 0:
            raise EcsError(
                "InvalidParameterException",
                f"The task set {task_set.id} has not been scaled down to zero (scale "
                f"{task_set.scale.get('value')} {task_set.scale.get('unit', 'PERCENT')}). "
                "Scale it to 0 with UpdateTaskSet first, or pass force=true.",
            )
        return self._on_task_set(backend, body, environ, "DeleteTaskSet", "taskSet")

    def _on_task_set(
        self, backend: Any, body: dict, environ: dict, operation: str, key: str
    ) -> dict:
        service = external_service(backend, body)
        task_set = find_task_set(service, body.get(key) or "")
        # moto matches the primary task set by full ARN only: always give it the ARN
        request = {
            **body,
            "cluster": service.cluster_name,
            "service": service.name,
            key: task_set.task_set_arn,
        }
        return self.moto(environ, operation, request)
