"""The course as a learner meets it: a notebook opened in JupyterLab, run, and read."""

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
def test_a_course_notebook_runs_in_jupyterlab_and_its_checks_render(
    lab: Lab, page, screenshot
) -> None:
    _open_and_run(lab, page, "01-clusters.ipynb")
    checks = page.locator(".ecskit-check")
    checks.last.scroll_into_view_if_needed()
    # the exercise's check before the learner's answer, then after the solution
    assert checks.count() == 2
    assert checks.first.get_attribute("data-passed") == "false"
    assert checks.last.get_attribute("data-passed") == "true"
    assert "all 5 right" in checks.last.inner_text()
    screenshot(page, "course-01-clusters-check")
    lab.shutdown_kernels()
