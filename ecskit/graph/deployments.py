"""The deployment part of the picture: a service's revisions, its live deployment and, while
a blue/green, linear or canary deployment shifts traffic, the share each target group gets.

service ─runs→ service revision ─uses→ task definition revision
service ─changed by→ service deployment ─deploys→ / ─replaces→ service revision
service revision ─90% production→ target group ←forwards to─ listener rule
"""

from __future__ import annotations

from ..inventory import Inventory
from ..inventory import records as r
from ..inventory.deployments import target_groups
from . import network
from .nodes import Node, Picture
from .task_definitions import revision as draw_revision


def service_parts(pic: Picture, inventory: Inventory, s: r.Service, box: str) -> set[str]:
    """Draw the service's revisions and live deployment; the task definitions they reach."""
    deployment = inventory.service_deployments.get(s.current_deployment or "")
    arns = list(s.current_revisions)
    if deployment is not None:
        arns += [deployment.target_revision, *deployment.source_revisions]
    reached: set[str] = set()
    for arn in dict.fromkeys(a for a in arns if a):
        revision = inventory.service_revisions.get(arn)
        if revision is None:
            continue
        _revision(pic, inventory, revision, box)
        pic.link(s.arn, "runs", arn)
        if revision.task_definition in inventory.revisions:
            reached.add(revision.task_definition)
    for shift in s.traffic_shifts:
        for relation, rule in (
            ("production traffic from", shift.production_listener_rule),
            ("test traffic from", shift.test_listener_rule),
        ):
            if rule:
                pic.add(Node(rule, "listener rule", rule_name(rule)))
                pic.link(s.arn, relation, rule)
    if deployment is not None:
        _deployment(pic, inventory, s, deployment, box)
    return reached


def _revision(pic: Picture, inventory: Inventory, revision: r.ServiceRevision, box: str) -> None:
    idle = not (revision.running_count or revision.requested_count or revision.pending_count)
    detail = f"{revision.running_count}/{revision.requested_count} RUNNING"
    detail += f" · {revision.pending_count} PENDING" if revision.pending_count else ""
    pic.add(Node(revision.arn, "service revision", revision.name, revision, idle, box, detail))
    definition = inventory.revisions.get(revision.task_definition)
    if definition is not None:
        draw_revision(pic, inventory, definition)
        pic.link(revision.arn, "uses", definition.arn)


def _deployment(
    pic: Picture,
    inventory: Inventory,
    s: r.Service,
    deployment: r.ServiceDeployment,
    box: str,
) -> None:
    detail = " · ".join(x for x in (deployment.status, deployment.stage) if x)
    pic.add(Node(deployment.arn, "service deployment", deployment.name, deployment, box=box,
                 detail=detail))  # fmt: skip
    pic.link(s.arn, "changed by", deployment.arn)
    pic.link(deployment.arn, "deploys", deployment.target_revision)
    for arn in deployment.source_revisions:
        pic.link(deployment.arn, "replaces", arn)
    # the production share of each revision, on the edge to the target group its tasks are in
    for arn, groups in target_groups(s, deployment).items():
        weight = deployment.production_weights.get(arn)
        if weight is None or arn not in pic.nodes:
            continue
        for group in groups:
            network.target_group(pic, inventory, group)
            pic.link(arn, f"{weight:g}% production", group)
    for rule, weights in deployment.forwards.items():
        for group in weights:
            if group in pic.nodes:
                pic.link(rule, "forwards to", group)


def rule_name(arn: str) -> str:
    """`…:listener-rule/app/shop/LB/LISTENER/RULE` -> `shop/RULE` (a listener: `shop/LISTENER`)."""
    parts = arn.split(":", 5)[-1].split("/")
    return f"{parts[2]}/{parts[-1]}" if len(parts) >= 5 else parts[-1]
