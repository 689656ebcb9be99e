"""One snapshot of an account: `snapshot(session)` -> `Inventory` of typed records.

>>> inventory = snapshot(ecskit.connect())           # doctest: +SKIP
>>> inventory.services                               # doctest: +SKIP
<12 services>
"""

from __future__ import annotations

from .account import Inventory
from .records import (
    CapacityProvider,
    Cluster,
    Container,
    ContainerInstance,
    DiscoveryService,
    Ec2Instance,
    Family,
    LoadBalancer,
    LogGroup,
    Namespace,
    Policy,
    Record,
    Repository,
    Revision,
    Role,
    SecurityGroup,
    Service,
    ServiceDeployment,
    ServiceRevision,
    Subnet,
    TargetGroup,
    Task,
    TaskSet,
    TrafficShift,
    Vpc,
)
from .scaling_records import Alarm, ExpressService, ScalableTarget, ScalingPolicy
from .snapshot import snapshot
from .tables import Table

__all__ = [
    "Alarm",
    "CapacityProvider",
    "Cluster",
    "Container",
    "ContainerInstance",
    "DiscoveryService",
    "Ec2Instance",
    "ExpressService",
    "Family",
    "Inventory",
    "LoadBalancer",
    "LogGroup",
    "Namespace",
    "Policy",
    "Record",
    "Repository",
    "Revision",
    "Role",
    "ScalableTarget",
    "ScalingPolicy",
    "SecurityGroup",
    "Service",
    "ServiceDeployment",
    "ServiceRevision",
    "Subnet",
    "Table",
    "TargetGroup",
    "Task",
    "TaskSet",
    "TrafficShift",
    "Vpc",
    "snapshot",
]
