"""Relation words are written once and read the right way from either end (#16): in the
picture's edges, the text tree and the explorer's neighbour list."""

from __future__ import annotations

from ecskit import graph
from ecskit.graph.relations import BACKWARD, backward
from ecskit.widgets.explorer import explore


def test_no_edge_repeats_the_kind_of_the_node_it_points_at(known) -> None:
    _, inventory = known
    pic = graph.picture(inventory, expand_tasks=True)
    assert pic.links
    for _tail, label, head in pic.links:
        kind = pic.nodes[head].kind
        assert kind.split()[-1].lower() not in label.lower().split(), (label, kind)
    text = graph.to_text(inventory, expand_tasks=True)
    # (a subnet's id starts "subnet-": "in → subnet subnet-0a…" names it once, as EC2 does)
    repeated_words = ("revision revision", "subnet subnet subnet", "in subnet", "image image")
    for repeated in (*repeated_words, "policy → inline policy", "← "):
        assert repeated not in text
    assert "uses → revision web:2" in text and "pulls → image my-app:36" in text


def test_every_relation_drawn_reads_backwards_in_words() -> None:
    assert backward("runs") == "run by" and backward("uses") == "used by"
    assert backward("90% production") == "90% production from"
    assert len(set(BACKWARD.values())) >= len(BACKWARD) - 3  # few words shared both ways
    for forward, back in BACKWARD.items():
        assert forward != back


def test_the_neighbour_list_reads_from_the_selected_node(known) -> None:
    account, inventory = known
    ex = explore(inventory)
    ex.select(account.service)
    words = {(n["relation"], n["kind"], n["name"]) for n in ex.details["neighbours"]}
    assert ("run by", "cluster", "shop") in words
    assert not any(relation.startswith(("←", "→")) for relation, _, _ in words)
    ex.select(account.cluster)
    words = {(n["relation"], n["kind"], n["name"]) for n in ex.details["neighbours"]}
    assert ("runs", "service", "web") in words
    relations = {(n["relation"], n["id"]) for n in ex.details["neighbours"]}
    ex.select(account.vpc)
    assert all(n["relation"] == "holds" for n in ex.details["neighbours"])
    assert relations


def test_the_text_tree_lists_a_resources_links_once() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inventory"))
    import real_account_answers as real

    from ecskit.inventory import snapshot

    text = graph.to_text(snapshot(real.Session(), progress=False))
    # the provider is linked from its cluster and from its container instance ...
    assert text.count("capacity from → capacity provider mi-prod") == 2
    # ... and what it launches with is listed under the first only
    assert text.count("launches with → instance profile ecsInstanceRole") == 1
