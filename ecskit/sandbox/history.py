"""Service revisions and service deployments: the record ECS keeps of every deployment.

Every change that deploys (CreateService, an UpdateService with a new revision or
forceNewDeployment, a rollback) is recorded as a *service deployment* from the service
revisions that were running (the sources) to a new *service revision* (the target); a revision
is an immutable copy of what the service runs (task definition, network, load balancers,
Service Connect, capacity). Shapes and fields: botocore's ECS model (ServiceDeployment,
ServiceRevision, ServiceRevisionSummary, ServiceDeploymentBrief); ARNs as the AWS CLI's
examples show them (`service-deployment/CLUSTER/SERVICE/ID`, `service-revision/CLUSTER/SERVICE/
DIGITS`); what each status means: docs/deployments.md.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from typing import Any

# Statuses a deployment is still moving in; the rest are final.
ONGOING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
# How long ECS keeps service deployments it can list (docs/deployments.md, section 2).
KEPT_FOR = timedelta(days=90)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class History:
    """The service revisions and deployments of every service the sandbox holds."""

    def __init__(self) -> None:
        self.revisions: dict[str, dict[str, Any]] = {}  # ARN -> ServiceRevision
        self.deployments: dict[str, dict[str, Any]] = {}  # ARN -> ServiceDeployment (+ "_")
        self.by_service: dict[str, list[str]] = {}  # service ARN -> deployment ARNs, oldest first
        self.aliases: dict[tuple[str, str], str] = {}  # (service ARN, deployment id) -> revision

    def reset(self) -> None:
        self.revisions.clear()
        self.deployments.clear()
        self.by_service.clear()
        self.aliases.clear()

    def alias(self, service: Any, deployment_id: str, revision: str) -> None:
        """A scheduler deployment that runs an existing revision again (a rollback)."""
        self.aliases[(service.arn, deployment_id)] = revision

    def revision_arn(self, service: Any, deployment_id: str) -> str:
        found = self.aliases.get((service.arn, deployment_id))
        return found or revision_arn(service, deployment_id)

    def forget(self, service: Any) -> None:
        """A deleted service's deployments and revisions go with it (service-revision page)."""
        for arn in self.by_service.pop(service.arn, []):
            self.deployments.pop(arn, None)
        for arn in [a for a, r in self.revisions.items() if r["serviceArn"] == service.arn]:
            del self.revisions[arn]

    # -- recording ------------------------------------------------------------------------
    def revision(self, service: Any, deployment: dict[str, Any], now: datetime) -> str:
        """The ServiceRevision of one of the scheduler's deployments (made once)."""
        arn = self.revision_arn(service, deployment["id"])
        if arn in self.revisions:
            return arn
        backend = service._ecskit_backend if hasattr(service, "_ecskit_backend") else None
        images = _container_images(backend, deployment.get("taskDefinition"))
        revision = {
            "serviceRevisionArn": arn,
            "serviceArn": service.arn,
            "clusterArn": _cluster_arn(service),
            "taskDefinition": deployment.get("taskDefinition"),
            "capacityProviderStrategy": deployment.get("capacityProviderStrategy"),
            "launchType": deployment.get("launchType"),
            "platformVersion": deployment.get("platformVersion"),
            "platformFamily": deployment.get("platformFamily"),
            "loadBalancers": list(getattr(service, "load_balancers", None) or []) or None,
            "serviceRegistries": list(getattr(service, "service_registries", None) or []) or None,
            "networkConfiguration": deployment.get("networkConfiguration"),
            "containerImages": images or None,
            "guardDutyEnabled": False,
            "serviceConnectConfiguration": deployment.get("serviceConnectConfiguration")
            or {"enabled": False},
            "createdAt": now,
        }
        self.revisions[arn] = {k: v for k, v in revision.items() if v is not None}
        return arn

    def started(
        self,
        service: Any,
        target: dict[str, Any],
        sources: list[dict[str, Any]],
        configuration: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """A new service deployment from `sources` to `target` (scheduler deployments)."""
        target_arn = self.revision(service, target, now)
        for source in sources:
            self.revision(service, source, now)
        arn = deployment_arn(service, target["id"])
        record = {
            "serviceDeploymentArn": arn,
            "serviceArn": service.arn,
            "clusterArn": _cluster_arn(service),
            "createdAt": now,
            "updatedAt": now,
            "status": "PENDING",
            "deploymentConfiguration": configuration,
            "deploymentCircuitBreaker": _breaker(configuration, service.desired_count),
            "alarms": _alarms(configuration),
            # the scheduler's deployment ids behind this record, for live task counts
            "_": {"target": target["id"], "sources": [s["id"] for s in sources],
                  "target_arn": target_arn, "service": service},
        }  # fmt: skip
        self.deployments[arn] = record
        self.by_service.setdefault(service.arn, []).append(arn)
        service.current_service_deployment = arn
        return record

    def finish(self, record: dict[str, Any], status: str, reason: str, now: datetime) -> None:
        """A deployment reaches a final status: counts are frozen as they are now."""
        record["_"]["frozen"] = self._summaries(record)
        record["status"] = status
        record["statusReason"] = reason
        record["updatedAt"] = now
        record["finishedAt"] = now
        if status in ("STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"):
            record["stoppedAt"] = now
        breaker = record.get("deploymentCircuitBreaker") or {}
        if breaker.get("status") == "MONITORING":
            breaker["status"] = "MONITORING_COMPLETE"
        if (record.get("alarms") or {}).get("status") == "MONITORING":
            record["alarms"]["status"] = "MONITORING_COMPLETE"

    def for_deployment(self, service: Any, deployment_id: str) -> dict[str, Any] | None:
        """The service deployment whose target is one of the scheduler's deployments."""
        return self.deployments.get(deployment_arn(service, deployment_id))

    def ongoing(self, service: Any) -> list[dict[str, Any]]:
        return [
            self.deployments[a]
            for a in self.by_service.get(service.arn, [])
            if self.deployments[a]["status"] in ONGOING
        ]

    # -- answers ---------------------------------------------------------------------------
    def describe(self, record: dict[str, Any]) -> dict[str, Any]:
        """The ServiceDeployment as DescribeServiceDeployments answers it."""
        shown = {k: v for k, v in record.items() if k != "_"}
        summaries = record["_"].get("frozen") or self._summaries(record)
        shown["targetServiceRevision"] = summaries[0]
        shown["sourceServiceRevisions"] = summaries[1:]
        return _wire(shown)

    def brief(self, record: dict[str, Any]) -> dict[str, Any]:
        """The ServiceDeploymentBrief ListServiceDeployments answers."""
        keys = ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt", "createdAt",
                "finishedAt", "status", "statusReason")  # fmt: skip
        shown = {k: record[k] for k in keys if k in record}
        shown["targetServiceRevisionArn"] = record["_"]["target_arn"]
        return _wire(shown)

    def describe_revision(self, arn: str) -> dict[str, Any] | None:
        found = self.revisions.get(arn)
        return None if found is None else _wire(found)

    def listed(self, service: Any, body: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
        """A service's deployments, newest first, filtered as ListServiceDeployments asks."""
        wanted = set(body.get("status") or [])
        created = body.get("createdAt") or {}
        before, after = _when(created.get("before")), _when(created.get("after"))
        found = []
        for arn in reversed(self.by_service.get(service.arn, [])):
            record = self.deployments[arn]
            if record["createdAt"] < now - KEPT_FOR:
                continue
            if wanted and record["status"] not in wanted:
                continue
            if before is not None and not record["createdAt"] < before:
                continue
            if after is not None and not record["createdAt"] > after:
                continue
            found.append(record)
        return found

    def _summaries(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """ServiceRevisionSummary of the target, then of each source, from live task counts."""
        inner = record["_"]
        service = inner["service"]
        live = {d["id"]: d for d in getattr(service, "deployments", None) or []}
        out = []
        for deployment_id in [inner["target"], *inner["sources"]]:
            counts = live.get(deployment_id) or {}
            summary = {
                "arn": self.revision_arn(service, deployment_id),
                "requestedTaskCount": counts.get("desiredCount", 0),
                "runningTaskCount": counts.get("runningCount", 0),
                "pendingTaskCount": counts.get("pendingCount", 0),
            }
            weights = inner.get("weights", {}).get(deployment_id)
            if weights is not None:
                summary["requestedProductionTrafficWeight"] = float(weights[0])
                summary["requestedTestTrafficWeight"] = float(weights[1])
            out.append(summary)
        return out


def revision_arn(service: Any, deployment_id: str) -> str:
    digits = deployment_id.split("/")[-1]
    return _arn(service, "service-revision", digits)


def deployment_arn(service: Any, deployment_id: str) -> str:
    # 21 letters and digits, as the AWS CLI's examples show (ejGvqq2ilnbKT9qj0vLJe); derived
    # from the scheduler's deployment id so that snapshots replay to the same ARN
    number = int.from_bytes(hashlib.sha256(deployment_id.encode()).digest()[:16], "big")
    text = ""
    for _ in range(21):
        number, digit = divmod(number, 62)
        text += _ALPHABET[digit]
    return _arn(service, "service-deployment", text)


def _arn(service: Any, kind: str, last: str) -> str:
    prefix = service.arn.split(":service/")[0]
    return f"{prefix}:{kind}/{service.cluster_name}/{service.name}/{last}"


def _cluster_arn(service: Any) -> str:
    return service.arn.split(":service/")[0] + f":cluster/{service.cluster_name}"


def _breaker(configuration: dict[str, Any], desired: int) -> dict[str, Any]:
    """The circuit breaker's state for a new deployment (threshold: breaker_threshold)."""
    breaker = configuration.get("deploymentCircuitBreaker") or {}
    if not breaker.get("enable"):
        return {"status": "DISABLED"}
    return {
        "status": "MONITORING",
        "failureCount": 0,
        "threshold": breaker_threshold(configuration, desired),
    }


def breaker_threshold(configuration: dict[str, Any], desired: int) -> int:
    """How many failed tasks trip the circuit breaker (docs/deployments.md, section 7):
    BOUNDED_PERCENT (the default, 50) clamps value% of the desired count to [3, 200], rounded
    up; UNBOUNDED_PERCENT does not clamp; COUNT is the value itself."""
    breaker = configuration.get("deploymentCircuitBreaker") or {}
    threshold = breaker.get("thresholdConfiguration") or {}
    kind = threshold.get("type") or "BOUNDED_PERCENT"
    value = threshold.get("value", 50)
    if kind == "COUNT":
        return max(1, int(value))
    found = math.ceil(desired * value / 100)
    if kind == "UNBOUNDED_PERCENT":
        return max(1, found)
    return min(200, max(3, found))


def _alarms(configuration: dict[str, Any]) -> dict[str, Any]:
    alarms = configuration.get("alarms") or {}
    if not alarms.get("enable"):
        return {"status": "DISABLED"}
    return {"status": "MONITORING", "alarmNames": list(alarms.get("alarmNames") or [])}


def _container_images(backend: Any, task_definition: str | None) -> list[dict[str, Any]]:
    if backend is None or not task_definition:
        return []
    try:
        found = backend.describe_task_definition(task_definition)
    except Exception:  # a revision deleted since: the images are simply not known
        return []
    return [
        {"containerName": c.get("name"), "image": c.get("image")}
        for c in found.container_definitions or []
    ]


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    from datetime import timezone

    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _wire(value: Any) -> Any:
    """Timestamps as epoch seconds (what the JSON protocol sends); nested copies."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value
