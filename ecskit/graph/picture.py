"""What the picture shows, before any drawing: nodes, named edges and the boxes they sit in.

`graph` turns a `Picture` into DOT and a text tree; the explorer uses it to link a resource
to its neighbours. Node ids are the resources' own keys (ARNs, ids), so they stay the same from
one snapshot to the next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..inventory import Inventory
from ..inventory import records as r

# A family with more revisions than this shows those in use and its latest, and one node for
# the rest (all_revisions=True shows every one).
REVISIONS_SHOWN = 5
# A cluster with more services than this, in the picture of a whole account, shows one node for
# them all (expand_services=True, or cluster=NAME, draws each): past a few hundred nodes `dot`
# takes seconds and the picture stops being readable.
SERVICES_SHOWN = 20


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
        """(direction, relation, other node id) for every edge touching `node_id`."""
        out = [("→", label, head) for tail, label, head in self.edges if tail == node_id]
        out += [("←", label, tail) for tail, label, head in self.edges if head == node_id]
        return out

    def by_html_id(self, html_id: str) -> Node | None:
        return next((n for n in self.nodes.values() if n.html_id == html_id), None)


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
    linked_role = _service_linked_role(inventory)

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
            pic.link(fam.id, "revision", more.id)
        for revision in revisions:
            _revision(pic, inventory, revision)
            pic.link(fam.id, "revision", revision.arn)

    # -- clusters, services, tasks --------------------------------------------------------
    for c in clusters:
        box = f"cluster_{_safe(c.arn)}"
        pic.boxes[box] = Box(box, f"cluster {c.name}", c.arn)
        pic.add(Node(c.arn, "cluster", c.name, c, faded=c.status != "ACTIVE", box=box))
        for name in c.capacity_providers:
            provider = inventory.capacity_providers.get(name)
            key = provider.key if provider else name
            pic.add(Node(key, "capacity provider", name, provider))
            pic.link(c.arn, "capacity from", key)
        if c.namespace_arn:
            _namespace(pic, inventory, c.namespace_arn)
            pic.link(c.arn, "default namespace", _namespace_id(inventory, c.namespace_arn))
        for instance in inventory.container_instances:
            if instance.cluster_arn == c.arn:
                _instance(pic, instance, box)
                pic.link(c.arn, "registered instance", instance.arn)
        in_cluster = inventory.services_in(c)
        if len(in_cluster) > SERVICES_SHOWN and not expand_services and cluster is None:
            _services_together(pic, inventory, c, in_cluster, box)
        else:
            for s in in_cluster:
                _service(pic, inventory, s, box, expand_tasks, linked_role)
        for t in inventory.standalone_tasks(c):
            _task(pic, inventory, t, box)
            pic.link(c.arn, "runs", t.arn)
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


def _revision(pic: Picture, inventory: Inventory, revision: r.Revision) -> None:
    pic.add(
        Node(
            revision.arn,
            "revision",
            revision.name,
            revision,
            faded=revision.status != "ACTIVE",
            detail=revision.status if revision.status != "ACTIVE" else "",
        )
    )
    for relation, arn in (
        ("task role", revision.task_role_arn),
        ("execution role", revision.execution_role_arn),
    ):
        if arn:
            _role(pic, inventory, arn)
            pic.link(revision.arn, relation, arn)
    for container in revision.containers:
        node = pic.add(
            Node(
                f"{revision.arn}#container/{container.name}", "container", container.name, container
            )
        )
        pic.link(revision.arn, "contains", node.id)
        if container.image:
            image = pic.add(Node(f"image:{container.image}", "image", _short_image(container)))
            pic.link(node.id, "pulls image", image.id)
            repository = _repository(inventory, container)
            if repository is not None:
                pic.add(Node(repository.key, "ECR repository", repository.name, repository))
                pic.link(image.id, "stored in", repository.key)
        if container.log_group:
            group = inventory.log_groups.get(f"log-group:{container.log_group}")
            key = f"log-group:{container.log_group}"
            missing = group is None or not group.visible
            pic.add(Node(key, "log group", container.log_group, group, faded=missing))
            pic.link(node.id, "logs to", key)


def _role(pic: Picture, inventory: Inventory, arn: str) -> None:
    role = inventory.roles.get(arn)
    name = role.name if role else arn.rsplit("/", 1)[-1]
    pic.add(Node(arn, "IAM role", name, role, faded=role is None or not role.visible))
    for policy in role.policies if role else []:
        kind = "inline policy" if policy.inline else "policy"
        pic.add(Node(policy.key, kind, policy.name, policy))
        pic.link(arn, "inline policy" if policy.inline else "attached policy", policy.key)


def _service(
    pic: Picture,
    inventory: Inventory,
    s: r.Service,
    box: str,
    expand_tasks: bool,
    linked_role: str | None,
) -> None:
    pic.add(Node(s.arn, "service", s.name, s, faded=s.status != "ACTIVE", box=box))
    pic.link(s.cluster_arn, "runs", s.arn)
    pic.link(s.arn, "uses revision", s.task_definition)
    # an ACTIVE deployment still runs the tasks of the revision the service is leaving
    for arn in s.older_revisions:
        if arn in inventory.revisions:
            pic.link(s.arn, "still runs revision", arn)
    for task_set in inventory.task_sets:
        if task_set.service_arn == s.arn:
            _task_set(pic, inventory, task_set, box)
            pic.link(s.arn, "runs task set", task_set.arn)
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
    _network(pic, inventory, s.arn, s.subnets, s.security_groups)
    role = s.role_arn or linked_role
    if role:
        _role(pic, inventory, role)
        pic.link(s.arn, "assumes role", role)
    for arn in s.target_groups:
        _target_group(pic, inventory, arn)
        pic.link(s.arn, "behind target group", arn)
    for name in s.load_balancer_names:
        pic.add(Node(f"elb:{name}", "load balancer", name))
        pic.link(s.arn, "behind load balancer", f"elb:{name}")
    for arn in s.registries:
        registry = inventory.discovery_services.get(arn)
        if registry is not None and registry.namespace_id:
            _namespace(pic, inventory, registry.namespace_id)
            pic.link(
                s.arn, "registered in namespace", _namespace_id(inventory, registry.namespace_id)
            )
    if s.namespace:
        _namespace(pic, inventory, s.namespace)
        pic.link(s.arn, "registered in namespace", _namespace_id(inventory, s.namespace))


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
        pic.link(t.arn, "uses revision", t.task_definition_arn)
    if t.container_instance_arn:
        pic.link(t.arn, "placed on", t.container_instance_arn)
    if t.capacity_provider:
        provider = inventory.capacity_providers.get(t.capacity_provider)
        key = provider.key if provider else t.capacity_provider
        pic.add(Node(key, "capacity provider", t.capacity_provider, provider))
        pic.link(t.arn, "capacity from", key)
    for subnet in t.subnets:
        _subnet(pic, inventory, subnet)
        pic.link(t.arn, "in subnet", subnet)
    # A service's tasks get their ENIs' groups from the service (not looked up task by task).
    groups = t.security_groups or (service.security_groups if service else [])
    for group in groups:
        _security_group(pic, inventory, group)
        pic.link(t.arn, "secured by", group)


def _instance(pic: Picture, instance: r.ContainerInstance, box: str) -> None:
    name = instance.ec2_instance_id or r.last_part(instance.arn)[:8]
    detail = f"{instance.running_tasks} tasks" if instance.raw.get("runningTasksCount") else ""
    faded = instance.status not in ("ACTIVE", "")
    pic.add(Node(instance.arn, "container instance", name, instance, faded, box, detail))


def _task_set(pic: Picture, inventory: Inventory, task_set: r.TaskSet, box: str) -> None:
    """A task set of an EXTERNAL or CODE_DEPLOY service: its revision and its network."""
    detail = f"{task_set.running_count}/{task_set.desired_count} RUNNING"
    faded = task_set.status not in ("ACTIVE", "PRIMARY", "")
    pic.add(Node(task_set.arn, "task set", task_set.name, task_set, faded, box, detail))
    if task_set.task_definition in inventory.revisions:
        _revision(pic, inventory, inventory.revisions[task_set.task_definition])
        pic.link(task_set.arn, "uses revision", task_set.task_definition)
    _network(pic, inventory, task_set.arn, task_set.subnets, task_set.security_groups)


def _network(
    pic: Picture, inventory: Inventory, key: str, subnets: list[str], groups: list[str]
) -> None:
    """A service's or task set's awsvpc subnets and security groups, linked from it."""
    for subnet in subnets:
        _subnet(pic, inventory, subnet)
        pic.link(key, "in subnet", subnet)
    for group in groups:
        _security_group(pic, inventory, group)
        pic.link(key, "secured by", group)


def _vpc(pic: Picture, inventory: Inventory, vpc_id: str) -> str | None:
    if not vpc_id:
        return None
    box = f"cluster_{_safe(vpc_id)}"
    vpc = inventory.vpcs.get(vpc_id)
    pic.boxes.setdefault(box, Box(box, f"VPC {vpc_id}", vpc_id))
    pic.add(Node(vpc_id, "VPC", vpc.name or vpc.cidr if vpc else vpc_id, vpc, box=box))
    return box


def _subnet(pic: Picture, inventory: Inventory, subnet_id: str) -> None:
    subnet = inventory.subnets.get(subnet_id)
    box = _vpc(pic, inventory, subnet.vpc_id) if subnet else None
    detail = f"{subnet.availability_zone} {subnet.cidr}" if subnet else "not visible"
    pic.add(Node(subnet_id, "subnet", subnet_id, subnet, box=box, detail=detail))
    if subnet:
        pic.link(subnet_id, "in VPC", subnet.vpc_id)


def _security_group(pic: Picture, inventory: Inventory, group_id: str) -> None:
    group = inventory.security_groups.get(group_id)
    box = _vpc(pic, inventory, group.vpc_id) if group else None
    name = f"{group.name} ({group_id})" if group else group_id
    pic.add(Node(group_id, "security group", name, group, box=box))
    if group:
        pic.link(group_id, "in VPC", group.vpc_id)


def _target_group(pic: Picture, inventory: Inventory, arn: str) -> None:
    group = inventory.target_groups.get(arn)
    box = _vpc(pic, inventory, group.vpc_id) if group else None
    pic.add(Node(arn, "target group", group.name if group else r.last_part(arn), group, box=box))
    for lb_arn in group.load_balancer_arns if group else []:
        lb = inventory.load_balancers.get(lb_arn)
        lb_box = _vpc(pic, inventory, lb.vpc_id) if lb else None
        name = lb.name if lb else lb_arn.split("/")[-2]
        pic.add(Node(lb_arn, "load balancer", name, lb, box=lb_box))
        pic.link(arn, "behind load balancer", lb_arn)


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


def _repository(inventory: Inventory, container: r.Container) -> r.Repository | None:
    for repository in inventory.repositories:
        if repository.name == container.repository and container.image.startswith(repository.uri):
            return repository
    return None


def _service_linked_role(inventory: Inventory) -> str | None:
    return next(
        (role.arn for role in inventory.roles if role.path.startswith("/aws-service-role/ecs.")),
        None,
    )


def _short_image(container: r.Container) -> str:
    if container.repository:
        return f"{container.repository}:{container.tag}" if container.tag else container.repository
    return container.image


def _safe(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in text)


@lru_cache(maxsize=65536)
def node_id(key: str) -> str:
    """The DOT/SVG id of the node for a resource key (an ARN, an id, `log-group:NAME`, ...).

    >>> node_id("arn:aws:ecs:us-east-1:123456789012:service/shop/web")
    'arn_aws_ecs_us_east_1_123456789012_service_shop_web'
    """
    return _safe(key)
