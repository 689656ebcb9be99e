"""Where the sandbox patches moto because the wire cannot reach: new tasks are born
PROVISIONING with ECS's id format, placement, IAM's service-linked role for ECS, ENIs' DNS
names, and the seeds moto's backends draw from."""

from __future__ import annotations

from typing import Any

from . import placement, recording, service_linked_role
from .lifecycle import hold_moto_progression


def install(layer: Any) -> None:
    """Patch moto where the wire cannot reach: new tasks are born PROVISIONING, with ECS's id
    format; placement."""
    from moto.ecs import models

    global _CURRENT
    _CURRENT = layer
    recording.install(layer)  # before the warm-up builds moto's backends: from their own seeds
    placement.install()
    service_linked_role.install()  # IAM's CreateServiceLinkedRole for ECS names it right
    hold_moto_progression()
    _fallback_dns_name()
    if getattr(models.Task.__init__, "_ecskit", False):
        return
    original = models.Task.__init__

    def __init__(self: Any, cluster: Any, task_definition: Any, *args: Any, **kwargs: Any) -> None:
        original(self, cluster, task_definition, *args, **kwargs)
        # ECS's task ids are 32 hex characters (moto's are UUIDs); the ARN is made from the id
        self.id = self.id.replace("-", "")
        if _CURRENT is not None:
            _CURRENT.lifecycle.born(self, task_definition)

    __init__._ecskit = True  # type: ignore[attr-defined]
    models.Task.__init__ = __init__  # type: ignore[method-assign]


_CURRENT: Any = None  # the EcsLayer whose lifecycle new tasks are born into


class _DnsFromIp:
    """An ENI's private DNS name from its IP, as ECS reports it even without DNS hostnames.

    moto 5.2.5 only sets `private_dns_name` in a VPC with DNS hostnames on, and its awsvpc task
    crashes reading it otherwise. A non-data descriptor: moto's own value, when set, wins.
    """

    def __get__(self, eni: Any, owner: Any = None) -> Any:
        if eni is None:
            return self
        from moto.ec2.utils import generate_dns_from_ip

        return generate_dns_from_ip(eni.private_ip_address)


def _fallback_dns_name() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    if not isinstance(NetworkInterface.__dict__.get("private_dns_name"), _DnsFromIp):
        NetworkInterface.private_dns_name = _DnsFromIp()  # type: ignore[attr-defined]
