"""The browser harness itself: a notebook runs in JupyterLab and its widget renders."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_a_widget_renders_in_jupyterlab(run_notebook, screenshot) -> None:
    page = run_notebook(
        [
            "import ipywidgets as w\n"
            "b = w.Button(description='Press me')\n"
            "b.add_class('ecskit-harness-button')\n"
            "b",
            "print('second cell', 6 * 7)",
        ],
        "harness",
    )
    button = page.locator(".ecskit-harness-button")
    button.wait_for(state="visible")
    assert button.inner_text().strip() == "Press me"
    assert page.get_by_text("second cell 42").count() == 1
    assert screenshot(page, "harness-button").stat().st_size > 0


@pytest.mark.browser
def test_a_raising_cell_is_named(run_notebook) -> None:
    with pytest.raises(AssertionError, match=r"code cell 2 raised ZeroDivisionError"):
        run_notebook(["x = 1", "1 / 0", "y = 2"], "raises")
