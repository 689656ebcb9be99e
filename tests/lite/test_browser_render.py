"""Pictures without `dot`: the DOT goes to the page with Graphviz's wasm build (@viz-js/viz),
checked here by rendering that very DOT with the bundle under Node.js."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import ecskit
from ecskit.graph import browser_render, node_id
from ecskit.lite import cache

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or shutil.which("npm") is None, reason="needs Node.js and npm"
)


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH with only `node` on it: `dot` is nowhere, as in JupyterLite."""
    cache.npm_package(*browser_render.VIZ_PACKAGE)  # fetched once into the cache
    (tmp_path / "node").symlink_to(NODE)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not ecskit.graph.has_dot() and browser_render.available()


@pytest.fixture
def account(session):
    ecs = session.ecs
    ecs.create_cluster(clusterName="shop")
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "a", "image": "nginx", "memory": 64}]
    )
    arn = ecs.create_service(
        cluster="shop", serviceName="web", taskDefinition="web", desiredCount=0
    )["service"]
    return session, arn["serviceArn"]


def _render_with_viz(dot: str, tmp_path) -> str:
    """What the widget's ESM does in the page: import viz.js, renderString(dot) to SVG."""
    script = tmp_path / "render.mjs"
    script.write_text(
        f"import {{ instance }} from {json.dumps(str(browser_render.bundle_path()))};\n"
        "const viz = await instance();\n"
        f"process.stdout.write(viz.renderString({json.dumps(dot)}, {{ format: 'svg' }}));\n"
    )
    done = subprocess.run([NODE, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_draw_without_dot_is_drawn_in_the_page(no_dot, account, tmp_path) -> None:
    session, service = account
    shown = ecskit.draw(session)
    assert isinstance(shown, browser_render.BrowserPicture)
    assert shown.dot == shown.digraph.source and "digraph" in shown.dot
    assert shown._viz.startswith("/*!\nViz.js")  # the module itself travels: no URL to fetch
    assert "ecskitRenderDot" in shown._esm and "http" not in shown._esm
    assert "service web" in repr(shown)  # the text tree where no widget front end runs
    svg = _render_with_viz(shown.dot, tmp_path)
    assert svg.lstrip().startswith("<?xml") and f'id="{node_id(service)}"' in svg


def test_the_explorer_without_dot_sends_dot_and_the_renderer(no_dot, account) -> None:
    session, service = account
    explorer = ecskit.explore(session)
    assert explorer.svg == "" and explorer.message == ""
    assert explorer.dot.startswith("digraph") and explorer._viz == browser_render.bundle()
    assert "ecskitRenderDot(model)" in explorer._esm
    explorer.select(service)  # clicks still answer: the node ids are the DOT's own
    assert explorer.selected_html_id == node_id(service)
