"""The explorer without a browser: what a click sends, what Python answers, what it shows."""

from __future__ import annotations

import json

import pytest
from known_account import SECRET_VALUE

import ecskit
from ecskit.graph import browser_render, node_id
from ecskit.widgets import Explorer, explore


def test_explore_is_an_anywidget_with_the_svg_in_it(known) -> None:
    account, inventory = known
    ex = ecskit.explore(inventory)
    assert isinstance(ex, Explorer)
    assert "ecskit-explorer-graph" in ex._esm and "ecskit-explorer-details" in ex._esm
    if ecskit.graph.has_dot():
        assert ex.svg.startswith("<svg")
        assert f'id="{node_id(account.service)}"' in ex.svg
    else:
        assert "apt-get install graphviz" in ex.message and "service web" in ex.text


def test_a_click_selects_the_node_and_calls_back(known) -> None:
    account, inventory = known
    ex = explore(inventory)
    seen = []
    ex.on_select(seen.append)
    # what the browser sends when the service's node is clicked
    ex._handle_custom_msg({"type": "select", "id": node_id(account.service)}, [])
    assert ex.selected == account.service
    assert ex.selected_html_id == node_id(account.service)
    assert [(n.kind, n.name) for n in seen] == [("service", "web")]
    details = ex.details
    assert (details["kind"], details["name"], details["id"]) == ("service", "web", account.service)
    assert json.loads(details["json"])["serviceName"] == "web"
    links = {(n["relation"], n["id"]) for n in details["neighbours"]}
    (revision,) = inventory.service_revisions  # service › service revision › task definition
    assert ("runs", revision.arn) in links
    assert ("behind", account.target_group) in links
    assert ("run by", account.cluster) in links  # an incoming edge reads from this end


def test_neighbour_links_select_their_resource(known) -> None:
    account, inventory = known
    ex = explore(inventory)
    ex.select(inventory.service_revisions[0].arn)
    revision = next(n for n in ex.details["neighbours"] if n["relation"] == "uses")
    ex._handle_custom_msg({"type": "select", "id": revision["html_id"]}, [])
    assert ex.selected == account.revisions[1]
    assert ex.details["kind"] == "revision"


def test_details_hide_environment_values(known) -> None:
    account, inventory = known
    ex = explore(inventory)
    ex.select(f"{account.revisions[1]}#container/app")
    assert "DB_PASSWORD" in ex.details["json"]
    assert SECRET_VALUE not in ex.details["json"]
    ex.select(account.revisions[1])
    assert SECRET_VALUE not in ex.details["json"]


def test_unknown_clicks_and_keys(known) -> None:
    _, inventory = known
    ex = explore(inventory)
    ex._handle_custom_msg({"type": "select", "id": "not-a-node"}, [])
    assert ex.selected == "" and ex.details == {}
    with pytest.raises(KeyError, match="is not in this picture"):
        ex.select("arn:aws:ecs:us-east-1:123456789012:service/shop/nope")


def test_callbacks_can_be_removed(known) -> None:
    account, inventory = known
    ex = explore(inventory)
    seen = []
    ex.on_select(seen.append)
    ex.on_select(seen.append, remove=True)
    ex.select(account.cluster)
    assert seen == []


def test_explore_a_session_and_refresh(session, account) -> None:
    ex = explore(session, cluster="shop")
    ex.select(account.service)
    session.ecs.update_service(cluster="shop", service="web", desiredCount=0)
    session.ecs.delete_service(cluster="shop", service="web")
    ex.refresh()
    assert account.service not in ex.picture.nodes or ex.picture.nodes[account.service].faded
    assert ex.selected in ("", account.service)


def test_without_dot_the_text_tree_is_shown(known, monkeypatch) -> None:
    _, inventory = known
    monkeypatch.setattr(ecskit.graph.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_render, "available", lambda: False)  # nor Graphviz's wasm build
    ex = explore(inventory)
    assert ex.svg == ""
    assert "brew install graphviz" in ex.message
    assert "runs → service web" in ex.text
