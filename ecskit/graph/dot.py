"""A `Picture` as a `graphviz.Digraph`: boxes for clusters and VPCs, faded history, links."""

from __future__ import annotations

from urllib.parse import quote

import graphviz

from ..inventory import records as r
from .nodes import Node, Picture

# fill colour by kind: compute orange, task definitions blue, IAM yellow, network green
FILL = {
    "cluster": "#ffc078",
    "service": "#ffd8a8",
    "services": "#ffd8a8",
    "tasks": "#ffe8cc",
    "task": "#ffe8cc",
    "task set": "#ffe8cc",
    "service revision": "#ffe8cc",
    "service deployment": "#ffc9c9",
    "container instance": "#fff4e6",
    "capacity provider": "#fff4e6",
    "task definition": "#a5d8ff",
    "revision": "#d0ebff",
    "revisions": "#e7f5ff",
    "container": "#e7f5ff",
    "image": "#f1f3f5",
    "ECR repository": "#dee2e6",
    "log group": "#f3d9fa",
    "IAM role": "#ffec99",
    "policy": "#fff9db",
    "inline policy": "#fff9db",
    "VPC": "#b2f2bb",
    "subnet": "#d3f9d8",
    "security group": "#ebfbee",
    "load balancer": "#c3fae8",
    "target group": "#e6fcf5",
    "listener rule": "#e6fcf5",
    "namespace": "#e5dbff",
}
FADED = {
    "color": "#adb5bd",
    "fontcolor": "#868e96",
    "fillcolor": "#f8f9fa",
    "style": "rounded,filled,dashed",
}


# Edge labels are what makes `dot` slow (each becomes a node to place): 1,400 nodes and 3,700
# edges take 100 s labelled, 7 s not. Past this many edges the names move to the tooltips.
EDGE_LABELS_UP_TO = 300


def to_digraph(
    picture: Picture, region: str = "", edge_labels: bool | None = None
) -> graphviz.Digraph:
    """The picture as DOT; `edge_labels=None` labels edges unless there are too many."""
    if edge_labels is None:
        edge_labels = len(picture.links) <= EDGE_LABELS_UP_TO
    dot = graphviz.Digraph(
        "ecskit",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "11", "nodesep": "0.15"},
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fontname": "Helvetica",
            "fontsize": "10",
        },
        edge_attr={"fontname": "Helvetica", "fontsize": "8", "color": "#495057"},
    )
    for box in picture.boxes.values():
        with dot.subgraph(name=box.id) as sub:
            style = "rounded,dashed" if box.id.startswith("cluster_vpc") else "rounded"
            sub.attr(label=box.label, style=style, color="#868e96", fontcolor="#343a40")
            for node in picture.nodes.values():
                if node.box == box.id:
                    _node(sub, node, region)
    for node in picture.nodes.values():
        if node.box is None or node.box not in picture.boxes:
            _node(dot, node, region)
    for tail, label, head in picture.edges:
        faded = picture.nodes[tail].faded or picture.nodes[head].faded
        style = {"style": "dashed", "color": "#adb5bd", "fontcolor": "#868e96"} if faded else {}
        named = {"label": label} if edge_labels else {"tooltip": label}
        dot.edge(picture.nodes[tail].html_id, picture.nodes[head].html_id, **named, **style)
    return dot


def _node(dot: graphviz.Digraph, node: Node, region: str) -> None:
    attrs = {
        "label": node.label,
        "id": node.html_id,
        "tooltip": f"{node.kind} {node.name}\n{node.id}",
        "URL": console_url(node, region) or f"#{node.html_id}",
        "target": "_blank",
        "fillcolor": FILL.get(node.kind, "#ffffff"),
        "class": f"ecskit-node ecskit-{node.kind.replace(' ', '-').lower()}",
    }
    if node.faded:
        attrs.update(FADED)
    dot.node(node.html_id, **attrs)


def console_url(node: Node, region: str) -> str | None:
    """The AWS console page of a resource, where one can be named from its record."""
    rec = node.record
    if not region or rec is None:
        return None
    console = "https://console.aws.amazon.com"
    q = f"?region={region}"
    if isinstance(rec, r.Cluster):
        return f"{console}/ecs/v2/clusters/{rec.name}{q}"
    if isinstance(rec, r.Service):
        cluster = r.last_part(rec.cluster_arn)
        return f"{console}/ecs/v2/clusters/{cluster}/services/{rec.name}{q}"
    if isinstance(rec, r.Revision):
        return f"{console}/ecs/v2/task-definitions/{rec.family}/{rec.revision}{q}"
    if isinstance(rec, r.Family):
        return f"{console}/ecs/v2/task-definitions/{rec.name}{q}"
    if isinstance(rec, r.Role):
        return f"{console}/iam/home#/roles/details/{rec.name}"
    if isinstance(rec, r.LogGroup):
        name = quote(quote(rec.name, safe=""), safe="").replace("%", "$")
        return f"{console}/cloudwatch/home{q}#logsV2:log-groups/log-group/{name}"
    if isinstance(rec, r.Repository):
        return f"{console}/ecr/repositories/private/{rec.arn.split(':')[4]}/{rec.name}{q}"
    if isinstance(rec, r.Vpc):
        return f"{console}/vpcconsole/home{q}#VpcDetails:VpcId={rec.id}"
    if isinstance(rec, r.Subnet):
        return f"{console}/vpcconsole/home{q}#SubnetDetails:subnetId={rec.id}"
    if isinstance(rec, r.SecurityGroup):
        return f"{console}/ec2/home{q}#SecurityGroup:groupId={rec.id}"
    if isinstance(rec, (r.LoadBalancer, r.TargetGroup)):
        page = (
            "LoadBalancer:loadBalancerArn"
            if isinstance(rec, r.LoadBalancer)
            else "TargetGroup:targetGroupArn"
        )
        return f"{console}/ec2/home{q}#{page}={rec.arn}"
    if isinstance(rec, r.Namespace):
        return f"{console}/cloudmap/home/namespaces/{rec.id}{q}"
    return None
