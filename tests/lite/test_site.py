"""The JupyterLite site end to end: built, served on 127.0.0.1, run in headless Chromium with
every other host blocked — every course chapter runs to the end in the tab's Pyodide kernel.

One site and one page for the module: the app loads once; each chapter opens in it with a
kernel of its own (as a learner opens it), runs to the end within CHAPTER_DEADLINE_S, and is
closed with its kernel shut down. Timings land in test-artifacts/lite-timings.json.
Marked `lite` (and `browser`): the build takes ~30 s with a warm cache (~/.cache/ecskit-lite).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.lite,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm (the build fetches Pyodide)"),
]
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Every chapter, 00 to 11 (11 runs on the sandbox; what needs a real account is only shown).
# ECSKIT_LITE_CHAPTERS="02 03" runs only those (by number).
_ASKED = os.environ.get("ECSKIT_LITE_CHAPTERS", "").split()
CHAPTERS = sorted(
    p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if not _ASKED or p.name[:2] in _ASKED
)
CHAPTER_DEADLINE_S = float(os.environ.get("ECSKIT_LITE_DEADLINE", "150"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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
    # no cryptography in the tab: ACM's certificate is recorded, and described as moto's are
    "from ecskit.sandbox import certificates\n"
    "arn = certificates.request('123456789012', 'us-east-1', 'sh.ecs.us-east-1.on.aws')\n"
    "made = certificates.acm_backends['123456789012']['us-east-1']._certificates[arn]\n"
    "assert isinstance(made, certificates.RecordedCertificate), made\n"
    "acm = session.client('acm')\n"
    "cert = acm.describe_certificate(CertificateArn=arn)['Certificate']\n"
    "assert (cert['KeyAlgorithm'], cert['Status']) == ('RSA_2048', 'PENDING_VALIDATION'), cert\n"
    "assert [c['CertificateArn'] for c in acm.list_certificates()['CertificateSummaryList']]"
    " == [arn]",
]
TIMINGS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("jupyterlite_core")
    import nbformat

    from ecskit.lite.build import build

    course = tmp_path_factory.mktemp("course")
    for name in CHAPTERS:
        shutil.copy2(NOTEBOOKS / name, course / name)
    if (NOTEBOOKS / "solutions").is_dir():
        shutil.copytree(NOTEBOOKS / "solutions", course / "solutions")
    cells = [nbformat.v4.new_code_cell(source) for source in CHECK_CELLS]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), course / CHECK)
    out = tmp_path_factory.mktemp("site") / "site"
    start = time.monotonic()
    built = build(out, course)
    built["seconds"] = time.monotonic() - start
    # the test drives the app as tests/browser/harness.py does: through window.jupyterapp
    config = json.loads((out / "jupyter-lite.json").read_text())
    config["jupyter-config-data"]["exposeAppInBrowser"] = "true"
    # every cell's output drawn, not only the cells in view, so widgets can be counted
    overrides = config["jupyter-config-data"].setdefault("settingsOverrides", {})
    overrides["@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    (out / "jupyter-lite.json").write_text(json.dumps(config))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", built
    server.shutdown()
    _report(built)


def _report(built: dict[str, Any]) -> None:
    summary = {"site_mb": round(built["bytes"] / 1e6, 1), "build_s": round(built["seconds"], 1)}
    summary["chapters"] = TIMINGS
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "lite-timings.json").write_text(json.dumps(summary, indent=1))
    print(f"\nJupyterLite site: {json.dumps(summary, indent=1)}")


@pytest.fixture(scope="module")
def page(chromium_browser, site):
    """One page on the site for the module (the session's Chromium, tests/conftest.py): the app
    loads once, every request to another host is refused and remembered."""
    url, _ = site
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
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
    start = time.monotonic()
    page.goto(f"{url}lab/index.html")
    page.wait_for_function("window.jupyterapp !== undefined", timeout=120_000)
    page.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )
    page.app_loaded_s = time.monotonic() - start
    page.set_default_timeout(int(CHAPTER_DEADLINE_S * 1000) + 120_000)
    yield page
    context.close()


_RUN = """
async ([path, deadline]) => {
  const app = window.jupyterapp;
  const t0 = performance.now();
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  await panel.revealed;
  app.shell.activateById(panel.id);
  window.ecskitPanel = panel;
  const codeCells = () => panel.content.widgets.filter(c => c.model.type === 'code');
  const failed = () => codeCells().some(
    c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  await app.commands.execute('notebook:clear-all-cell-outputs');
  let first = null;
  const watch = setInterval(() => {
    if (first === null && codeCells().some(c => c.model.outputs.length > 0)) {
      first = performance.now() - t0;
    }
  }, 50);
  const kernelAt = performance.now();
  await app.commands.execute('notebook:run-all-cells');
  const kernel = panel.sessionContext.session.kernel;
  await new Promise(r => setTimeout(r, 500));
  let timedOut = false;
  while (kernel.status !== 'idle' || codeCells().some(c => c.model.executionCount === null &&
         c.model.sharedModel.getSource().trim())) {
    if (failed()) break;
    if (performance.now() - t0 > deadline) { timedOut = true; break; }
    await new Promise(r => setTimeout(r, 200));
  }
  clearInterval(watch);
  const cells = codeCells().map(cell => {
    const outputs = cell.model.outputs.toJSON();
    const error = outputs.find(o => o.output_type === 'error');
    return {count: cell.model.executionCount,
            source: cell.model.sharedModel.getSource(),
            error: error ? {name: error.ename, value: error.evalue,
                            traceback: (error.traceback || []).join('\\n')} : null};
  });
  return {cells, timed_out: timedOut, first_output_ms: first, total_ms: performance.now() - t0,
          // a widget view drawn: an output that is no rendered MIME type (those carry
          // data-mime-type) holding an element: ipywidgets' .jupyter-widgets, an anywidget's
          widgets: [...panel.node.querySelectorAll('.jp-OutputArea-output')].filter(out =>
            out.firstElementChild && !out.matches('[data-mime-type]') &&
            !out.querySelector(':scope > [data-mime-type]')).length,
          views: codeCells().flatMap(c => c.model.outputs.toJSON())
            .filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']).length,
          broken: panel.node.innerText.includes('Error displaying widget')};
}
"""

_CLOSE = """
async () => {
  const panel = window.ecskitPanel;
  if (!panel) return;
  await panel.sessionContext.shutdown();
  panel.context.model.dirty = false;
  panel.dispose();
  window.ecskitPanel = null;
}
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell_problem(name: str, number: int, cell: dict[str, Any], timed_out: bool) -> str | None:
    """What went wrong with one code cell, naming it by number and its first line."""
    line = next((s for s in cell["source"].splitlines() if s.strip()), "")[:80]
    where = f"{name}: code cell {number} (`{line}`)"
    if cell["error"]:
        tail = _ANSI.sub("", cell["error"]["traceback"]).strip().splitlines()[-12:]
        error = f"{cell['error']['name']}: {cell['error']['value']}"
        return f"{where} raised {error}\n    " + "\n    ".join(tail)
    if cell["count"] is None and cell["source"].strip():
        return f"{where} " + (
            f"had not run at the {CHAPTER_DEADLINE_S:.0f} s deadline" if timed_out else "never ran"
        )
    return None


def run_chapter(page, name: str, *, close: bool = True) -> dict[str, Any]:
    """Open `name` in the page's app, run every cell, close it (kernel shut down) unless told."""
    try:
        result = page.evaluate(_RUN, [name, CHAPTER_DEADLINE_S * 1000])
    finally:
        if close:
            page.evaluate(_CLOSE)
    problems = [
        _cell_problem(name, number, cell, result["timed_out"])
        for number, cell in enumerate(result["cells"], start=1)
    ]
    result["problems"] = [p for p in problems if p]
    return result


def _stored(name: str, mime: str) -> int:
    """Outputs of `mime` in the chapter as run in CPython (the repository's copy)."""
    notebook = json.loads((NOTEBOOKS / name).read_text())
    return sum(
        mime in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


# A picture drawn in the open notebook: by ecskit.draw (viz.js in the page) or the explorer.
_PICTURE_DRAWN = """() => window.ecskitPanel.node.querySelector(
  '.ecskit-browser-picture svg g.node, .ecskit-explorer svg g.node') !== null"""


@pytest.mark.timeout(CHAPTER_DEADLINE_S + 300)  # the first one builds the site and loads the app
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_to_the_end_in_the_tab(page, site, name: str) -> None:
    _, built = site
    assert built["bytes"] < 200e6
    cold = not TIMINGS
    result = run_chapter(page, name, close=False)
    try:
        timing = {"first_output_s": round((result["first_output_ms"] or 0) / 1000, 1),
                  "chapter_s": round(result["total_ms"] / 1000, 1),
                  "widgets_drawn": result["widgets"]}  # fmt: skip
        if cold:  # the page's load comes first: cold start to the first output
            timing["cold_start_to_first_output_s"] = round(
                page.app_loaded_s + timing["first_output_s"], 1
            )
        TIMINGS[name] = timing
        assert result["problems"] == [], "\n".join(result["problems"])
        # the widgets and pictures the chapter shows in CPython show in the tab too
        shown = _stored(name, WIDGET_VIEW)
        if result["widgets"] < shown:
            page.screenshot(path=str(ROOT / "test-artifacts" / f"lite-{name[:2]}.png"))
        assert result["widgets"] >= shown, (
            f"{name}: {result['widgets']} widgets drawn in the tab, {shown} in CPython "
            f"({result['views']} widget views sent; test-artifacts/lite-{name[:2]}.png)"
        )
        assert not result["broken"], f"{name}: a widget says 'Error displaying widget'"
        if _stored(name, "image/svg+xml"):
            page.wait_for_function(_PICTURE_DRAWN, timeout=30_000)
    finally:
        page.evaluate(_CLOSE)
    assert page.blocked == [], page.blocked[:5]


@pytest.mark.timeout(CHAPTER_DEADLINE_S + 300)
def test_a_picture_a_click_and_a_form_in_the_tab(page) -> None:
    result = run_chapter(page, CHECK, close=False)
    try:
        assert result["problems"] == [], "\n".join(result["problems"])
        _picture_click_and_form(page)
    finally:
        page.evaluate(_CLOSE)
    assert page.blocked == [], page.blocked[:5]


def _picture_click_and_form(page) -> None:
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
