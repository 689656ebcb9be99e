"""Records of what scales and fronts a service: Application Auto Scaling targets and policies,
CloudWatch alarms, and what DescribeExpressGatewayService answers for an Express service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .records import Record


@dataclass
class ScalableTarget(Record):
    """An Application Auto Scaling target of `ecs:service:DesiredCount` (resource id
    `service/CLUSTER/SERVICE`), with the service it scales once that is known."""

    kind: ClassVar[str] = "scalable target"
    arn: str = ""
    resource_id: str = ""
    min_capacity: int = 0
    max_capacity: int = 0
    service_arn: str = ""

    @property
    def key(self) -> str:
        return self.arn or f"scalable-target:{self.resource_id}"

    @property
    def name(self) -> str:
        return self.resource_id


@dataclass
class ScalingPolicy(Record):
    kind: ClassVar[str] = "scaling policy"
    arn: str = ""
    name: str = ""
    resource_id: str = ""
    type: str = ""  # TargetTrackingScaling, StepScaling, PredictiveScaling
    alarms: list[str] = field(default_factory=list)  # alarm names


@dataclass
class Alarm(Record):
    kind: ClassVar[str] = "CloudWatch alarm"
    arn: str = ""
    name: str = ""
    state: str = ""
    metric: str = ""


@dataclass
class ExpressService(Record):
    """What DescribeExpressGatewayService answers for a service ECS manages (Express Mode)."""

    kind: ClassVar[str] = "Express service"
    service_arn: str = ""
    name: str = ""
    status: str = ""
    infrastructure_role: str | None = None
    urls: list[str] = field(default_factory=list)
    log_groups: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"express:{self.service_arn}"
