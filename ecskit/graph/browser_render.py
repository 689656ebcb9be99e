"""Pictures drawn in the browser when the kernel has no `dot`: Graphviz compiled to WebAssembly.

`@viz-js/viz` (npm, MIT; Graphviz and its wasm inlined in one ES module, `dist/viz.js`, 1.2 MB:
https://github.com/mdaines/viz-js) renders ecskit's DOT in the page. The module travels to the
page as a widget trait and is imported from a blob: URL, so nothing is fetched from any host at
run time. Where it comes from (first found wins):

- ``ECSKIT_VIZ_JS``: a path to `viz.js`;
- `ecskit/graph/viz.js` beside this module (the JupyterLite site's wheel carries it there);
- the `ecskit lite` cache (`ecskit lite fetch` or any `ecskit lite build` puts it there).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..lite.cache import npm_dir

VIZ_PACKAGE = ("@viz-js/viz", "3.31.0")
PACKAGED = Path(__file__).with_name("viz.js")
HOW_TO_GET = (
    "Neither Graphviz's `dot` nor the in-browser renderer (@viz-js/viz) is here: install "
    "Graphviz, or run `ecskit lite fetch` once (it needs npm) to draw pictures in the browser."
)

# The page side: imports viz.js once per page from the `_viz` trait, renders `dot` to SVG text.
RENDER_JS = r"""
let ecskitViz = null;
async function ecskitRenderDot(model) {
  if (!ecskitViz) {
    const source = model.get("_viz");
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    ecskitViz = import(url).then((module) => module.instance());
  }
  const viz = await ecskitViz;
  return viz.renderString(model.get("dot"), { format: "svg" });
}
"""

_ESM = (
    RENDER_JS
    + r"""
async function render({ model, el }) {
  el.classList.add("ecskit-browser-picture");
  const draw = async () => {
    try {
      const svg = await ecskitRenderDot(model);
      el.innerHTML = svg.slice(svg.indexOf("<svg"));
    } catch (error) {
      el.textContent = `The picture could not be drawn: ${error}`;
    }
  };
  model.on("change:dot", draw);
  await draw();
}
export default { render };
"""
)


def bundle_path() -> Path | None:
    """Where viz.js is on this machine, or None."""
    named = os.environ.get("ECSKIT_VIZ_JS")
    candidates = [Path(named)] if named else []
    candidates += [PACKAGED, npm_dir(*VIZ_PACKAGE) / "dist" / "viz.js"]
    return next((path for path in candidates if path.is_file()), None)


@functools.lru_cache(maxsize=4)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def bundle() -> str | None:
    """viz.js's source (an ES module exporting `instance`), or None where it is not installed."""
    path = bundle_path()
    return _read(path) if path is not None else None


def available() -> bool:
    return bundle_path() is not None


class BrowserPicture(anywidget.AnyWidget):
    """A DOT picture drawn in the page by Graphviz's WebAssembly build (no `dot` needed).

    `.source` and `.digraph` are the same as on a `graphviz.Digraph` picture's.
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _viz = traitlets.Unicode("").tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)

    def __init__(self, digraph: Any, text: str = "") -> None:
        source = bundle()
        if source is None:
            raise RuntimeError(HOW_TO_GET)
        super().__init__(_viz=source, dot=digraph.source)
        self.digraph = digraph
        self.text = text

    @property
    def source(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        # outside a widget front end (a terminal, nbconvert to text) the tree is what shows
        return self.text or self.dot
