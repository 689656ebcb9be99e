"""The explorer in JupyterLab: the SVG renders in the page; a click on a service shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecskit.graph import node_id

KNOWN_ACCOUNT = Path(__file__).resolve().parents[1] / "inventory"
SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/shop/web"

CELLS = [
    "import sys\n"
    f"sys.path.insert(0, {str(KNOWN_ACCOUNT)!r})\n"
    "import ecskit\n"
    "from known_account import build\n"
    "session = ecskit.connect()\n"
    "account = build(session)\n"
    "picked = []\n"
    "ex = ecskit.explore(session)\n"
    "ex.on_select(lambda node: picked.append(node.name))\n"
    "ex",
]


@pytest.mark.browser
@pytest.mark.exe
def test_click_a_service_to_see_its_details(run_notebook, screenshot) -> None:
    page = run_notebook(CELLS, "explorer")
    explorer = page.locator(".ecskit-explorer")
    explorer.wait_for(state="visible")
    graph = explorer.locator(".ecskit-explorer-graph")
    graph.locator("svg").wait_for(state="visible")
    service = graph.locator(f'g.node[id="{node_id(SERVICE_ARN)}"]')
    assert service.count() == 1
    assert "web" in service.text_content()
    # every resource of the known account is a node in the page's DOM, not an <img>
    assert graph.locator("g.node").count() >= 20
    screenshot(page, "explorer-1-rendered")

    service.click()
    details = explorer.locator(".ecskit-explorer-details")
    details.locator(".ecskit-explorer-name").wait_for(state="visible")
    assert details.locator(".ecskit-explorer-kind").inner_text().lower() == "service"
    assert details.locator(".ecskit-explorer-name").inner_text() == "web"
    assert '"serviceName": "web"' in details.locator(".ecskit-explorer-json").inner_text()
    page.wait_for_function(
        f"document.querySelector('g.node[id=\"{node_id(SERVICE_ARN)}\"]')"
        ".classList.contains('ecskit-selected')"
    )
    screenshot(page, "explorer-2-service-selected")

    # a neighbour's link selects it: the service runs a service revision, which uses web:2
    details.locator(".ecskit-explorer-link", has_text="service revision").first.click()
    page.wait_for_function(
        "document.querySelector('.ecskit-explorer-details .ecskit-explorer-kind')"
        ".textContent.toLowerCase() === 'service revision'"
    )
    details.locator(".ecskit-explorer-link", has_text="revision web:2").first.click()
    page.wait_for_function(
        "document.querySelector('.ecskit-explorer-details .ecskit-explorer-name')"
        ".textContent === 'web:2'"
    )
    screenshot(page, "explorer-3-neighbour-selected")


CHAPTER_10 = [
    "import ecskit, ecskit.course\n"
    "session = ecskit.connect()\n"
    "ecskit.course.catch_up(10, session)\n"
    "inventory = ecskit.snapshot(session, progress=False)\n"
    "ecskit.draw(inventory)",
    "ecskit.explore(inventory)",
]
# 10 pt labels drawn at least this many CSS pixels high are readable (the issue measured ~5 px)
READABLE_PX = 10


def _label_height(page, scope: str) -> float:
    """The rendered height of the first node label's text inside `scope`."""
    return page.evaluate(
        f"document.querySelector('{scope} g.node text').getBoundingClientRect().height"
    )


@pytest.mark.browser
@pytest.mark.exe
def test_chapter_10_picture_and_explorer_are_readable_at_first_sight(
    run_notebook, screenshot
) -> None:
    page = run_notebook(CHAPTER_10, "chapter-10-picture")
    picture = page.locator(".ecskit-picture")
    picture.locator("svg").wait_for(state="visible")
    frame = picture.locator(".ecskit-picture-frame")
    output = page.locator(".jp-OutputArea-output", has=picture)
    # the frame fits the output area (the SVG inside scrolls); its labels are at their size
    assert frame.bounding_box()["width"] <= output.bounding_box()["width"] + 1
    natural = page.evaluate(
        "parseFloat(document.querySelector('.ecskit-picture svg').getAttribute('width')) * 4 / 3"
    )
    assert frame.locator("svg").bounding_box()["width"] >= natural - 1  # not scaled down
    assert _label_height(page, ".ecskit-picture") >= READABLE_PX
    screenshot(page, "chapter-10-1-picture")
    picture.locator("button[data-zoom='fit']").click()
    svg_box = frame.locator("svg").bounding_box()
    assert svg_box["width"] <= frame.bounding_box()["width"] + 1  # fit: all of it in view

    explorer = page.locator(".ecskit-explorer")
    explorer.locator(".ecskit-explorer-graph svg").wait_for(state="visible")
    explorer.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.ecskit-explorer').dataset.scale")
    opened = float(explorer.get_attribute("data-scale"))
    assert opened >= 0.85
    assert _label_height(page, ".ecskit-explorer-graph") >= READABLE_PX
    screenshot(page, "chapter-10-2-explorer-first-sight")
    explorer.locator(".ecskit-explorer-fit").click()
    fitted = float(explorer.get_attribute("data-scale"))
    assert fitted < opened  # the whole account is wider than the pane: fit zooms out
    screenshot(page, "chapter-10-3-explorer-fit")
