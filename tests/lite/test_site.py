"""The JupyterLite site end to end: built, served on 127.0.0.1, run in headless Chromium with
every other host blocked — the course's chapters run in the browser tab's Pyodide kernel.

Marked `lite` (and `browser`): builds take ~30 s with a warm cache (~/.cache/ecskit-lite).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.lite,
    pytest.mark.browser,
    pytest.mark.timeout(1200),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm (the build fetches Pyodide)"),
]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# The chapters run here, in order (not 09-11: they need more than a sandbox). 02 and 04 pass
# too (ECSKIT_LITE_CHAPTERS="02 04"); 03's Express Mode cell failed in the tab on 2026-11-28.
CHAPTERS = ["00-ecs-and-the-sandbox.ipynb", "01-clusters.ipynb"]
# ECSKIT_LITE_CHAPTERS="02 03" runs those too (by number); "all": every chapter but 09-11.
_ASKED = os.environ.get("ECSKIT_LITE_CHAPTERS", "").split()
CHAPTERS += sorted(
    p.name
    for p in NOTEBOOKS.glob("*.ipynb")
    if p.name not in CHAPTERS
    and p.name[:2] not in ("09", "10", "11")
    and ("all" in _ASKED or p.name[:2] in _ASKED)
)
CELL_TIMEOUT_MS = 600_000
CHAPTER_DEADLINE_MS = 240_000  # a chapter still running then is a problem (never ran)


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def log_message(self, *args: object) -> None:
        pass


# A notebook of the test's own: a picture, the explorer and a form, to use in the page.
CHECK = "zz-lite-check.ipynb"
CHECK_CELLS = [
    "import ecskit\nsession = ecskit.connect()\nsession.sandbox.clock = 'instant'",
    "session.ecs.create_cluster(clusterName='shop')\n"
    "session.ecs.register_task_definition(family='web', containerDefinitions=["
    "{'name': 'web', 'image': 'nginx', 'memory': 64}])\n"
    "session.ecs.create_service(cluster='shop', serviceName='web', taskDefinition='web', "
    "desiredCount=0)\n"
    "ecskit.draw(session)",
    "explorer = ecskit.explore(session)\nexplorer",
    "form = ecskit.ClusterForm(session)\nform",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("jupyterlite_core")
    import nbformat

    from ecskit.lite.build import build

    course = tmp_path_factory.mktemp("course")
    for name in CHAPTERS:
        shutil.copy2(NOTEBOOKS / name, course / name)
    cells = [nbformat.v4.new_code_cell(source) for source in CHECK_CELLS]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), course / CHECK)
    out = tmp_path_factory.mktemp("site") / "site"
    start = time.monotonic()
    built = build(out, course)
    built["seconds"] = time.monotonic() - start
    # the test drives the app as tests/browser/harness.py does: through window.jupyterapp
    config = json.loads((out / "jupyter-lite.json").read_text())
    config["jupyter-config-data"]["exposeAppInBrowser"] = "true"
    (out / "jupyter-lite.json").write_text(json.dumps(config))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", built
    server.shutdown()


@pytest.fixture(scope="module")
def browser(site, chromium_browser):
    """The session's Chromium (tests/conftest.py), shared with the JupyterLab tests."""
    return chromium_browser


@pytest.fixture
def page(browser, site):
    url, _ = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_site)
    page = context.new_page()
    page.blocked = blocked
    yield page
    context.close()


_RUN_ALL = """
async ([path, deadline]) => {
  const app = window.jupyterapp;
  await app.started;
  await app.restored;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  await panel.revealed;
  app.shell.activateById(panel.id);
  const t0 = performance.now();
  let first = null;
  const cellsOf = () => panel.content.widgets.filter(c => c.model.type === 'code');
  await app.commands.execute('notebook:clear-all-cell-outputs');
  const watch = setInterval(() => {
    if (first === null && cellsOf().some(c => c.model.outputs.length > 0)) {
      first = performance.now() - t0;
    }
  }, 50);
  await app.commands.execute('notebook:run-all-cells');
  const kernel = panel.sessionContext.session.kernel;
  await new Promise(r => setTimeout(r, 500));
  while (kernel.status !== 'idle' || cellsOf().some(c => c.model.executionCount === null &&
         c.model.sharedModel.getSource().trim())) {
    await new Promise(r => setTimeout(r, 200));
    if (performance.now() - t0 > deadline) break;
    if (cellsOf().some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'))) break;
  }
  clearInterval(watch);
  const cells = cellsOf().map(cell => {
    const outputs = cell.model.outputs.toJSON();
    const error = outputs.find(o => o.output_type === 'error');
    return {count: cell.model.executionCount,
            error: error ? `${error.ename}: ${error.evalue}` : null,
            empty: !cell.model.sharedModel.getSource().trim()};
  });
  return {cells, first_output_ms: first, total_ms: performance.now() - t0};
}
"""


def run_chapter(page, url: str, name: str) -> dict:
    start = time.monotonic()
    page.goto(f"{url}lab/index.html")
    page.wait_for_function("window.jupyterapp !== undefined", timeout=120_000)
    page.set_default_timeout(CELL_TIMEOUT_MS)
    loaded = time.monotonic() - start
    result = page.evaluate(_RUN_ALL, [name, CHAPTER_DEADLINE_MS])
    result["problems"] = [
        f"{name}: code cell {number} raised {cell['error']}"
        if cell["error"]
        else f"{name}: code cell {number} never ran"
        for number, cell in enumerate(result["cells"], start=1)
        if cell["error"] or (cell["count"] is None and not cell["empty"])
    ]
    # from loading the page: the app, the kernel's start, %pip install ecskit, the first output
    result["first_output_s"] = loaded + (result["first_output_ms"] or 0) / 1000
    result["total_s"] = time.monotonic() - start
    return result


def test_chapters_run_in_the_browser_with_no_other_host(page, site) -> None:
    url, built = site
    assert built["bytes"] < 200e6
    timings, widgets, problems = {}, {}, []
    for name in CHAPTERS:
        result = run_chapter(page, url, name)
        problems += result["problems"]
        timings[name] = (round(result["first_output_s"], 1), round(result["total_s"], 1))
        widgets[name] = page.locator(".jupyter-widgets").count()
    print(f"\nwidgets per chapter: {widgets}; problems: {problems}")
    assert problems == []
    assert widgets["01-clusters.ipynb"] > 0  # its ClusterForm rendered
    assert page.blocked == [], page.blocked[:5]
    print(
        f"\nsite {built['bytes'] / 1e6:.0f} MB, built in {built['seconds']:.0f} s; "
        f"(first output s, whole chapter s): {timings}"
    )


def test_a_picture_a_click_and_a_form_in_the_browser(page, site) -> None:
    url, _ = site
    assert run_chapter(page, url, CHECK)["problems"] == []
    # the picture: Graphviz's wasm drew it in the page (there is no `dot` in the tab)
    picture = page.locator(".ecskit-browser-picture svg g.node")
    picture.first.wait_for(state="attached", timeout=60_000)
    assert picture.count() >= 3
    # the explorer: a click on the service comes back from the kernel with its details
    explorer = page.locator(".ecskit-explorer")
    service = explorer.locator("g.node", has_text="web").first
    service.wait_for(state="visible", timeout=60_000)
    service.click()
    details = explorer.locator(".ecskit-explorer-details .ecskit-explorer-name")
    details.wait_for(state="visible", timeout=60_000)
    assert details.inner_text() in ("web", "web:1")
    # the form: a cluster created in the tab's sandbox
    form = page.locator(".ecskit-form-cluster")
    form.locator(".ecskit-field-cluster-name input").fill("staging")
    page.wait_for_function(
        "!document.querySelector('.ecskit-form-cluster button.ecskit-create').disabled"
    )
    form.locator("button.ecskit-create").click()
    created = form.locator(".ecskit-result .ecskit-created")
    created.wait_for(state="visible", timeout=60_000)
    assert created.inner_text() == "staging"
    assert page.blocked == [], page.blocked[:5]
