"""Whether an awsvpc task's subnets give it a path to what start-up needs, from EC2's Describe
answers only: the subnet's route table, the task's public IP, the VPC's endpoints.

The facts: a Fargate task's network interface needs a route to pull images — in a public subnet
with a public IP, or a private subnet whose default route goes to a NAT gateway
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html);
without either, ECR needs its interface endpoints and, with no internet gateway, the S3 gateway
endpoint; Secrets Manager, Systems Manager and CloudWatch Logs (awslogs) need theirs
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html"
ENDPOINT_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html"
_ECR = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")


@dataclass(frozen=True)
class PathCheck:
    """What the network gives a task: `ok`, and a line saying which path (or which is missing)."""

    ok: bool
    text: str
    fix: str = ""
    docs: str = DOCS


def needed_endpoints(task_definition: dict[str, Any]) -> list[str]:
    """The VPC endpoint services (region-less suffixes) a task would need with no way out:
    ECR's two and S3's gateway for ECR images, logs for awslogs, secretsmanager / ssm for
    secrets."""
    needs: list[str] = []
    for container in task_definition.get("containerDefinitions") or []:
        if _ECR.match(str(container.get("image") or "")):
            needs += ["ecr.api", "ecr.dkr", "s3"]
        if (container.get("logConfiguration") or {}).get("logDriver") == "awslogs":
            needs.append("logs")
        for secret in container.get("secrets") or []:
            source = str(secret.get("valueFrom") or "")
            needs.append("secretsmanager" if ":secretsmanager:" in source else "ssm")
    return list(dict.fromkeys(needs))


def public_registry(task_definition: dict[str, Any]) -> bool:
    """True when a container's image is outside ECR (Docker Hub, ghcr.io…): only the internet
    reaches it."""
    images = [str(c.get("image") or "") for c in task_definition.get("containerDefinitions") or []]
    return any(image and not _ECR.match(image) for image in images)


def check_path(
    session: Any,
    subnets: Iterable[str],
    public_ip: bool,
    task_definition: dict[str, Any],
) -> PathCheck | None:
    """Whether every subnet gives the task a way to its registry (and logs, secrets); None when
    the subnets cannot be read (not awsvpc, or EC2 does not answer)."""
    subnet_ids = [s for s in subnets if s]
    if not subnet_ids:
        return None
    ec2 = session.ec2
    try:
        found = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
        vpc = found[0]["VpcId"]
        tables = _pages(ec2, "describe_route_tables", "RouteTables", vpc)
        if getattr(session, "sandbox", None) is not None:
            _default_vpc_route(ec2, vpc, tables)
        endpoints = _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints", vpc)
    except Exception:  # EC2 unreadable (permissions, an endpoint without EC2): say nothing
        return None
    checks = [
        _subnet_path(subnet, _table_of(subnet, tables), public_ip, endpoints, task_definition)
        for subnet in subnet_ids
    ]
    return next((check for check in checks if not check.ok), checks[0])


def _pages(ec2: Any, operation: str, key: str, vpc: str) -> list[dict[str, Any]]:
    paginator = ec2.get_paginator(operation)
    items: list[dict[str, Any]] = []
    for page in paginator.paginate(Filters=[{"Name": "vpc-id", "Values": [vpc]}]):
        items += page.get(key) or []
    return items


def _default_vpc_route(ec2: Any, vpc: str, tables: list[dict[str, Any]]) -> None:
    """AWS gives a default VPC an internet gateway and a 0.0.0.0/0 route to it in its main route
    table (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html); moto 5.2.5 does
    not, so on the sandbox only, read the default VPC's main table as AWS would have it."""
    described = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
    if not described or not described[0].get("IsDefault"):
        return
    for table in tables:
        main = any(a.get("Main") for a in table.get("Associations") or [])
        if main and not _default_route(table):
            route = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-default-vpc"}
            table["Routes"] = [*(table.get("Routes") or []), route]


def _table_of(subnet: str, tables: list[dict[str, Any]]) -> dict[str, Any]:
    """The subnet's own route table, else the VPC's main one (a subnet without an explicit
    association uses the main route table)."""
    for table in tables:
        if any(a.get("SubnetId") == subnet for a in table.get("Associations") or []):
            return table
    main = [t for t in tables if any(a.get("Main") for a in t.get("Associations") or [])]
    return main[0] if main else {}


def _default_route(table: dict[str, Any]) -> dict[str, Any]:
    for route in table.get("Routes") or []:
        if route.get("DestinationCidrBlock") == "0.0.0.0/0" and route.get("State") != "blackhole":
            return dict(route)
    return {}


def _subnet_path(
    subnet: str,
    table: dict[str, Any],
    public_ip: bool,
    endpoints: list[dict[str, Any]],
    task_definition: dict[str, Any],
) -> PathCheck:
    route = _default_route(table)
    table_id = table.get("RouteTableId", "the main route table")
    gateway = str(route.get("GatewayId") or "")
    if route.get("NatGatewayId"):
        return PathCheck(True, f"subnet {subnet} reaches out through NAT gateway "
                               f"{route['NatGatewayId']}")  # fmt: skip
    if gateway.startswith("igw-") and public_ip:
        return PathCheck(True, f"subnet {subnet} routes to internet gateway {gateway} and the "
                               "task has a public IP")  # fmt: skip
    missing = _missing_endpoints(table, endpoints, task_definition)
    if not missing and not public_registry(task_definition):
        return PathCheck(True, f"subnet {subnet} reaches ECR and what the task uses through VPC "
                               "endpoints", docs=ENDPOINT_DOCS)  # fmt: skip
    if gateway.startswith("igw-"):
        why = (
            f"subnet {subnet} routes 0.0.0.0/0 to internet gateway {gateway}, but the task has "
            "no public IP (assignPublicIp is DISABLED), so nothing it sends gets out"
        )
    else:
        why = f"subnet {subnet}'s route table ({table_id}) has no default route out"
    if public_registry(task_definition):
        needs = "an image outside ECR needs the internet: no VPC endpoint reaches it"
    else:
        needs = "no VPC endpoint for " + ", ".join(missing)
    return PathCheck(
        False,
        f"{why}; {needs}.",
        "Either set assignPublicIp ENABLED in a subnet whose default route goes to an internet "
        "gateway, or route the subnet's 0.0.0.0/0 to a NAT gateway, or create the VPC endpoints "
        "the task needs (ecr.api, ecr.dkr and the S3 gateway for ECR images; logs for awslogs; "
        "secretsmanager or ssm for secrets).",
    )


def _missing_endpoints(
    table: dict[str, Any], endpoints: list[dict[str, Any]], task_definition: dict[str, Any]
) -> list[str]:
    have: set[str] = set()
    for endpoint in endpoints:
        if endpoint.get("State", "available").lower() not in ("available", "pending"):
            continue
        suffix = str(endpoint.get("ServiceName") or "").split(".", 3)[-1]
        # a gateway endpoint serves only the route tables it is attached to
        attached = table.get("RouteTableId") in (endpoint.get("RouteTableIds") or [])
        if suffix == "s3" and not attached:
            continue
        have.add(suffix)
    return [need for need in needed_endpoints(task_definition) if need not in have]
