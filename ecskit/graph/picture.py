"""What the picture shows, before any drawing: clusters, services and tasks, and what they use.

`graph` turns a `Picture` into DOT and a text tree; the explorer uses it to link a resource
to its neighbours. The task definition, network and deployment parts are modules of their own.
"""

from __future__ import annotations

from collections import Counter

from ..inventory import Inventory
from ..inventory import records as r
from . import capacity, deployments, network, scaling, service_connect
from .nodes import Box, Node, Picture, node_id, safe
from .task_definitions import revision as _revision
from .task_definitions import role as _role

__all__ = ["Box", "Node", "Picture", "build", "node_id"]

# A family with more revisions than this shows those in use and its latest, and one node for
# the rest (all_revisions=True shows every one).
REVISIONS_SHOWN = 5
# A cluster with more services than this, in the picture of a whole account, shows one node for
# them all (expand_services=True, or cluster=NAME, draws each): past a few hundred nodes `dot`
# takes seconds and the picture stops being readable.
SERVICES_SHOWN = 20


def build(
    inventory: Inventory,
    *,
    expand_tasks: bool = False,
    cluster: str | None = None,
    all_revisions: bool = False,
    expand_services: bool = False,
) -> Picture:
    """The picture of an inventory (or of one of its clusters)."""
    pic = Picture()
    clusters = [c for c in inventory.clusters if cluster is None or cluster in (c.name, c.arn)]
    if cluster is not None and not clusters:
        known = ", ".join(c.name for c in inventory.clusters) or "none"
        raise ValueError(f"cluster={cluster!r} is not in this inventory (clusters: {known})")
    services = [s for c in clusters for s in inventory.services_in(c)]
    tasks = [t for t in inventory.tasks if t.cluster_arn in {c.arn for c in clusters}]
    used = {s.task_definition for s in services} | {t.task_definition_arn for t in tasks}
    used |= {x for s in services for x in s.older_revisions}
    service_arns = {s.arn for s in services}
    used |= {x.task_definition for x in inventory.task_sets if x.service_arn in service_arns}

    # -- task definitions: family, revisions, roles, containers, images, logs ---------------
    shown = _revisions_shown(inventory, used, all_revisions, only_used=cluster is not None)
    for family in inventory.families:
        revisions = [inventory.revisions[a] for a in family.revisions if a in shown]
        if not revisions:
            continue
        fam = pic.add(Node(f"family:{family.name}", "task definition", family.name, family))
        hidden = len(family.revisions) - len(revisions)
        if hidden and cluster is None:
            more = pic.add(
                Node(f"family:{family.name}#more", "revisions", f"{hidden} more", faded=True)
            )
            pic.link(fam.id, "has", more.id)
        for revision in revisions:
            _revision(pic, inventory, revision)
            pic.link(fam.id, "has", revision.arn)

    # -- clusters, services, tasks --------------------------------------------------------
    for c in clusters:
        box = f"cluster_{safe(c.arn)}"
        pic.boxes[box] = Box(box, f"cluster {c.name}", c.arn)
        pic.add(Node(c.arn, "cluster", c.name, c, faded=c.status != "ACTIVE", box=box))
        for name in c.capacity_providers:
            pic.link(c.arn, "capacity from", capacity.provider(pic, inventory, name))
        if c.namespace_arn:
            _namespace(pic, inventory, c.namespace_arn)
            pic.link(c.arn, "defaults to", _namespace_id(inventory, c.namespace_arn))
        for instance in inventory.container_instances:
            if instance.cluster_arn == c.arn:
                capacity.instance(pic, inventory, instance, box)
                pic.link(c.arn, "has registered", instance.arn)
        in_cluster = inventory.services_in(c)
        if len(in_cluster) > SERVICES_SHOWN and not expand_services and cluster is None:
            _services_together(pic, inventory, c, in_cluster, box)
        else:
            for s in in_cluster:
                _service(pic, inventory, s, box, expand_tasks)
        for t in inventory.standalone_tasks(c):
            _task(pic, inventory, t, box)
            pic.link(c.arn, "runs", t.arn)
    service_connect.edges(pic, inventory, services)
    return pic


def _revisions_shown(
    inventory: Inventory, used: set[str], all_revisions: bool, only_used: bool
) -> set[str]:
    if only_used:
        return used
    shown: set[str] = set()
    for family in inventory.families:
        if all_revisions or len(family.revisions) <= REVISIONS_SHOWN:
            shown |= set(family.revisions)
        else:
            shown |= {a for a in family.revisions if a in used} | {family.revisions[-1]}
    return shown


def _service(
    pic: Picture,
    inventory: Inventory,
    s: r.Service,
    box: str,
    expand_tasks: bool,
) -> None:
    pic.add(Node(s.arn, "service", s.name, s, faded=s.status != "ACTIVE", box=box))
    pic.link(s.cluster_arn, "runs", s.arn)
    # through its service revisions where ECS answers them, else straight to the revision
    reached = deployments.service_parts(pic, inventory, s, box)
    if s.task_definition not in reached:
        pic.link(s.arn, "uses", s.task_definition)
    # an ACTIVE deployment still runs the tasks of the revision the service is leaving
    for arn in s.older_revisions:
        if arn in inventory.revisions and arn not in reached:
            pic.link(s.arn, "still runs", arn)
    for task_set in inventory.task_sets:
        if task_set.service_arn == s.arn:
            _task_set(pic, inventory, task_set, box)
            pic.link(s.arn, "runs", task_set.arn)
    tasks = inventory.tasks_of(s)
    if expand_tasks:
        for t in tasks:
            _task(pic, inventory, t, box, s)
            pic.link(s.arn, "runs", t.arn)
    elif tasks or s.desired_count:
        live = [t for t in tasks if t.desired_status != "STOPPED"]
        statuses = Counter(t.last_status for t in live)
        name = f"{statuses.pop('RUNNING', 0)}/{s.desired_count} RUNNING"
        others = [f"{n} {status}" for status, n in sorted(statuses.items())]
        stopped = len(tasks) - len(live)
        others += [f"{stopped} STOPPED"] if stopped else []
        node = pic.add(Node(f"{s.arn}#tasks", "tasks", name, box=box, detail=" · ".join(others)))
        pic.link(s.arn, "runs", node.id)
        capacity.placed(pic, tasks, node.id)
    scaling.service_parts(pic, inventory, s, box)
    network.network(pic, inventory, s.arn, s.subnets, s.security_groups)
    # the role ECS manages the service's network interfaces, load balancers and Cloud Map
    # entries with: the one given, or the service-linked role AWSServiceRoleForECS, as
    # DescribeServices' roleArn names it (using-service-linked-roles.html); none is guessed
    if s.role_arn:
        _role(pic, inventory, s.role_arn)
        pic.link(s.arn, "ECS manages with", s.role_arn)
    for arn in s.target_groups:
        network.target_group(pic, inventory, arn)
        pic.link(s.arn, "behind", arn)
    for name in s.load_balancer_names:
        pic.add(Node(f"elb:{name}", "load balancer", name))
        pic.link(s.arn, "behind", f"elb:{name}")
    for arn in s.registries:
        registry = inventory.discovery_services.get(arn)
        if registry is not None and registry.namespace_id:
            _namespace(pic, inventory, registry.namespace_id)
            pic.link(s.arn, "registered in", _namespace_id(inventory, registry.namespace_id))
    if s.namespace:
        _namespace(pic, inventory, s.namespace)
        word = service_connect.namespace_word(s)
        pic.link(s.arn, word, _namespace_id(inventory, s.namespace))


def _services_together(
    pic: Picture, inventory: Inventory, c: r.Cluster, services: list[r.Service], box: str
) -> None:
    """One node for a cluster's many services: how many, and how many of their tasks run."""
    running = desired = 0
    for s in services:
        desired += s.desired_count
        running += sum(
            t.last_status == "RUNNING" and t.desired_status != "STOPPED"
            for t in inventory.tasks_of(s)
        )
    node = pic.add(
        Node(
            f"{c.arn}#services",
            "services",
            f"{len(services)} services",
            box=box,
            detail=f"tasks {running}/{desired} RUNNING · draw(cluster={c.name!r}) shows each",
        )
    )
    pic.link(c.arn, "runs", node.id)


def _task(
    pic: Picture, inventory: Inventory, t: r.Task, box: str, service: r.Service | None = None
) -> None:
    stopped = t.desired_status == "STOPPED" or t.last_status == "STOPPED"
    pic.add(Node(t.arn, "task", t.id[:8], t, faded=stopped, box=box, detail=t.last_status))
    if t.task_definition_arn in inventory.revisions:
        _revision(pic, inventory, inventory.revisions[t.task_definition_arn])
        pic.link(t.arn, "uses", t.task_definition_arn)
    if t.container_instance_arn:
        pic.link(t.arn, "placed on", t.container_instance_arn)
    if t.capacity_provider:
        pic.link(t.arn, "capacity from", capacity.provider(pic, inventory, t.capacity_provider))
    for subnet in t.subnets:
        network.subnet(pic, inventory, subnet)
        pic.link(t.arn, "in", subnet)
    # A service's tasks get their ENIs' groups from the service (not looked up task by task).
    groups = t.security_groups or (service.security_groups if service else [])
    for group in groups:
        network.security_group(pic, inventory, group)
        pic.link(t.arn, "secured by", group)


def _task_set(pic: Picture, inventory: Inventory, task_set: r.TaskSet, box: str) -> None:
    """A task set of an EXTERNAL or CODE_DEPLOY service: its revision and its network."""
    detail = f"{task_set.running_count}/{task_set.desired_count} RUNNING"
    faded = task_set.status not in ("ACTIVE", "PRIMARY", "")
    pic.add(Node(task_set.arn, "task set", task_set.name, task_set, faded, box, detail))
    if task_set.task_definition in inventory.revisions:
        _revision(pic, inventory, inventory.revisions[task_set.task_definition])
        pic.link(task_set.arn, "uses", task_set.task_definition)
    network.network(pic, inventory, task_set.arn, task_set.subnets, task_set.security_groups)


def _namespace(pic: Picture, inventory: Inventory, ref: str) -> None:
    key = _namespace_id(inventory, ref)
    namespace = inventory.namespaces.get(key)
    pic.add(Node(key, "namespace", namespace.name if namespace else r.last_part(ref), namespace))


def _namespace_id(inventory: Inventory, ref: str) -> str:
    """Namespaces are named by ARN, id or name in different APIs: one node for all three."""
    for namespace in inventory.namespaces:
        if ref in (namespace.arn, namespace.id, namespace.name):
            return namespace.key
    return ref
