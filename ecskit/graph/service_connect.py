"""Service Connect in the picture: each client service linked to each server it reaches.

service web ─connects to api.shop.local:80→ service api (read back: "answers … for"), both
linked to their namespace: a server is "registered in" it, a client-only service "joins" it
(a client service "must add a serviceConnectConfiguration to configure the namespace to join":
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html).
"""

from __future__ import annotations

from ..inventory import Inventory
from ..inventory import records as r
from ..inventory.service_connect import connections, serves
from .nodes import Picture


def namespace_word(service: r.Service) -> str:
    """How a Service Connect service is linked to its namespace."""
    return "registered in" if serves(service) else "joins"


def edges(pic: Picture, inventory: Inventory, services: list[r.Service]) -> None:
    """client ─connects to dnsName:port→ server, for services both in the picture."""
    for link in connections(inventory, services):
        if link.client in pic.nodes and link.server in pic.nodes:
            pic.link(link.client, f"connects to {link.endpoint}", link.server)
