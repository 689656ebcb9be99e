"""The service forms' auto scaling settings: min/max tasks and a target-tracking policy.

Not part of CreateService/UpdateService: Application Auto Scaling's RegisterScalableTarget and
PutScalingPolicy, sent once the service exists (ecskit.scaling) and previewed here.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from .. import preview
from ..rules import auto_scaling
from ._fields import Field

AT = auto_scaling.AT
HELP = (
    "After the service exists, Application Auto Scaling adds or removes tasks to hold the "
    "metric near the target, between min and max."
)


class ScalingSection:
    """Auto scaling fields of one service form; `settings()` is None when it is off."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.enabled = widgets.Checkbox(
            value=False, description="Scale automatically", indent=False
        )
        small = {"width": "80px"}
        self.minimum = widgets.BoundedIntText(value=1, min=0, max=5000, layout=small)
        self.maximum = widgets.BoundedIntText(value=4, min=0, max=5000, layout=small)
        self.metric = widgets.Dropdown(
            options=[(label, value) for value, label in auto_scaling.METRICS.items()],
            value="ECSServiceAverageCPUUtilization",
            layout={"width": "260px"},
        )
        self.target = widgets.BoundedFloatText(value=60, min=0, max=1e9, layout=small)
        self.requests = widgets.HTML()
        self.requests.add_class("ecskit-scaling-requests")

        def word(text: str) -> widgets.HTML:
            return widgets.HTML(text, layout={"margin": "0 6px"})

        self.details = widgets.VBox()
        self._fields = [
            Field(AT, self.enabled, label="Auto scaling", help=HELP, name="auto-scaling"),
            Field(
                f"{AT}.maxTasks",
                self.minimum,
                label="Tasks (min / max)",
                name="auto-scaling-tasks",
                extra=[word("to"), self.maximum],
            ),
            Field(f"{AT}.minTasks", None, name="auto-scaling-min"),
            Field(
                f"{AT}.target",
                self.metric,
                label="Keep",
                name="auto-scaling-target",
                extra=[word("at"), self.target],
            ),
            Field(f"{AT}.metric", None, name="auto-scaling-metric"),
        ]
        self.details.children = [*(f.box for f in self._fields[1:]), self.requests]
        self.box = widgets.VBox([self._fields[0].box, self.details])
        self.box.add_class("ecskit-section")
        self.box.add_class("ecskit-auto-scaling")
        self.enabled.observe(lambda _: self._shown(), names="value")
        form.watch(self.enabled, self.minimum, self.maximum, self.metric, self.target)
        self._shown()

    def fields(self) -> list[Field]:
        return list(self._fields)

    def _shown(self) -> None:
        self.details.layout.display = "" if self.enabled.value else "none"

    def settings(self, target_group: str = "") -> dict[str, Any] | None:
        if not self.enabled.value:
            return None
        found: dict[str, Any] = {
            "minTasks": int(self.minimum.value),
            "maxTasks": int(self.maximum.value),
            "metric": self.metric.value,
            "target": float(self.target.value),
        }
        if self.metric.value == "ALBRequestCountPerTarget" and target_group:
            label = self._label(target_group)
            if label:
                found["resourceLabel"] = label
        return found

    def _label(self, target_group: str) -> str:
        """ResourceLabel from the target group's (first) load balancer; '' if it has none."""
        groups = self.form.read(
            lambda: self.form.session.elbv2.describe_target_groups(TargetGroupArns=[target_group])[
                "TargetGroups"
            ],
            [],
            "read the target group",
        )
        balancers = groups[0].get("LoadBalancerArns") if groups else []
        return auto_scaling.resource_label(balancers[0], target_group) if balancers else ""

    def problems(self, settings: dict[str, Any] | None, *, behind: bool) -> list[Any]:
        if settings is None:
            return []
        return auto_scaling.check(settings, behind_load_balancer=behind)

    def preview(self, cluster: str, service: str, settings: dict[str, Any] | None) -> None:
        """Show the two requests that follow the service's, as the AWS CLI and boto3 send them."""
        if settings is None:
            self.requests.value = ""
            return
        register, policy = auto_scaling.requests(
            cluster or "CLUSTER", service or "SERVICE", settings
        )
        parts = []
        for operation, body in (
            ("register_scalable_target", register),
            ("put_scaling_policy", policy),
        ):
            cli = preview.as_cli("application-autoscaling", operation, body, self.form.session)
            code = preview.as_boto3("application-autoscaling", operation, body)
            parts.append(f"<pre>{escape(cli)}</pre><pre>{escape(code)}</pre>")
        self.requests.value = (
            '<details><summary style="font-size:12px">Then Application Auto Scaling: '
            "RegisterScalableTarget and PutScalingPolicy</summary>" + "".join(parts) + "</details>"
        )

    def fill(self, settings: dict[str, Any]) -> None:
        self.enabled.value = bool(settings)
        if not settings:
            return
        self.minimum.value = int(settings.get("minTasks", 1))
        self.maximum.value = int(settings.get("maxTasks", 4))
        if settings.get("metric") in auto_scaling.METRICS:
            self.metric.value = settings["metric"]
        self.target.value = float(settings.get("target") or 60)
