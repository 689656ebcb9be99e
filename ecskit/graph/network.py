"""The network part of the picture: VPCs (as boxes), subnets, security groups, target groups
and the load balancers they are behind."""

from __future__ import annotations

from ..inventory import Inventory
from ..inventory import records as r
from .nodes import Box, Node, Picture, safe


def network(
    pic: Picture, inventory: Inventory, key: str, subnets: list[str], groups: list[str]
) -> None:
    """A service's or task set's awsvpc subnets and security groups, linked from it."""
    for subnet_id in subnets:
        subnet(pic, inventory, subnet_id)
        pic.link(key, "in", subnet_id)
    for group in groups:
        security_group(pic, inventory, group)
        pic.link(key, "secured by", group)


def vpc(pic: Picture, inventory: Inventory, vpc_id: str) -> str | None:
    if not vpc_id:
        return None
    box = f"cluster_{safe(vpc_id)}"
    vpc = inventory.vpcs.get(vpc_id)
    pic.boxes.setdefault(box, Box(box, f"VPC {vpc_id}", vpc_id))
    pic.add(Node(vpc_id, "VPC", vpc.name or vpc.cidr if vpc else vpc_id, vpc, box=box))
    return box


def subnet(pic: Picture, inventory: Inventory, subnet_id: str) -> None:
    subnet = inventory.subnets.get(subnet_id)
    box = vpc(pic, inventory, subnet.vpc_id) if subnet else None
    detail = f"{subnet.availability_zone} {subnet.cidr}" if subnet else "not visible"
    pic.add(Node(subnet_id, "subnet", subnet_id, subnet, box=box, detail=detail))
    if subnet:
        pic.link(subnet_id, "in", subnet.vpc_id)


def security_group(pic: Picture, inventory: Inventory, group_id: str) -> None:
    group = inventory.security_groups.get(group_id)
    box = vpc(pic, inventory, group.vpc_id) if group else None
    name = f"{group.name} ({group_id})" if group else group_id
    pic.add(Node(group_id, "security group", name, group, box=box))
    if group:
        pic.link(group_id, "in", group.vpc_id)


def target_group(pic: Picture, inventory: Inventory, arn: str) -> None:
    group = inventory.target_groups.get(arn)
    box = vpc(pic, inventory, group.vpc_id) if group else None
    pic.add(Node(arn, "target group", group.name if group else r.last_part(arn), group, box=box))
    for lb_arn in group.load_balancer_arns if group else []:
        lb = inventory.load_balancers.get(lb_arn)
        lb_box = vpc(pic, inventory, lb.vpc_id) if lb else None
        name = lb.name if lb else lb_arn.split("/")[-2]
        pic.add(Node(lb_arn, "load balancer", name, lb, box=lb_box))
        pic.link(arn, "behind", lb_arn)
