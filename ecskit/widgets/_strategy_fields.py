"""The deployment section ServiceForm and UpdateServiceForm share: the strategy (ROLLING,
BLUE_GREEN, LINEAR, CANARY), its bake times and steps, the load balancer settings ECS needs to
shift traffic, and lifecycle hooks. The rules (ecskit/rules/deployment_strategy.py and
lifecycle_hooks.py) check every value; this module only holds and shows them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .. import console
from ._fields import Field

DC = "deploymentConfiguration"
ADVANCED = "loadBalancers[0].advancedConfiguration"
STRATEGIES = [
    ("Rolling update", "ROLLING"),
    ("Blue/green", "BLUE_GREEN"),
    ("Linear", "LINEAR"),
    ("Canary", "CANARY"),
]
TRAFFIC = ("BLUE_GREEN", "LINEAR", "CANARY")
# botocore's DeploymentLifecycleHookStage, in deployment order
STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
# the model's defaults (LinearConfiguration, CanaryConfiguration); 5 minutes is the guide's example
DEFAULTS = {"bake": 5, "step": 10.0, "step_bake": 6, "canary": 5.0, "canary_bake": 10}
WIDE = {"width": "420px"}
NARROW = {"width": "90px"}


class HookRow:
    """One lifecycle hook: PAUSE or AWS_LAMBDA, its function and role (Lambda), its stages."""

    def __init__(self, index: int, on_remove: Any) -> None:
        self.kind = widgets.Dropdown(
            options=[("Pause", "PAUSE"), ("Lambda", "AWS_LAMBDA")], layout={"width": "110px"}
        )
        self.stages = widgets.SelectMultiple(
            options=STAGES, value=("POST_SCALE_UP",), rows=3, layout={"width": "300px"}
        )
        self.target = widgets.Text(placeholder="Lambda function ARN", layout={"width": "300px"})
        self.role = widgets.Text(
            placeholder="role ECS uses to invoke it", layout={"width": "300px"}
        )
        self.remove = widgets.Button(description="Remove", layout={"width": "80px"})
        self.remove.add_class("ecskit-remove-hook")
        self.remove.on_click(lambda _: on_remove(self))
        self.lambda_box = widgets.HBox([self.target, self.role])
        body = widgets.VBox([widgets.HBox([self.kind, self.stages, self.remove]), self.lambda_box])
        self.field = Field(f"{DC}.lifecycleHooks[{index}]", body, label=f"Hook {index + 1}")
        self.field.box.add_class("ecskit-hook")
        self.kind.observe(lambda _: self.shown(), names="value")
        self.shown()

    def inputs(self) -> list[widgets.Widget]:
        return [self.kind, self.stages, self.target, self.role]

    def shown(self) -> None:
        self.lambda_box.layout.display = "" if self.kind.value == "AWS_LAMBDA" else "none"

    def request(self) -> dict[str, Any]:
        hook: dict[str, Any] = {"targetType": self.kind.value}
        if self.kind.value == "AWS_LAMBDA":
            hook["hookTargetArn"] = self.target.value.strip()
            if self.role.value.strip():
                hook["roleArn"] = self.role.value.strip()
        hook["lifecycleStages"] = list(self.stages.value)
        return hook

    def fill(self, hook: dict[str, Any]) -> None:
        self.kind.value = hook.get("targetType") or "AWS_LAMBDA"  # the model's default
        self.target.value = str(hook.get("hookTargetArn") or "")
        self.role.value = str(hook.get("roleArn") or "")
        self.stages.value = tuple(s for s in hook.get("lifecycleStages") or [] if s in STAGES)


class StrategySection:
    """The deployment strategy fields of `form`; `request(body)` adds them to a request."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.hooks: list[HookRow] = []
        self.named = False  # whether the loaded request named a strategy
        self.strategy = widgets.Dropdown(options=STRATEGIES, value="ROLLING", layout=WIDE)
        self.bake = widgets.IntText(value=DEFAULTS["bake"], layout=NARROW)
        self.step = widgets.FloatText(value=DEFAULTS["step"], step=0.1, layout=NARROW)
        self.step_bake = widgets.IntText(value=DEFAULTS["step_bake"], layout=NARROW)
        self.canary = widgets.FloatText(value=DEFAULTS["canary"], step=0.1, layout=NARROW)
        self.canary_bake = widgets.IntText(value=DEFAULTS["canary_bake"], layout=NARROW)
        self.alternate = widgets.Dropdown(options=[("None", "")], layout=WIDE)
        self.production = widgets.Dropdown(options=[("None", "")], layout=WIDE)
        self.test = widgets.Dropdown(options=[("None", "")], layout=WIDE)
        self.role = widgets.Text(
            placeholder="arn:aws:iam::…:role/ecsInfrastructureRole", layout=WIDE
        )
        self.add_hook = widgets.Button(description="Add hook")
        self.add_hook.add_class("ecskit-add-hook")
        self.add_hook.on_click(lambda _: self.add())
        self.hooks_box = widgets.VBox()

        def field(path: str, widget: Any, label: str, name: str, help: str = "") -> Field:
            return Field(path, widget, label=label, name=name, help=help)

        self.strategy_field = field(
            f"{DC}.strategy",
            self.strategy,
            "Deployment strategy",
            "strategy",
            "Rolling replaces tasks a few at a time; blue/green, linear and canary start a full "
            "new (green) set of tasks and move load balancer traffic to it.",
        )
        self.bake_field = field(
            f"{DC}.bakeTimeInMinutes",
            self.bake,
            "Bake time (minutes)",
            "bake-time",
            "How long the old (blue) tasks keep running after all production traffic moved.",
        )
        self.linear_fields = [
            field(f"{DC}.linearConfiguration.stepPercent", self.step, "Step (% of traffic)",
                  "step-percent", "Each step moves this share: 3.0 to 100.0, in 0.1s."),
            field(f"{DC}.linearConfiguration.stepBakeTimeInMinutes", self.step_bake,
                  "Step bake (minutes)", "step-bake-time"),
        ]  # fmt: skip
        self.canary_fields = [
            field(f"{DC}.canaryConfiguration.canaryPercent", self.canary, "Canary (% of traffic)",
                  "canary-percent", "The canary's share first: 0.1 to 100.0, in 0.1s."),
            field(f"{DC}.canaryConfiguration.canaryBakeTimeInMinutes", self.canary_bake,
                  "Canary bake (minutes)", "canary-bake-time"),
        ]  # fmt: skip
        self.traffic_fields = [
            Field(ADVANCED, None, name="advanced-configuration"),
            field(f"{ADVANCED}.alternateTargetGroupArn", self.alternate,
                  "Alternate target group", "alternate-target-group",
                  "Where the new (green) tasks register."),
            field(f"{ADVANCED}.productionListenerRule", self.production,
                  "Production rule", "production-listener-rule",
                  "The listener rule (ALB) or listener (NLB) that carries production traffic."),
            field(f"{ADVANCED}.testListenerRule", self.test, "Test rule",
                  "test-listener-rule", "Optional: its traffic reaches green first."),
            field(f"{ADVANCED}.roleArn", self.role, "Infrastructure role",
                  "infrastructure-role", "The role ECS uses to change the listener rules."),
        ]  # fmt: skip
        self.hooks_field = Field(
            f"{DC}.lifecycleHooks",
            self.add_hook,
            label="Lifecycle hooks",
            name="lifecycle-hooks",
            help="Pause waits for ContinueServiceDeployment; Lambda calls a function at "
            "each chosen stage.",
        )
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Deployment</b>"),
                *(f.box for f in self.fields()),
                self.hooks_box,
            ]
        )
        self.box.add_class("ecskit-section")
        self.box.add_class("ecskit-deployment-strategy")
        form.watch(self.strategy, self.bake, self.step, self.step_bake, self.canary)
        form.watch(self.canary_bake, self.alternate, self.production, self.test, self.role)
        self.strategy.observe(lambda _: self.shown(), names="value")
        self.shown()

    def fields(self) -> list[Field]:
        """The section's fields (hook rows come and go: see `hook_fields`)."""
        return [
            self.strategy_field,
            self.bake_field,
            *self.linear_fields,
            *self.canary_fields,
            *self.traffic_fields,
            self.hooks_field,
        ]

    def hook_fields(self) -> list[Field]:
        return [row.field for row in self.hooks]

    def shown(self) -> None:
        """Show the fields the chosen strategy uses."""
        value = self.strategy.value
        for fields, wanted in (
            ([self.bake_field, *self.traffic_fields, self.hooks_field], value in TRAFFIC),
            (self.linear_fields, value == "LINEAR"),
            (self.canary_fields, value == "CANARY"),
        ):
            for item in fields:
                item.box.layout.display = "" if wanted else "none"
        self.hooks_box.layout.display = "" if value in TRAFFIC else "none"

    # --- lists from the account ------------------------------------------------------------

    def refresh_lists(self) -> None:
        """Target groups, and every listener rule (ALB) and listener (NLB) of the account."""
        form = self.form
        groups = form.read(lambda: console.target_groups(form.session), [])
        rules = form.read(lambda: listener_rules(form.session), [], "list listener rules")
        with form.holding():
            form._keep(self.alternate, [("None", "")] + [(g["name"], g["arn"]) for g in groups])
            for dropdown in (self.production, self.test):
                form._keep(dropdown, [("None", ""), *rules])

    # --- hooks -----------------------------------------------------------------------------

    def add(self, hook: dict[str, Any] | None = None) -> HookRow:
        """Add a hook row (filled from `hook` when given)."""
        row = HookRow(len(self.hooks), self._remove)
        if hook:
            row.fill(hook)
        self.hooks.append(row)
        self.form.watch(*row.inputs())
        self._rows_changed()
        return row

    def _remove(self, row: HookRow) -> None:
        hooks = [r.request() for r in self.hooks if r is not row]
        self._set_hooks(hooks)

    def _set_hooks(self, hooks: list[dict[str, Any]]) -> None:
        """Rebuild the rows (their indexes are the request's) from hook bodies."""
        self.hooks = []
        for hook in hooks:
            row = HookRow(len(self.hooks), self._remove)
            row.fill(hook)
            self.hooks.append(row)
            self.form.watch(*row.inputs())
        self._rows_changed()

    def _rows_changed(self) -> None:
        form = self.form
        form.fields = [f for f in form.fields if not f.path.startswith(f"{DC}.lifecycleHooks[")]
        form.fields.extend(self.hook_fields())
        self.hooks_box.children = [row.field.box for row in self.hooks]
        form._changed()

    # --- the request -------------------------------------------------------------------------

    def request(self, body: dict[str, Any]) -> None:
        """Add the strategy's members to `body` (its deploymentConfiguration, loadBalancers[0]).

        ROLLING, the default, is written only when the loaded request named a strategy (an
        update moving a service back to rolling must say so).
        """
        value = self.strategy.value
        if value == "ROLLING" and not self.named:
            return
        config = body.setdefault(DC, {})
        config["strategy"] = value
        if value not in TRAFFIC:
            return
        config["bakeTimeInMinutes"] = int(self.bake.value)
        if value == "LINEAR":
            config["linearConfiguration"] = {
                "stepPercent": float(self.step.value),
                "stepBakeTimeInMinutes": int(self.step_bake.value),
            }
        if value == "CANARY":
            config["canaryConfiguration"] = {
                "canaryPercent": float(self.canary.value),
                "canaryBakeTimeInMinutes": int(self.canary_bake.value),
            }
        if self.hooks:
            config["lifecycleHooks"] = [row.request() for row in self.hooks]
        balancers = body.get("loadBalancers") or []
        if balancers:
            advanced = {
                "alternateTargetGroupArn": self.alternate.value,
                "productionListenerRule": self.production.value,
                "testListenerRule": self.test.value,
                "roleArn": self.role.value.strip(),
            }
            balancers[0]["advancedConfiguration"] = {k: v for k, v in advanced.items() if v}

    def fill(self, config: dict[str, Any], balancers: list[Any] | None) -> None:
        """Set the fields from a deploymentConfiguration and loadBalancers."""
        self.named = bool(config.get("strategy"))
        self.strategy.value = config.get("strategy") or "ROLLING"
        self.bake.value = int(config.get("bakeTimeInMinutes", DEFAULTS["bake"]))
        linear = config.get("linearConfiguration") or {}
        self.step.value = float(linear.get("stepPercent", DEFAULTS["step"]))
        self.step_bake.value = int(linear.get("stepBakeTimeInMinutes", DEFAULTS["step_bake"]))
        canary = config.get("canaryConfiguration") or {}
        self.canary.value = float(canary.get("canaryPercent", DEFAULTS["canary"]))
        self.canary_bake.value = int(canary.get("canaryBakeTimeInMinutes", DEFAULTS["canary_bake"]))
        advanced = ((balancers or [{}])[0] or {}).get("advancedConfiguration") or {}
        for dropdown, name in (
            (self.alternate, "alternateTargetGroupArn"),
            (self.production, "productionListenerRule"),
            (self.test, "testListenerRule"),
        ):
            wanted = str(advanced.get(name) or "")
            if wanted not in [v for _, v in dropdown.options]:
                dropdown.options = [*dropdown.options, (wanted, wanted)]
            dropdown.value = wanted
        self.role.value = str(advanced.get("roleArn") or "")
        self._set_hooks(list(config.get("lifecycleHooks") or []))


def listener_rules(session: Any) -> list[tuple[str, str]]:
    """(label, ARN) of every ALB listener rule and NLB listener: what a production or test
    listener rule may name (model AdvancedConfiguration.productionListenerRule)."""
    elbv2 = session.elbv2
    found: list[tuple[str, str]] = []
    balancers = elbv2.get_paginator("describe_load_balancers").paginate()
    for balancer in (b for page in balancers for b in page["LoadBalancers"]):
        name, network = balancer["LoadBalancerName"], balancer.get("Type") == "network"
        listeners = elbv2.get_paginator("describe_listeners").paginate(
            LoadBalancerArn=balancer["LoadBalancerArn"]
        )
        for listener in (item for page in listeners for item in page["Listeners"]):
            where = f"{name}:{listener.get('Port', '')}"
            if network:
                found.append((f"{where} (listener)", listener["ListenerArn"]))
                continue
            rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
            # a listener's default rule changes through ModifyListener: ECS moves weighted rules
            found.extend(
                (f"{where} rule {rule.get('Priority', '')}", rule["RuleArn"])
                for rule in rules
                if not rule.get("IsDefault")
            )
    return found
