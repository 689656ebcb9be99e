"""Who connects to whom through Service Connect, read from an inventory's services.

Every Service Connect service of a namespace is a client of the namespace's endpoints; a
client-server service also answers at its own (`services` entries, with ECS's defaults:
`ecskit.service_connect.resolve`). Services in different namespaces never reach each other.
Facts: botocore's ServiceConnectConfiguration and the guide's
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..service_connect import resolve
from . import records as r


@dataclass(frozen=True)
class Connection:
    """`client` reaches `server` at `endpoint` ("dnsName:port")."""

    client: str  # service ARNs
    server: str
    endpoint: str


def configuration(service: r.Service) -> dict[str, Any]:
    """The Service Connect configuration that runs: the PRIMARY deployment's, else the service's."""
    raw = service.raw if isinstance(service.raw, dict) else {}
    primary = next((d for d in raw.get("deployments") or [] if d.get("status") == "PRIMARY"), {})
    conf = primary.get("serviceConnectConfiguration") or raw.get("serviceConnectConfiguration")
    return conf if isinstance(conf, dict) and conf.get("enabled") else {}


def serves(service: r.Service) -> bool:
    """A client-server service: it has endpoints of its own."""
    return bool(configuration(service).get("services"))


def namespace_key(inventory: Any, ref: str) -> str:
    """One name for a namespace given by ARN, id or name (APIs use all three)."""
    for namespace in inventory.namespaces:
        if ref in (namespace.arn, namespace.id, namespace.name):
            return str(namespace.key)
    return ref


def connections(inventory: Any, services: list[r.Service]) -> list[Connection]:
    """Each (client, server, endpoint) among `services`, within one namespace only."""
    by_namespace: dict[str, list[r.Service]] = {}
    for service in services:
        if service.namespace and service.status != "INACTIVE" and configuration(service):
            by_namespace.setdefault(namespace_key(inventory, service.namespace), []).append(service)
    found = []
    for key, members in by_namespace.items():
        namespace = inventory.namespaces.get(key)
        name = namespace.name if namespace else r.last_part(key)
        for server in members:
            for entry in configuration(server).get("services") or []:
                endpoint = resolve(entry, name)["endpoint"]
                found += [
                    Connection(c.arn, server.arn, endpoint) for c in members if c is not server
                ]
    return found
