"""The picture of the known account, node by node and edge by edge, from its DOT source."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import graphviz
import pytest
from known_account import SECRET_VALUE

from ecskit import graph
from ecskit.graph import browser_render, node_id

SPECIAL = {"graph", "node", "edge"}
# the policy ECS attaches to its service-linked role (using-service-linked-roles.html)
LINKED_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"


def parse(source: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    """(node ids, (tail, label, head) edges) of a DOT source written by graphviz."""
    nodes = {n for n in re.findall(r"^\s*(\w+) \[", source, re.M) if n not in SPECIAL}
    edges = re.findall(r'^\s*(\w+) -> (\w+) \[label=(?:"([^"]*)"|(\w+))', source, re.M)
    return nodes, {(tail, quoted or bare, head) for tail, head, quoted, bare in edges}


def attributes(source: str, node: str) -> str:
    found = re.search(rf"^\s*{node} \[(.*?)\]$", source, re.M | re.S)
    assert found, f"no node {node}"
    return found.group(1)


def expected(
    account, inventory, *, tasks: str = "collapsed"
) -> tuple[set[str], set[tuple[str, str, str]]]:
    a = account
    old, new = a.revisions
    inline = f"{a.task_role}/inline/read-bucket"
    image = f"image:{a.image}"
    log = f"log-group:{a.log_group}"
    subnet = a.subnets[0]
    keys = {
        "family:web", old, new, a.task_role, a.execution_role, a.policy, inline, image,
        a.repository, log, a.cluster, a.other_cluster, a.service, a.standalone_task,
        a.stopped_task, subnet, a.vpc, a.security_group, a.service_linked_role,
        a.target_group, a.load_balancer, a.namespace_arn,
        f"{old}#container/app", f"{new}#container/app", LINKED_POLICY,
    }  # fmt: skip
    edges = {
        ("family:web", "has", old),
        ("family:web", "has", new),
        (image, "stored in", a.repository),
        (a.execution_role, "attaches", a.policy),
        (a.task_role, "embeds", inline),
        (a.cluster, "runs", a.service),
        (a.service, "in", subnet),
        (a.service, "secured by", a.security_group),
        (a.service, "ECS manages with", a.service_linked_role),
        (a.service_linked_role, "attaches", LINKED_POLICY),
        (a.service, "behind", a.target_group),
        (a.service, "registered in", a.namespace_arn),
        (a.target_group, "behind", a.load_balancer),
        (subnet, "in", a.vpc),
        (a.security_group, "in", a.vpc),
    }
    for revision in (old, new):
        container = f"{revision}#container/app"
        edges |= {
            (revision, "tasks act as", a.task_role),
            (revision, "ECS starts tasks as", a.execution_role),
            (revision, "contains", container),
            (container, "pulls", image),
            (container, "logs to", log),
        }
    # service › service revision › task definition, and the deployment the sandbox is still
    # walking (created moments ago): service revisions are the sandbox's own answers
    (revision,) = inventory.service_revisions
    assert inventory.services[a.service].current_revisions == [revision.arn]
    keys.add(revision.arn)
    edges |= {(a.service, "runs", revision.arn), (revision.arn, "uses", new)}
    for deployment in inventory.service_deployments:
        keys.add(deployment.arn)
        edges |= {
            (a.service, "changed by", deployment.arn),
            (deployment.arn, "deploys", revision.arn),
        }
    standalone = [a.standalone_task, a.stopped_task]
    if tasks == "collapsed":
        keys.add(f"{a.service}#tasks")
        edges.add((a.service, "runs", f"{a.service}#tasks"))
    else:
        keys |= set(a.service_tasks)
        standalone += a.service_tasks
    for task in standalone:
        parent = a.service if task in a.service_tasks else a.cluster
        edges |= {
            (parent, "runs", task),
            (task, "uses", new),
            (task, "in", subnet),
            (task, "secured by", a.security_group),
        }
    return {node_id(k) for k in keys}, {(node_id(t), rel, node_id(h)) for t, rel, h in edges}


def test_every_node_and_edge_of_the_known_account(known) -> None:
    account, inventory = known
    digraph = graph.to_digraph(inventory)
    assert isinstance(digraph, graphviz.Digraph)
    nodes, edges = parse(digraph.source)
    want_nodes, want_edges = expected(account, inventory)
    assert nodes == want_nodes
    assert edges == want_edges


def test_expanded_tasks_are_one_node_each(known) -> None:
    account, inventory = known
    nodes, edges = parse(graph.to_digraph(inventory, expand_tasks=True).source)
    want_nodes, want_edges = expected(account, inventory, tasks="expanded")
    assert nodes == want_nodes
    assert edges == want_edges


def test_one_cluster_draws_only_what_it_uses(known) -> None:
    account, inventory = known
    nodes, _ = parse(graph.to_digraph(inventory, cluster="shop").source)
    assert node_id(account.other_cluster) not in nodes
    assert node_id(account.revisions[0]) not in nodes  # the INACTIVE revision is not used
    assert node_id(account.service) in nodes
    with pytest.raises(ValueError, match="cluster='nope' is not in this inventory"):
        graph.to_digraph(inventory, cluster="nope")


def test_clusters_and_vpcs_are_boxes(known) -> None:
    account, inventory = known
    source = graph.to_digraph(inventory).source
    shop = re.search(r"subgraph (cluster_\w+_cluster_shop) \{(.*?)\n\t\}", source, re.S)
    assert shop, source
    assert node_id(account.service) in shop.group(2)
    vpc = re.search(rf"subgraph cluster_{node_id(account.vpc)} \{{(.*?)\n\t\}}", source, re.S)
    assert vpc
    for key in (account.subnets[0], account.security_group, account.target_group):
        assert f"\t\t{node_id(key)} [" in vpc.group(1)


def test_history_is_faded_and_tasks_are_counted(known) -> None:
    account, inventory = known
    source = graph.to_digraph(inventory).source
    for faded in (account.revisions[0], account.stopped_task):
        assert "dashed" in attributes(source, node_id(faded))
    assert "dashed" not in attributes(source, node_id(account.revisions[1]))
    tasks = attributes(source, node_id(f"{account.service}#tasks"))
    assert re.search(r'label="tasks\n\d/2 RUNNING', tasks)


def test_nodes_are_clickable_and_labelled_by_kind_and_name(known) -> None:
    account, inventory = known
    source = graph.to_digraph(inventory).source
    service = attributes(source, node_id(account.service))
    assert 'label="service\nweb"' in service
    assert f"id={node_id(account.service)}" in service
    assert 'URL="https://console.aws.amazon.com/ecs/v2/clusters/shop/services/web' in service
    assert account.service in service  # the tooltip names the ARN
    assert 'label="ECR repository\nmy-app"' in attributes(source, node_id(account.repository))


def test_no_secret_or_environment_value_is_drawn(known) -> None:
    _, inventory = known
    source = graph.to_digraph(inventory, expand_tasks=True, all_revisions=True).source
    assert SECRET_VALUE not in source
    assert "DB_PASSWORD" not in source
    assert SECRET_VALUE not in graph.to_text(inventory)


def test_text_tree_has_the_same_hierarchy(known) -> None:
    account, inventory = known
    text = graph.to_text(inventory)
    lines = text.splitlines()
    assert lines[0] == "task definition web"
    assert "  has → revision web:1 (INACTIVE) [faded]" in lines
    assert "      attaches → policy write-logs" in lines
    assert "        stored in → ECR repository my-app" in lines
    assert "  runs → service web" in lines
    assert "      uses → revision web:2" in lines  # under its service revision
    assert "    behind → target group web-tg" in lines
    assert "      behind → load balancer web-lb" in lines
    assert "    registered in → namespace shop.local" in lines
    assert f"    in → subnet {account.subnets[0]} (us-east-1a 10.0.1.0/24)" in lines
    assert "cluster empty" in lines


def test_without_dot_draw_says_how_to_install_and_shows_text(known, monkeypatch, capsys) -> None:
    _, inventory = known
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_render, "available", lambda: False)  # nor Graphviz's wasm build
    shown = graph.draw(inventory)
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert isinstance(shown, graph.TextPicture)
    assert "conda install graphviz" in repr(shown) and "brew install graphviz" in repr(shown)
    assert "  runs → service web" in repr(shown)
    assert "<pre>" in shown._repr_html_()
    assert shown.source == graph.to_digraph(inventory).source


@pytest.mark.exe
def test_the_svg_has_the_node_ids_and_links(known) -> None:
    account, inventory = known
    shown = graph.draw(inventory)
    assert isinstance(shown, graphviz.Digraph)
    svg = ElementTree.fromstring(shown.pipe(format="svg"))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    groups = {g.get("id"): g for g in svg.iterfind(".//svg:g", ns)}
    service = groups[node_id(account.service)]
    # the node's class, for the explorer and for styling
    assert "ecskit-service" in service.get("class", "").split()
    link = service.find(".//svg:a", ns)
    assert link is not None and link.get("{http://www.w3.org/1999/xlink}href", "").startswith(
        "https://console.aws.amazon.com/ecs/"
    )


def test_draw_takes_a_session(session, account) -> None:
    shown = graph.draw(session, cluster="shop")
    nodes, _ = parse(shown.source)
    assert node_id(account.service) in nodes
    assert node_id(account.other_cluster) not in nodes


def test_an_empty_account_draws_nothing_without_failing(session) -> None:
    inventory = graph.snapshot(session)
    assert parse(graph.to_digraph(inventory).source) == (set(), set())
    assert graph.to_text(inventory) == "(nothing to show)\n"


def _many_services(count: int):
    from ecskit.inventory import Inventory
    from ecskit.inventory import records as r

    arn = "arn:aws:ecs:us-east-1:123456789012"
    inventory = Inventory(region="us-east-1")
    inventory.clusters.add(r.Cluster(arn=f"{arn}:cluster/big", name="big", status="ACTIVE"))
    for number in range(count):
        inventory.services.add(
            r.Service(
                arn=f"{arn}:service/big/s{number}",
                name=f"s{number}",
                cluster_arn=f"{arn}:cluster/big",
                status="ACTIVE",
                subnets=["subnet-1"],
            )
        )
    return inventory


def test_a_large_picture_names_its_edges_in_tooltips() -> None:
    inventory = _many_services(200)  # 400 edges: runs + in subnet, each service
    source = graph.to_digraph(inventory, expand_services=True).source
    assert "label=runs" not in source and "tooltip=runs" in source
    labelled = graph.to_digraph(inventory, expand_services=True, edge_labels=True).source
    assert len(parse(labelled)[1]) == 400
    small = graph.to_digraph(_many_services(10)).source
    assert len(parse(small)[1]) == 20


def test_a_cluster_of_many_services_is_one_node_until_asked() -> None:
    from ecskit.graph.picture import SERVICES_SHOWN
    from ecskit.inventory import records as r

    big = "arn:aws:ecs:us-east-1:123456789012:cluster/big"
    inventory = _many_services(SERVICES_SHOWN + 1)
    for number, service in enumerate(inventory.services):
        service.desired_count = 2
        for status in ("RUNNING", "PENDING") if number == 0 else ("RUNNING", "RUNNING"):
            inventory.tasks.add(
                r.Task(
                    arn=f"{service.arn}/task/{status}{len(inventory.tasks)}",
                    cluster_arn=big,
                    group=f"service:{service.name}",
                    last_status=status,
                    desired_status="RUNNING",
                )
            )
    pic = graph.picture(inventory)
    together = pic.nodes[f"{big}#services"]
    assert together.name == f"{SERVICES_SHOWN + 1} services"
    assert together.detail.startswith(f"tasks {2 * SERVICES_SHOWN + 1}/{2 * SERVICES_SHOWN + 2} ")
    assert "draw(cluster='big')" in together.detail
    assert (big, "runs", together.id) in pic.links
    assert not any(n.kind in ("service", "tasks") for n in pic.nodes.values())
    assert f"runs → services {SERVICES_SHOWN + 1} services" in graph.to_text(inventory)
    # asked for: each service (and its tasks), whether by option or by naming the cluster
    for pic in (
        graph.picture(inventory, expand_services=True),
        graph.picture(inventory, cluster="big"),
    ):
        assert sum(n.kind == "service" for n in pic.nodes.values()) == SERVICES_SHOWN + 1
        assert f"{big}#services" not in pic.nodes
    # at the limit, each service is drawn
    assert f"{big}#services" not in graph.picture(_many_services(SERVICES_SHOWN)).nodes
