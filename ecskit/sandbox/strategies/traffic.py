"""BLUE_GREEN, CANARY and LINEAR deployments: ECS's lifecycle stages, on the sandbox clock.

PRE_SCALE_UP → SCALE_UP (green starts its full count beside blue) → POST_SCALE_UP →
TEST_TRAFFIC_SHIFT (the test listener rule forwards to green) → POST_TEST_TRAFFIC_SHIFT →
PRODUCTION_TRAFFIC_SHIFT (the production listener rule's weights move to green, in the
strategy's steps, each followed by its bake) → POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME
(`bakeTimeInMinutes`) → CLEAN_UP (blue stops) → SUCCESSFUL. Lifecycle hooks run at the stages
they name: a PAUSE hook waits for ContinueServiceDeployment; a Lambda hook answers what the
user told the sandbox (`Sandbox.hook_results`, SUCCEEDED unless said otherwise), because the
sandbox cannot run Lambda functions. A failed hook, a timed-out hook whose timeoutAction is
ROLLBACK, or StopServiceDeployment rolls traffic back to blue and stops green.
Stage meanings: botocore's ECS model (ServiceDeployment.lifecycleStage, DeploymentLifecycleHook);
sources and the rest: docs/deployments.md.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from . import Strategy

# Lambda hooks answer this unless the user says otherwise (Sandbox.hook_results).
DEFAULT_HOOK_RESULT = "SUCCEEDED"
# DeploymentLifecycleHookTimeoutConfiguration's defaults (botocore ECS model).
DEFAULT_HOOK_TIMEOUT_MINUTES = 1440
DEFAULT_TIMEOUT_ACTION = "ROLLBACK"


class TrafficDeployment:
    """One deployment moving traffic from blue (the sources) to green (the target)."""

    def __init__(
        self, scheduler: Any, service: Any, record: dict, strategy: Strategy, green: dict
    ) -> None:
        self.scheduler = scheduler
        self.service = service
        self.record = record
        self.green = green
        self.blue_ids = list(record["_"]["sources"])
        conf = record.get("deploymentConfiguration") or {}
        self.hooks = list(conf.get("lifecycleHooks") or [])
        self.plan = _plan(strategy, conf)
        self.at = 0
        self.since = scheduler.clock.now()
        self.weights = {"production": 0.0, "test": 0.0}
        self.active = True
        self.rolling_back = False
        self._set_weights()

    # -- the scheduler's entry point -------------------------------------------------------
    def reconcile(self) -> tuple[bool, bool]:
        """Advance as far as the clock allows: (still busy, acted)."""
        acted = False
        for _ in range(len(self.plan) + 2):
            if not self.active:
                return False, acted
            if self.rolling_back:
                return self._roll_back_step(), True
            op = self.plan[self.at]
            done, did = self._run(op)
            acted |= did
            if not done:
                return True, acted
            self.at += 1
            self.since = self.scheduler.clock.now()
            if self.at >= len(self.plan):
                self._succeeded()
                return False, True
        return True, acted

    def stop(self, reason: str, requested: bool = False) -> None:
        """Roll back: traffic to blue, green stopped. A user's request (StopServiceDeployment,
        ContinueServiceDeployment ROLLBACK) is ROLLBACK_REQUESTED until the scheduler acts."""
        if not self.active or self.rolling_back:
            return
        now = self.scheduler.clock.datetime()
        self.rolling_back = True
        self.record["status"] = "ROLLBACK_REQUESTED" if requested else "ROLLBACK_IN_PROGRESS"
        self.record["statusReason"] = reason
        self.record["updatedAt"] = now
        blue = self.blue_ids[0] if self.blue_ids else None
        self.record["rollback"] = {
            "reason": reason,
            "startedAt": now,
            "serviceRevisionArn": self.record["_"]["revision_arns"].get(blue),
        }
        self.scheduler.touch(self.service)

    def continue_hook(self, hook_id: str, action: str) -> bool:
        """ContinueServiceDeployment: False if no paused hook has that id."""
        for detail in self.record.get("lifecycleHookDetails") or []:
            if detail["hookId"] == hook_id and detail["status"] == "AWAITING_ACTION":
                detail["status"] = "SUCCEEDED" if action == "CONTINUE" else "FAILED"
                detail["_action"] = action
                self.scheduler.touch(self.service)
                return True
        return False

    # -- each step of the plan ---------------------------------------------------------------
    def _run(self, op: tuple) -> tuple[bool, bool]:
        kind = op[0]
        if kind == "stage":
            self.record["lifecycleStage"] = op[1]
            self.record["updatedAt"] = self.scheduler.clock.datetime()
            return True, False
        if kind == "hooks":
            return self._hooks(op[1])
        if kind == "scale_up":
            return self._scale_up()
        if kind in ("test", "production"):
            self.weights[kind] = op[1]
            self._set_weights()
            self.scheduler.event(
                self.service,
                f"(service {self.service.name}) (deployment {self.green['id']}) shifted "
                f"{op[1]:g}% of {kind} traffic to the new service revision.",
            )
            return True, True
        if kind == "wait":  # settle() brings a deployment to its end: bakes included
            clock = self.scheduler.clock
            return clock.rushing or clock.now() >= self.since + op[1], False
        if kind == "clean_up":
            return self._clean_up()
        raise ValueError(f"unknown step {op!r}")

    def _scale_up(self) -> tuple[bool, bool]:
        sched, service = self.scheduler, self.service
        members = sched.tasks_of(service._ecskit_backend, service)
        green = [t for t in members if t.started_by == self.green["id"]]
        live = [t for t in green if t.desired_status == "RUNNING"]
        wanted = service.desired_count - len(live)
        acted = False
        if wanted > 0:
            acted = bool(sched.start_green(service, self.green, wanted))
        sched.count(service, members)
        running = sum(1 for t in live if t.last_status == "RUNNING")
        return running >= service.desired_count and wanted <= 0, acted

    def _clean_up(self) -> tuple[bool, bool]:
        sched, service = self.scheduler, self.service
        members = sched.tasks_of(service._ecskit_backend, service)
        blue = [t for t in members if t.started_by != self.green["id"]]
        stopping = [t for t in blue if t.desired_status == "RUNNING"]
        for task in stopping:
            sched.lifecycle.stop(task, "ServiceSchedulerInitiated", _reason(self.green))
        if stopping:
            sched.event(service, sched.stopped_message(service, stopping))
        sched.count(service, members)
        return all(t.last_status == "STOPPED" for t in blue), bool(stopping)

    def _hooks(self, stage: str) -> tuple[bool, bool]:
        """Run the hooks that name `stage`; done when every one has succeeded."""
        now = self.scheduler.clock
        details = self.record.setdefault("lifecycleHookDetails", [])
        mine = [h for h in self.hooks if stage in (h.get("lifecycleStages") or [])]
        for number, hook in enumerate(mine):
            hook_id = _hook_id(self.record["serviceDeploymentArn"], stage, number, self.at)
            detail = next((d for d in details if d["hookId"] == hook_id), None)
            if detail is None:
                detail = _detail(hook, hook_id, now)
                details.append(detail)
                if detail["targetType"] == "AWS_LAMBDA":
                    results = getattr(self.scheduler, "hook_results", {}) or {}
                    detail["_answer"] = results.get(detail.get("targetArn"), DEFAULT_HOOK_RESULT)
                return False, True  # started: its answer comes at the next tick
            if detail["status"] == "IN_PROGRESS":
                detail["status"] = detail.pop("_answer", DEFAULT_HOOK_RESULT)
            if detail["status"] in ("AWAITING_ACTION", "IN_PROGRESS"):
                if now.now() >= detail["_expires"]:
                    detail["status"] = "TIMED_OUT"
                    if detail["timeoutAction"] == "CONTINUE":
                        continue
                    self.stop(f"The lifecycle hook {hook_id} timed out.")
                    return False, True
                return False, False
            if detail["status"] == "FAILED":
                if detail.get("_action") == "ROLLBACK":
                    self.stop("ContinueServiceDeployment asked for a rollback.", requested=True)
                else:
                    self.stop(f"The lifecycle hook {detail.get('targetArn')} failed.")
                return False, True
        return True, False

    def _roll_back_step(self) -> bool:
        """Traffic back to blue, green stopped; still busy until green has stopped."""
        sched, service = self.scheduler, self.service
        if sched.clock.datetime() > self.record["updatedAt"]:  # once sandbox time moves on
            self.record["status"] = "ROLLBACK_IN_PROGRESS"
        if self.weights["production"] or self.weights["test"]:
            self.weights = {"production": 0.0, "test": 0.0}
            self._set_weights()
        members = sched.tasks_of(service._ecskit_backend, service)
        green = [t for t in members if t.started_by == self.green["id"]]
        stopping = [t for t in green if t.desired_status == "RUNNING"]
        for task in stopping:
            sched.lifecycle.stop(task, "ServiceSchedulerInitiated", _reason(self.green))
        sched.count(service, members)
        if not all(t.last_status == "STOPPED" for t in green):
            return True
        sched.restore_blue(service, self.green, self.blue_ids)
        sched.history.finish(
            self.record, "ROLLBACK_SUCCESSFUL", self.record.get("statusReason", ""),
            sched.clock.datetime(),
        )  # fmt: skip
        self.active = False
        return False

    def _succeeded(self) -> None:
        sched = self.scheduler
        self.green["rolloutState"] = "COMPLETED"
        self.green["rolloutStateReason"] = "ECS deployment completed successfully."
        self.service._ecskit_serving = green_groups(self.service)
        sched.history.finish(
            self.record, "SUCCESSFUL", "Service deployment completed successfully.",
            sched.clock.datetime(),
        )  # fmt: skip
        self.record.pop("lifecycleStage", None)
        self.active = False
        sched.drop_others(self.service, self.green)
        sched.event(
            self.service,
            f"(service {self.service.name}) (deployment {self.green['id']}) deployment completed.",
        )

    # -- traffic -------------------------------------------------------------------------------
    def _set_weights(self) -> None:
        """Rewrite the production and test listener rules in the sandbox's ELBv2."""
        inner = self.record["_"]
        green = self.green["id"]
        weights = inner.setdefault("weights", {})
        weights[green] = (self.weights["production"], self.weights["test"])
        for blue in self.blue_ids:
            weights[blue] = (100.0 - self.weights["production"], 100.0 - self.weights["test"])
        serving = getattr(self.service, "_ecskit_serving", None) or {}
        greens = green_groups(self.service)
        for lb in self.service.load_balancers or []:
            advanced = lb.get("advancedConfiguration") or {}
            configured = lb.get("targetGroupArn")
            if not configured or not advanced.get("alternateTargetGroupArn"):
                continue
            blue_group = serving.get(configured, configured)
            green_group = greens.get(configured)
            for key, share in (("productionListenerRule", self.weights["production"]),
                               ("testListenerRule", self.weights["test"])):  # fmt: skip
                if advanced.get(key):
                    forward(self.service, advanced[key], blue_group, green_group, share)


def group_for(service: Any, deployment_id: str, configured: str) -> str:
    """The target group a task of `deployment_id` belongs in: green's during a blue/green,
    canary or linear deployment, else the group that serves production now."""
    engine = getattr(service, "_ecskit_traffic", None)
    if engine is not None and engine.active and deployment_id == engine.green["id"]:
        return green_groups(service).get(configured, configured)
    return (getattr(service, "_ecskit_serving", None) or {}).get(configured, configured)


def green_groups(service: Any) -> dict[str, str]:
    """Configured target group -> the group green's tasks go to (the other of the pair)."""
    serving = getattr(service, "_ecskit_serving", None) or {}
    out = {}
    for lb in service.load_balancers or []:
        configured = lb.get("targetGroupArn")
        alternate = (lb.get("advancedConfiguration") or {}).get("alternateTargetGroupArn")
        if configured and alternate:
            now = serving.get(configured, configured)
            out[configured] = alternate if now == configured else configured
    return out


def forward(
    service: Any, rule_or_listener: str, blue: str, green: str | None, share: float
) -> None:
    """Make a listener rule (ALB) or listener (NLB) forward `share` % to green, the rest to
    blue, as ECS does through Elastic Load Balancing's weighted forward action."""
    from moto.elbv2.models import FakeAction, elbv2_backends

    backend = service._ecskit_backend
    elbv2 = elbv2_backends[backend.account_id][backend.region_name]
    groups = [{"TargetGroupArn": blue, "Weight": round(100 - share)}]
    if green:
        groups.append({"TargetGroupArn": green, "Weight": round(share)})
    action = FakeAction({"Type": "forward", "Order": 1,
                         "ForwardConfig": {"TargetGroups": groups}})  # fmt: skip
    if ":listener-rule/" in rule_or_listener:
        for rule in elbv2.describe_rules(listener_arn=None, rule_arns=[rule_or_listener]):
            rule.actions = [action]
    else:
        for listener in elbv2.describe_listeners(None, [rule_or_listener]):
            listener.default_actions = [action]


def _plan(strategy: Strategy, conf: dict[str, Any]) -> list[tuple]:
    bake = 60.0 * (conf.get("bakeTimeInMinutes") or 0)
    plan: list[tuple] = [
        ("stage", "PRE_SCALE_UP"), ("hooks", "PRE_SCALE_UP"),
        ("stage", "SCALE_UP"), ("scale_up",),
        ("stage", "POST_SCALE_UP"), ("hooks", "POST_SCALE_UP"),
        ("stage", "TEST_TRAFFIC_SHIFT"), ("hooks", "TEST_TRAFFIC_SHIFT"), ("test", 100.0),
        ("stage", "POST_TEST_TRAFFIC_SHIFT"), ("hooks", "POST_TEST_TRAFFIC_SHIFT"),
    ]  # fmt: skip
    for share, step_bake in strategy.shifts(conf):
        # PRE_PRODUCTION_TRAFFIC_SHIFT hooks run "before every traffic shift step" (model)
        plan += [("hooks", "PRE_PRODUCTION_TRAFFIC_SHIFT"),
                 ("stage", "PRODUCTION_TRAFFIC_SHIFT"), ("production", share),
                 ("hooks", "PRODUCTION_TRAFFIC_SHIFT")]  # fmt: skip
        if step_bake:
            plan.append(("wait", step_bake))
    plan += [
        ("stage", "POST_PRODUCTION_TRAFFIC_SHIFT"), ("hooks", "POST_PRODUCTION_TRAFFIC_SHIFT"),
        ("stage", "BAKE_TIME"), ("wait", bake),
        ("stage", "CLEAN_UP"), ("clean_up",),
    ]  # fmt: skip
    return plan


def _detail(hook: dict[str, Any], hook_id: str, clock: Any) -> dict[str, Any]:
    timeout = hook.get("timeoutConfiguration") or {}
    minutes = timeout.get("timeoutInMinutes", DEFAULT_HOOK_TIMEOUT_MINUTES)
    kind = hook.get("targetType") or "AWS_LAMBDA"
    detail = {
        "hookId": hook_id,
        "targetType": kind,
        "status": "AWAITING_ACTION" if kind == "PAUSE" else "IN_PROGRESS",
        "expiresAt": clock.datetime() + timedelta(minutes=minutes),
        "timeoutAction": timeout.get("action", DEFAULT_TIMEOUT_ACTION),
        "_expires": clock.now() + 60.0 * minutes,
    }
    if kind != "PAUSE" and hook.get("hookTargetArn"):
        detail["targetArn"] = hook["hookTargetArn"]
    return detail


def _hook_id(deployment_arn: str, stage: str, number: int, step: int) -> str:
    digest = hashlib.sha256(f"{deployment_arn}/{stage}/{step}/{number}".encode()).hexdigest()
    return digest[:24]


def _reason(green: dict[str, Any]) -> str:
    return f"Scaling activity initiated by (deployment {green['id']})"
