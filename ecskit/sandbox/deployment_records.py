"""What the scheduler does for service deployments: records them (history.py), hands traffic-
shifting strategies to their engine (strategies/traffic.py), and rolls back.

A mixin of `Scheduler`: it uses the scheduler's clock, lifecycle, `_deployment`, `_start`,
`_count`, `_event` and `tasks_of`. Statuses as the developer guide gives them
(docs/deployments.md, section 2): a deployment starts PENDING and is IN_PROGRESS once the
scheduler works on it; SUCCESSFUL when the target is steady; a newer deployment stops it
("Replaced by a new service deployment."); a failure with rollback goes ROLLBACK_IN_PROGRESS ->
ROLLBACK_SUCCESSFUL, without rollback STOP_REQUESTED -> STOPPED. A rollback deploys the last
successful revision again and makes no new revision.
"""

from __future__ import annotations

from typing import Any

from .history import History, breaker_threshold
from .service_status import stopped_message
from .strategies import strategy_of
from .strategies.traffic import TrafficDeployment
from .task_launches import LAUNCH_STEP

__all__ = ["DeploymentRecords", "breaker_threshold"]


class HookResults(dict):
    """What each Lambda hook answers, by function ARN; every change is told to `on_change`
    (the layer records it, so a snapshot replays deployments with the same answers)."""

    def __init__(self) -> None:
        super().__init__()
        self.on_change: Any = None

    def __setitem__(self, arn: str, result: str) -> None:
        if result not in ("SUCCEEDED", "FAILED"):
            raise ValueError(
                f"hook_results[{arn!r}] = {result!r}: a Lambda hook answers 'SUCCEEDED' or "
                "'FAILED' (the sandbox cannot run the function, so you say which)."
            )
        super().__setitem__(arn, result)
        if self.on_change is not None:
            self.on_change(arn, result)

    def __delitem__(self, arn: str) -> None:
        super().__delitem__(arn)
        if self.on_change is not None:
            self.on_change(arn, None)

    def clear(self) -> None:
        for arn in list(self):
            del self[arn]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for arn, result in dict(*args, **kwargs).items():
            self[arn] = result

    def pop(self, arn: str, *default: Any) -> Any:
        if arn not in self:
            return dict.pop(self, arn, *default)
        result = self[arn]
        del self[arn]
        return result

    def quietly(self, arn: str, result: str | None) -> None:
        """Set (or with None forget) an answer without telling anyone (snapshot replay)."""
        if result is None:
            dict.pop(self, arn, None)
        else:
            super().__setitem__(arn, result)


class DeploymentRecords:
    """Service deployments for the scheduler (mixed into Scheduler)."""

    history: History
    hook_results: HookResults

    def _records_init(self) -> None:
        self.history = History()
        # what each Lambda hook answers (the sandbox cannot run Lambda): ARN -> SUCCEEDED/FAILED
        self.hook_results = HookResults()

    # -- a new deployment ------------------------------------------------------------------
    def record_start(self, service: Any, sources: list[dict[str, Any]]) -> None:
        """The PRIMARY deployment just made is a new service deployment from `sources`."""
        target = service.deployments[0]
        now = self.clock.datetime()
        configuration = dict(getattr(service, "deployment_configuration", None) or {})
        for older in self.history.ongoing(service):
            self.history.finish(older, "STOPPED", "Replaced by a new service deployment.", now)
            engine = older["_"].get("engine")
            if engine is not None:
                engine.active = False
        record = self.history.started(service, target, sources, configuration, now)
        strategy = strategy_of(configuration)
        service._ecskit_traffic = None
        if strategy.shifts_traffic and sources:
            engine = TrafficDeployment(self, service, record, strategy, target)
            record["_"]["engine"] = engine
            service._ecskit_traffic = engine
        # the revision ARN each of the scheduler's deployments stands for (rollbacks)
        record["_"]["revision_arns"] = {
            d["id"]: self.history.revision(service, d, now) for d in [target, *sources]
        }
        for deployment in [target, *sources]:
            revision = self.history.revisions[record["_"]["revision_arns"][deployment["id"]]]
            revision.setdefault("resolvedConfiguration", _resolved(service, deployment["id"]))

    def record_progress(self, service: Any) -> None:
        """PENDING becomes IN_PROGRESS when the scheduler first works on the deployment; the
        deployment's CloudWatch alarms are watched while it moves."""
        for record in self.history.ongoing(service):
            if record["status"] in ("PENDING", "IN_PROGRESS"):
                self._watch_alarms(service, record)
        for record in self.history.ongoing(service):
            if record["status"] == "PENDING":
                record["status"] = "IN_PROGRESS"
                record["startedAt"] = record["updatedAt"] = self.clock.datetime()
            elif (
                record["status"] == "ROLLBACK_REQUESTED"
                and record["_"].get("rollback_to")
                and self.clock.datetime() > record["updatedAt"]  # once sandbox time moves on
            ):
                record["status"] = "ROLLBACK_IN_PROGRESS"
                record["updatedAt"] = self.clock.datetime()

    def record_steady(self, service: Any, primary: dict[str, Any]) -> None:
        """The PRIMARY deployment reached its steady state."""
        now = self.clock.datetime()
        for record in self.history.ongoing(service):
            inner = record["_"]
            if inner.get("rollback_to") == primary["id"]:
                self.history.finish(record, "ROLLBACK_SUCCESSFUL", record["statusReason"], now)
            elif inner["target"] == primary["id"] and record["status"] == "IN_PROGRESS":
                self.history.finish(
                    record, "SUCCESSFUL", "Service deployment completed successfully.", now
                )

    def _watch_alarms(self, service: Any, record: dict[str, Any]) -> None:
        """deploymentConfiguration.alarms: an alarm going into ALARM fails the deployment, and
        rolls it back with `rollback`; an alarm already in ALARM when the deployment began is
        not watched (developer guide, deployment-alarm-failure.html; docs/deployments.md §7)."""
        alarms = record.get("alarms") or {}
        if alarms.get("status") != "MONITORING":
            return
        states = _alarm_states(service, alarms.get("alarmNames") or [])
        inner = record["_"]
        if "alarms_at_start" not in inner:
            inner["alarms_at_start"] = [n for n, state in states.items() if state == "ALARM"]
        if inner["alarms_at_start"]:
            return
        fired = [name for name, state in states.items() if state == "ALARM"]
        if not fired:
            return
        alarms["status"] = "TRIGGERED"
        alarms["triggeredAlarmNames"] = fired
        target = next((d for d in service.deployments if d["id"] == inner["target"]), None)
        reason = "ECS deployment alarms: alarm detected."
        if target is not None:
            target["rolloutState"] = "FAILED"
            target["rolloutStateReason"] = reason
        # the service event as real accounts log it (docs/deployments.md §7)
        self._event(
            service,
            f"(service {service.name}) (deployment {inner['target']}) deployment failed: "
            "alarm detected.",
        )
        conf = record.get("deploymentConfiguration") or {}
        if (conf.get("alarms") or {}).get("rollback"):
            self.roll_back(record, reason)
        else:
            record["status"] = "STOP_REQUESTED"
            self.history.finish(record, "STOPPED", reason, self.clock.datetime())

    # -- failures and rollbacks --------------------------------------------------------------
    def record_failure(self, service: Any, deployment: dict[str, Any]) -> None:
        """Count a failed task in the circuit breaker of the deployment it belongs to."""
        record = self.history.for_deployment(service, deployment["id"])
        if record is None:
            return
        breaker = record.get("deploymentCircuitBreaker") or {}
        if breaker.get("status") == "MONITORING":
            breaker["failureCount"] = deployment.get("failedTasks", 0)

    def record_tripped(self, service: Any, deployment: dict[str, Any], rollback: bool) -> bool:
        """The circuit breaker failed `deployment`: roll back (True) or stop it."""
        record = self.history.for_deployment(service, deployment["id"])
        reason = "ECS deployment circuit breaker: tasks failed to start."
        if record is None or record["status"] not in ("PENDING", "IN_PROGRESS"):
            return False  # already rolling back or stopped: later failures change nothing
        breaker = record.get("deploymentCircuitBreaker") or {}
        breaker["status"] = "TRIGGERED"
        if rollback:
            return self.roll_back(record, reason)
        record["status"] = "STOP_REQUESTED"
        self.history.finish(record, "STOPPED", reason, self.clock.datetime())
        return False

    def roll_back(self, record: dict[str, Any], reason: str, requested: bool = False) -> bool:
        """Back to the last revision that worked: traffic strategies move traffic back and stop
        green; rolling deploys the source revision again. False if there is nothing to go to."""
        inner = record["_"]
        service = inner["service"]
        engine = inner.get("engine")
        now = self.clock.datetime()
        if engine is not None and engine.active:
            engine.stop(reason, requested)
            return True
        if not inner["sources"]:
            self.history.finish(record, "STOPPED", reason, now)
            return False
        source = inner["sources"][0]
        source_arn = inner["revision_arns"][source]
        task_definition = self.history.revisions[source_arn]["taskDefinition"]
        primary = service.deployments[0] if service.deployments else None
        if primary is not None and primary["id"] == inner["target"]:
            primary["status"] = "ACTIVE"
            primary["rolloutState"] = "FAILED"
            primary["rolloutStateReason"] = reason
        service.task_definition = task_definition
        again = self._deployment(service)
        service.deployments.insert(0, again)
        # a rollback makes no new service revision: it deploys the source revision again
        self.history.alias(service, again["id"], source_arn)
        # a user's request shows as ROLLBACK_REQUESTED until the scheduler next acts
        record["status"] = "ROLLBACK_REQUESTED" if requested else "ROLLBACK_IN_PROGRESS"
        record["statusReason"] = reason
        record["updatedAt"] = now
        record["rollback"] = {"reason": reason, "startedAt": now, "serviceRevisionArn": source_arn}
        inner["rollback_to"] = again["id"]
        service._ecskit_backoff = 0.0
        service._ecskit_steady = False
        self._event(service, f"(service {service.name}) rolling back to deployment {source}.")
        self.touch(service)
        return True

    # -- what the traffic engine asks of the scheduler ------------------------------------
    def start_green(self, service: Any, green: dict[str, Any], count: int) -> list[Any]:
        return self._start(service._ecskit_backend, service, green, min(count, LAUNCH_STEP))

    def count(self, service: Any, members: list[Any]) -> None:
        self._count(service, members)

    def event(self, service: Any, message: str) -> None:
        self._event(service, message)

    def stopped_message(self, service: Any, tasks: list[Any]) -> str:
        return stopped_message(service, tasks)

    def restore_blue(self, service: Any, green: dict[str, Any], blue_ids: list[str]) -> None:
        """After a traffic rollback: blue is PRIMARY again, green's deployment is gone."""
        service.deployments = [d for d in service.deployments if d["id"] != green["id"]]
        for deployment in service.deployments:
            if deployment["id"] in blue_ids[:1]:
                deployment["status"] = "PRIMARY"
                service.task_definition = deployment["taskDefinition"]
                service.deployments.remove(deployment)
                service.deployments.insert(0, deployment)
                break
        service._ecskit_traffic = None
        self.touch(service)

    def drop_others(self, service: Any, green: dict[str, Any]) -> None:
        """After a traffic deployment: only green's deployment is left."""
        service.deployments = [d for d in service.deployments if d["id"] == green["id"]]
        service._ecskit_traffic = None


def _resolved(service: Any, deployment_id: str) -> dict[str, Any]:
    """ServiceRevision.resolvedConfiguration: the target group each load balancer of the
    revision really uses (blue/green alternates between two) and its production rule."""
    from .strategies.traffic import group_for

    found = []
    for lb in getattr(service, "load_balancers", None) or []:
        if not lb.get("targetGroupArn"):
            continue
        entry = {"targetGroupArn": group_for(service, deployment_id, lb["targetGroupArn"])}
        rule = (lb.get("advancedConfiguration") or {}).get("productionListenerRule")
        if rule:
            entry["productionListenerRule"] = rule
        found.append(entry)
    return {"loadBalancers": found}


def _alarm_states(service: Any, names: list[str]) -> dict[str, str]:
    """The state of each named CloudWatch alarm in the sandbox's CloudWatch (missing: none)."""
    if not names:
        return {}
    from moto.cloudwatch.models import cloudwatch_backends

    backend = service._ecskit_backend
    alarms = cloudwatch_backends[backend.account_id][backend.region_name].alarms
    return {name: alarms[name].state_value for name in names if name in alarms}
