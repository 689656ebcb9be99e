"""A public VPC for tests that run tasks: tests/ is on sys.path (pytest puts the folder of
tests/conftest.py there), so any test can `from public_network import open_to_internet`."""

from __future__ import annotations

from typing import Any


def open_to_internet(ec2: Any, vpc: str) -> str:
    """An internet gateway attached to `vpc`, its main route table sending 0.0.0.0/0 to it: the
    VPC's subnets are public, so tasks with a public IP reach their registry (the sandbox stops
    tasks that cannot, as ECS does). The gateway's id."""
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    main = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    return gateway
