"""What scales and fronts a service in the picture: its Application Auto Scaling target, the
policies on it and the CloudWatch alarms they act on, its deployment alarms, and for an
Express service what ECS made for it (the URL, the listener rule, the infrastructure role).

service ─scaled by→ scalable target ─adjusted by→ scaling policy ─triggered by→ CloudWatch alarm
service ─reachable at→ URL
service ─production traffic from→ listener rule ─forwards to→ target group
"""

from __future__ import annotations

from typing import Any

from ..inventory import Inventory
from ..inventory import records as r
from . import network
from .deployments import rule_name
from .nodes import Node, Picture
from .task_definitions import role

POLICY_TYPES = {
    "TargetTrackingScaling": "target tracking",
    "StepScaling": "step scaling",
    "PredictiveScaling": "predictive scaling",
}


def service_parts(pic: Picture, inventory: Inventory, s: r.Service, box: str) -> None:
    for target in inventory.scalable_targets:
        if target.service_arn != s.arn:
            continue
        name = f"{target.min_capacity}–{target.max_capacity} tasks"
        pic.add(Node(target.key, "scalable target", name, target, box=box))
        pic.link(s.arn, "scaled by", target.key)
        for policy in inventory.scaling_policies:
            if policy.resource_id != target.resource_id:
                continue
            detail = POLICY_TYPES.get(policy.type, policy.type)
            pic.add(Node(policy.key, "scaling policy", policy.name, policy, box=box, detail=detail))
            pic.link(target.key, "adjusted by", policy.key)
            for alarm_name in policy.alarms:
                pic.link(policy.key, "triggered by", alarm(pic, inventory, alarm_name, box))
    for alarm_name in s.deployment_alarms:
        pic.link(s.arn, "rolls back on", alarm(pic, inventory, alarm_name, box))
    express = inventory.express_services.get(f"express:{s.arn}")
    if express is None:
        return
    for url in express.urls:
        pic.add(Node(f"url:{url}", "URL", url, express, box=box))
        pic.link(s.arn, "reachable at", f"url:{url}")
    if express.infrastructure_role:
        role(pic, inventory, express.infrastructure_role)
        pic.link(s.arn, "ECS manages with", express.infrastructure_role)
    for arn in s.current_revisions:
        revision = inventory.service_revisions.get(arn)
        managed = revision.raw.get("ecsManagedResources") if revision else None
        for path in (managed or {}).get("ingressPaths") or []:
            _ingress(pic, inventory, s, path)


def alarm(pic: Picture, inventory: Inventory, name: str, box: str) -> str:
    """The node of an alarm named `name` (faded when the account did not answer it)."""
    found = next((a for a in inventory.alarms if a.name == name), None)
    key = f"alarm:{name}"
    detail = f"{found.state} · {found.metric}" if found else "not visible"
    pic.add(Node(key, "CloudWatch alarm", _short(name), found, found is None, box, detail))
    return key


def _ingress(pic: Picture, inventory: Inventory, s: r.Service, path: dict[str, Any]) -> None:
    rule = str((path.get("rule") or {}).get("arn") or "")
    if not rule:
        return
    pic.add(Node(rule, "listener rule", rule_name(rule)))
    pic.link(s.arn, "production traffic from", rule)
    for group in path.get("targetGroups") or []:
        if group.get("arn"):
            network.target_group(pic, inventory, str(group["arn"]))
            pic.link(rule, "forwards to", str(group["arn"]))


def _short(name: str) -> str:
    """Target tracking's alarm names end in a UUID (`TargetTracking-service/c/s-AlarmHigh-…`):
    the picture keeps what tells them apart."""
    if name.startswith("TargetTracking-") and "-Alarm" in name:
        return "target tracking " + "Alarm" + name.split("-Alarm", 1)[1].split("-", 1)[0]
    return name if len(name) <= 40 else name[:39] + "…"
