"""Fixtures that drive JupyterLab in headless Chromium.

- ``lab``: one JupyterLab server for the test session (``.url``, ``.token``, ``.root``).
- ``page``: a fresh playwright (sync) page per test, in one Chromium for the session.
- ``run_notebook``: ``run(cells, name) -> page`` writes a notebook of those code cells into
  ``lab.root``, opens it, runs every cell and waits for the kernel to be idle.
- ``screenshot``: ``shot(page, name) -> Path``, a PNG in ``test-artifacts/`` at the repo root.

Every test in this folder is marked ``browser``; they skip, saying why, only when
``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import CHROMIUM, Lab, run_in_lab, start_lab, write_notebook

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a temporary root, for the whole test session."""
    _need_chromium()
    server = start_lab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_browser: Any) -> Any:
    """One headless Chromium for the session (tests/conftest.py starts it)."""
    _need_chromium()
    return chromium_browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new page in its own browser context (no state shared between tests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def run_notebook(lab: Lab, page: Any) -> Iterator[Callable[..., Any]]:
    """``run(cells, name, allow_errors=False) -> page``: the notebook run in JupyterLab."""

    def run(cells: list[str], name: str, *, allow_errors: bool = False) -> Any:
        if not name.endswith(".ipynb"):
            name += ".ipynb"
        write_notebook(lab.root / name, cells)
        run_in_lab(page, lab, name, allow_errors=allow_errors)
        return page

    yield run
    lab.shutdown_kernels()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``shot(page, name) -> Path``: the full page as ``test-artifacts/<name>.png``."""

    def shot(page: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot
