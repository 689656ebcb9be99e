"""The capacity part of the picture: container instances (EC2, ECS Managed Instances and ECS
Anywhere alike), the EC2 instance under each, and the capacity providers that launch them.

cluster ─has registered→ container instance ─on→ EC2 instance
container instance ─capacity from→ capacity provider ─ECS manages with→ IAM role
task (or a service's tasks) ─placed on→ container instance
"""

from __future__ import annotations

from ..inventory import Inventory
from ..inventory import records as r
from . import network
from .nodes import Node, Picture
from .task_definitions import role


def provider(pic: Picture, inventory: Inventory, name: str) -> str:
    """A capacity provider's node (a Managed Instances one with what it launches with)."""
    found = inventory.capacity_providers.get(name)
    key = found.key if found else name
    if key in pic.nodes:
        return key
    detail = "Managed Instances" if found and found.type == "MANAGED_INSTANCES" else ""
    pic.add(Node(key, "capacity provider", name, found, detail=detail))
    if found is None:
        return key
    if found.infrastructure_role:
        role(pic, inventory, found.infrastructure_role)
        pic.link(key, "ECS manages with", found.infrastructure_role)
    if found.instance_profile:
        profile = pic.add(
            Node(found.instance_profile, "instance profile", r.last_part(found.instance_profile))
        )
        pic.link(key, "launches with", profile.id)
    for subnet in found.subnets:  # not "in": the provider launches instances there
        network.subnet(pic, inventory, subnet)
        pic.link(key, "launches into", subnet)
    network.network(pic, inventory, key, [], found.security_groups)
    return key


def instance(pic: Picture, inventory: Inventory, ci: r.ContainerInstance, box: str) -> None:
    """A container instance, its EC2 instance (none for ECS Anywhere) and its provider."""
    ec2 = inventory.ec2_instances.get(ci.ec2_instance_id)
    count = ci.running_tasks
    tasks = f"{count} task{'s' if count != 1 else ''}" if ci.raw.get("runningTasksCount") else ""
    # ECS Anywhere's "mi-…" (and an EC2 instance not visible) is named on the node itself
    shown = "" if ec2 is not None else ci.ec2_instance_id
    detail = " · ".join(x for x in (shown, tasks) if x)
    faded = ci.status not in ("ACTIVE", "")
    pic.add(Node(ci.arn, "container instance", r.last_part(ci.arn)[:8], ci, faded, box, detail))
    if ec2 is not None:
        stopped = ec2.state not in ("running", "pending", "")
        pic.add(Node(ec2.id, "EC2 instance", ec2.id, ec2, stopped, detail=ec2.type))
        pic.link(ci.arn, "on", ec2.id)
        if ec2.subnet_id:
            network.subnet(pic, inventory, ec2.subnet_id)
            pic.link(ec2.id, "in", ec2.subnet_id)
    if ci.capacity_provider:
        pic.link(ci.arn, "capacity from", provider(pic, inventory, ci.capacity_provider))


def placed(pic: Picture, tasks: list[r.Task], node_id: str) -> None:
    """A service's tasks, drawn as one node, link to the container instances they are on."""
    live = [t.container_instance_arn for t in tasks if t.desired_status != "STOPPED"]
    for arn in dict.fromkeys(live):
        if arn:
            pic.link(node_id, "placed on", arn)
