"""The ECS operations on tasks the sandbox answers: run, start, stop, describe and list them
(mixed into EcsLayer through EcsOperations, operations.py).
"""

from __future__ import annotations

from typing import Any

from . import errors, paging, placement, service_linked_role
from .errors import EcsError
from .instance_operations import known_instances


class TaskOperations:
    """The tasks' op_* handlers (uses EcsLayer's moto(), describe_task, lifecycle, _sync_fleet)."""

    def op_RunTask(self, backend: Any, body: dict, environ: dict) -> dict:
        td = errors.check_run_task(backend, body)
        self._sync_fleet(backend)
        check_network(td, body)
        missing = td.network_mode == "awsvpc" and service_linked_role.missing_error(
            backend.account_id
        )
        if missing:  # the role ECS attaches the task's network interface with was deleted
            raise EcsError("InvalidParameterException", missing)
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
        body = default_security_group(backend, body)
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

    def op_StartTask(self, backend: Any, body: dict, environ: dict) -> dict:
        cluster = errors.find_cluster(backend, body.get("cluster"))
        errors.find_task_definition(backend, body.get("taskDefinition"))
        known, failures = known_instances(backend, cluster, body.get("containerInstances") or [])
        if not known:
            return {"tasks": [], "failures": failures}
        request = {**body, "cluster": cluster.name, "containerInstances": known}
        result = self.moto(environ, "StartTask", request)
        result["failures"] = (result.get("failures") or []) + failures
        return result


def default_security_group(backend: Any, body: dict[str, Any]) -> dict[str, Any]:
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


def check_network(td: Any, body: dict[str, Any]) -> None:
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
