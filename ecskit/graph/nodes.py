"""What a picture is made of: nodes, named edges and the boxes they sit in.

Node ids are the resources' own keys (ARNs, ids), so they stay the same from one snapshot to
the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..inventory import records as r
from .relations import backward


@dataclass
class Node:
    id: str
    kind: str
    name: str
    record: r.Record | None = None
    faded: bool = False
    box: str | None = None  # the id of the cluster or VPC box it is drawn in
    detail: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind}\n{self.name}" + (f"\n{self.detail}" if self.detail else "")

    @property
    def html_id(self) -> str:
        """The node's id in DOT and SVG: the resource's key with only letters, digits and _."""
        return node_id(self.id)


@dataclass
class Box:
    id: str
    label: str
    node: str  # the node standing for the box itself (the cluster, the VPC)


@dataclass
class Picture:
    nodes: dict[str, Node] = field(default_factory=dict)
    # an ordered set: dict keys keep insertion order and make the duplicate check O(1)
    links: dict[tuple[str, str, str], None] = field(default_factory=dict)
    boxes: dict[str, Box] = field(default_factory=dict)

    def add(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def link(self, tail: str, label: str, head: str) -> None:
        if tail in self.nodes and head in self.nodes:
            self.links[(tail, label, head)] = None

    @property
    def edges(self) -> list[tuple[str, str, str]]:
        return list(self.links)

    def neighbours(self, node_id: str) -> list[tuple[str, str, str]]:
        """(direction, relation read from this node, other node id) for every edge touching
        `node_id`: "→ runs" a service from its cluster, "← run by" the cluster from its service."""
        out = [("→", label, head) for tail, label, head in self.edges if tail == node_id]
        out += [("←", backward(label), tail) for tail, label, head in self.edges if head == node_id]
        return out

    def by_html_id(self, html_id: str) -> Node | None:
        return next((n for n in self.nodes.values() if n.html_id == html_id), None)


def safe(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in text)


@lru_cache(maxsize=65536)
def node_id(key: str) -> str:
    """The DOT/SVG id of the node for a resource key (an ARN, an id, `log-group:NAME`, ...).

    >>> node_id("arn:aws:ecs:us-east-1:123456789012:service/shop/web")
    'arn_aws_ecs_us_east_1_123456789012_service_shop_web'
    """
    return safe(key)
