"""ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment and ContinueServiceDeployment, over the scheduler's history (history.py).

Limits and wording from botocore's ECS model: ListServiceDeployments pages 20 by default (1-100);
the Describe calls take at most 20 ARNs and answer unknown ones as `failures` with reason
MISSING; an unknown deployment is ServiceDeploymentNotFoundException. What each stop does:
docs/deployments.md, sections 2 and 6.
"""

from __future__ import annotations

from typing import Any

from . import errors, paging
from .errors import EcsError

DESCRIBE_LIMIT = 20


class ServiceDeployments:
    """The op_* handlers for service deployments and revisions (uses the layer's scheduler)."""

    def op_ListServiceDeployments(self, backend: Any, body: dict, environ: dict) -> dict:
        service = _service(backend, body)
        history = self.scheduler.history
        found = history.listed(service, body, self.clock.datetime())
        briefs = [history.brief(r) for r in found]
        return paging.paginate("ListServiceDeployments", body, {"serviceDeployments": briefs})

    def op_DescribeServiceDeployments(self, backend: Any, body: dict, environ: dict) -> dict:
        arns = _limited(body.get("serviceDeploymentArns") or [], "serviceDeploymentArns")
        history = self.scheduler.history
        out: dict[str, Any] = {"serviceDeployments": [], "failures": []}
        for arn in arns:
            record = history.deployments.get(arn)
            if record is None:
                out["failures"].append({"arn": arn, "reason": "MISSING"})
            else:
                out["serviceDeployments"].append(history.describe(record))
        return out

    def op_DescribeServiceRevisions(self, backend: Any, body: dict, environ: dict) -> dict:
        arns = _limited(body.get("serviceRevisionArns") or [], "serviceRevisionArns")
        history = self.scheduler.history
        out: dict[str, Any] = {"serviceRevisions": [], "failures": []}
        for arn in arns:
            found = history.describe_revision(arn)
            if found is None:
                out["failures"].append({"arn": arn, "reason": "MISSING"})
            else:
                out["serviceRevisions"].append(found)
        return out

    def op_StopServiceDeployment(self, backend: Any, body: dict, environ: dict) -> dict:
        record = _record(self.scheduler.history, body)
        if record["status"] not in ("PENDING", "IN_PROGRESS"):
            raise EcsError(
                "ConflictException",
                f"The service deployment is {record['status']}; only a PENDING or IN_PROGRESS "
                "deployment can be stopped.",
            )
        # "The valid values are ROLLBACK." (model); ABORT is in the enum but not documented
        if (body.get("stopType") or "ROLLBACK") != "ROLLBACK":
            raise EcsError(
                "InvalidParameterException",
                "stopType must be ROLLBACK: the only stop type ECS documents.",
            )
        self.scheduler.roll_back(
            record, "Rollback requested by StopServiceDeployment.", requested=True
        )
        return {"serviceDeploymentArn": record["serviceDeploymentArn"]}

    def op_ContinueServiceDeployment(self, backend: Any, body: dict, environ: dict) -> dict:
        record = _record(self.scheduler.history, body)
        engine = record["_"].get("engine")
        action = body.get("action") or "CONTINUE"
        if engine is None or not engine.continue_hook(body.get("hookId") or "", action):
            raise EcsError(
                "InvalidParameterException",
                f"No lifecycle hook {body.get('hookId')!r} is paused in this service deployment: "
                "DescribeServiceDeployments shows each hook's hookId and status.",
            )
        return {"serviceDeploymentArn": record["serviceDeploymentArn"]}


def _service(backend: Any, body: dict[str, Any]) -> Any:
    cluster = errors.find_cluster(backend, body.get("cluster"))
    name = (body.get("service") or "").split("/")[-1]
    service = backend.services.get(f"{cluster.name}:{name}")
    if service is None:
        raise EcsError("ServiceNotFoundException", "Service not found.")
    return service


def _record(history: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = history.deployments.get(body.get("serviceDeploymentArn") or "")
    if record is None:  # the model's ServiceDeploymentNotFoundException
        raise EcsError(
            "ServiceDeploymentNotFoundException",
            "The service deployment ARN doesn't exist: ListServiceDeployments lists them.",
        )
    return record


def _limited(arns: list[str], name: str) -> list[str]:
    if len(arns) > DESCRIBE_LIMIT:
        raise EcsError(
            "InvalidParameterException", f"{name} can have at most {DESCRIBE_LIMIT} items."
        )
    return arns
