"""The course as a learner meets it: notebooks opened in JupyterLab, run, and read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import Lab, run_in_lab

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _open_and_run(lab: Lab, page, name: str) -> None:
    shutil.copy(NOTEBOOKS / name, lab.root / name)
    run_in_lab(page, lab, name)


@pytest.mark.browser
def test_clusters_notebook_renders_its_form_and_checks(lab: Lab, page, screenshot) -> None:
    _open_and_run(lab, page, "01-clusters.ipynb")
    form = page.locator(".ecskit-form-cluster")
    form.wait_for(state="visible")
    assert form.locator("input").first.input_value() == "playground"
    assert form.locator(".ecskit-create").is_enabled()
    form.scroll_into_view_if_needed()
    screenshot(page, "course-01-cluster-form")
    checks = page.locator(".ecskit-check")
    # the exercise's check before the learner's answer, then after the solution
    assert checks.count() == 2
    assert checks.first.get_attribute("data-passed") == "false"
    assert checks.last.get_attribute("data-passed") == "true"
    checks.last.scroll_into_view_if_needed()
    assert "all 6 right" in (checks.last.text_content() or "")
    screenshot(page, "course-01-clusters-check")
    lab.shutdown_kernels()


@pytest.mark.browser
def test_whole_picture_notebook_draws_the_graph_and_the_explorer(
    lab: Lab, page, screenshot
) -> None:
    _open_and_run(lab, page, "10-the-whole-picture.ipynb")
    # ecskit.draw: Graphviz's SVG in its zoomable frame (or as an image where HTML is not shown)
    picture = page.locator(".ecskit-picture-frame svg, .jp-RenderedSVG img, .jp-RenderedSVG svg")
    picture = picture.first
    picture.wait_for(state="attached")
    picture.scroll_into_view_if_needed()
    assert picture.bounding_box()["width"] > 100
    screenshot(page, "course-10-draw")
    # ecskit.explore: the SVG in the page's DOM, one clickable node per resource
    explorer = page.locator(".ecskit-explorer")
    explorer.wait_for(state="visible")
    explorer.scroll_into_view_if_needed()
    nodes = explorer.locator("svg g.node")
    nodes.first.wait_for(state="attached")
    assert nodes.count() > 10
    assert explorer.get_by_text("service web-public").count() >= 1
    screenshot(page, "course-10-explore")
    assert page.locator(".ecskit-check").last.get_attribute("data-passed") == "true"
    lab.shutdown_kernels()
