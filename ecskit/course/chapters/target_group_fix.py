"""Chapter 04: a broken CreateTargetGroup request to fix. It is accepted as written, and the
service behind it would never get traffic: the learner finds what is wrong and creates it fixed.

Facts: "If the service has tasks that use the awsvpc network mode, when you create a target group
for the service, you must choose ip as the target type, not instance. This is because tasks that
use the awsvpc network mode are associated with an elastic network interface, not an Amazon EC2
instance" (developer guide, alb.html / nlb.html); elbv2 CreateTargetGroup: TargetType "instance"
is the default, and a target group belongs to one VPC (botocore elbv2 model).
"""

from __future__ import annotations

from typing import Any

from ..catch_up import course_vpc
from ..exercises import exercise
from ..result import Result
from .reading import GUIDE

ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
ALB_DOCS = GUIDE + "alb.html"


def broken_request(default_vpc_id: str) -> dict[str, Any]:
    """The request the chapter gives: three things wrong for the api tasks (awsvpc, course VPC,
    port 8080, health on /health)."""
    return {
        "Name": "api",
        "Protocol": "HTTP",
        "Port": 8080,
        "VpcId": default_vpc_id,
        "HealthCheckPath": "/",
    }


@exercise(
    "04-api-target-group",
    "fix a broken target group request",
    'Fix the request for target group "api" (awsvpc tasks in the course VPC, HTTP on 8080, '
    "health checks on /health) and create it.",
)
def _api_target_group(session: Any, result: Result) -> None:
    elb = session.elbv2
    try:
        group = elb.describe_target_groups(Names=["api"])["TargetGroups"][0]
    except elb.exceptions.TargetGroupNotFoundException:
        group = None
    result.add(
        group is not None,
        "a target group named api",
        'session.elbv2.create_target_group(Name="api", ...) with the request fixed',
        ELB + "API_CreateTargetGroup.html",
    )
    whats = [
        "in the course VPC, where the tasks are",
        "target type ip (awsvpc tasks register by IP address)",
        "HTTP on port 8080",
        "health checks on /health",
    ]
    if group is None:
        for what in whats:
            result.waiting(what, "create the target group api", ELB + "API_CreateTargetGroup.html")
        return
    vpc = course_vpc(session)
    result.add(
        vpc is not None and group.get("VpcId") == vpc["VpcId"],
        whats[0],
        "a target group takes targets from one VPC only: the request names the default VPC; "
        "use the VPC tagged Name=course (delete api and create it again: VpcId cannot change)",
        ELB + "API_CreateTargetGroup.html",
    )
    result.add(
        group.get("TargetType") == "ip",
        f"{whats[1]} ({group.get('TargetType')})",
        "the request leaves TargetType out, and the default is instance; a task in awsvpc mode "
        'has its own network interface, not an instance: TargetType="ip"',
        ALB_DOCS,
    )
    result.add(
        group.get("Protocol") == "HTTP" and group.get("Port") == 8080,
        f"{whats[2]} ({group.get('Protocol')} on {group.get('Port')})",
        'Protocol="HTTP", Port=8080',
        ELB + "API_CreateTargetGroup.html",
    )
    result.add(
        group.get("HealthCheckPath") == "/health",
        f"{whats[3]} ({group.get('HealthCheckPath')})",
        'the api answers its health on /health: HealthCheckPath="/health" '
        "(modify_target_group changes it)",
        ELB + "API_CreateTargetGroup.html",
    )
