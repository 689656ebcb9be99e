"""`explore(session)`: the picture of an account, clickable, with the selected resource's details.

The SVG is rendered kernel-side by `dot` (or, without it, in the page by Graphviz's wasm build:
graph/browser_render.py) and placed in the page's DOM (not an <img>), so each
node can be clicked; the click comes back here, sets `selected` and calls `on_select` callbacks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher

from .. import graph
from ..graph import browser_render
from ..graph.details import describe
from ..graph.dot import console_url
from ..graph.dot import to_digraph as picture_to_digraph
from ..graph.picture import Node
from ..graph.text import to_text as picture_to_text
from ..inventory import Inventory, snapshot

_ESM = (
    browser_render.RENDER_JS
    + r"""
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  root.classList.add("ecskit-explorer");
  const tools = el("div", "ecskit-explorer-tools");
  const zoomIn = el("button", "ecskit-explorer-zoom-in", "+");
  const zoomOut = el("button", "ecskit-explorer-zoom-out", "−");
  const fit = el("button", "ecskit-explorer-fit", "fit");
  tools.append(zoomIn, zoomOut, fit);
  const body = el("div", "ecskit-explorer-body");
  const graph = el("div", "ecskit-explorer-graph");
  const inner = el("div", "ecskit-explorer-canvas");
  graph.append(inner);
  const details = el("div", "ecskit-explorer-details");
  body.append(graph, details);
  root.append(tools, body);

  let scale = 1, tx = 0, ty = 0;
  const apply = () => {
    inner.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
    root.dataset.scale = scale.toFixed(3);
  };
  const zoom = (factor, cx, cy) => {
    const next = Math.min(8, Math.max(0.05, scale * factor));
    tx = cx - (cx - tx) * (next / scale);
    ty = cy - (cy - ty) * (next / scale);
    scale = next;
    apply();
  };
  // "fit" shows everything; the first view never goes below READABLE (10 pt labels at
  // 0.85 are ~11 px; a whole account fitted in the pane had ~5 px labels): drag to see more
  const READABLE = 0.85;
  const fitAll = (atLeast = 0) => {
    const svg = inner.querySelector("svg");
    if (!svg) return;
    const w = svg.width.baseVal.value || 1, h = svg.height.baseVal.value || 1;
    // not laid out yet (the output area is still hidden): the ResizeObserver fits it later
    if (!graph.clientWidth || !graph.clientHeight) return false;
    scale = Math.max(Math.min(graph.clientWidth / w, graph.clientHeight / h, 1), atLeast);
    tx = 0; ty = 0;
    apply();
    return true;
  };
  const firstView = () => fitAll(READABLE);
  let fitted = false;
  new ResizeObserver(() => { if (!fitted) fitted = firstView(); }).observe(graph);

  const select = (id) => { if (id) model.send({ type: "select", id }); };
  const highlight = () => {
    const marked = inner.querySelectorAll(".ecskit-selected");
    marked.forEach((n) => n.classList.remove("ecskit-selected"));
    const chosen = model.get("selected_html_id");
    if (chosen) {
      const node = inner.querySelector(`g.node[id="${CSS.escape(chosen)}"]`);
      if (node) node.classList.add("ecskit-selected");
    }
  };
  const drawGraph = () => {
    const svg = model.get("svg");
    if (svg) {
      inner.innerHTML = svg;
    } else if (model.get("dot")) {  // no `dot` in the kernel: Graphviz's wasm draws it here
      ecskitRenderDot(model).then((drawn) => {
        inner.innerHTML = drawn.slice(drawn.indexOf("<svg"));
        fitted = firstView();
        highlight();
      });
      return;
    } else {
      inner.innerHTML = "";
      inner.append(el("p", "ecskit-explorer-message", model.get("message")));
      inner.append(el("pre", "ecskit-explorer-text", model.get("text")));
    }
    fitted = firstView();
    highlight();
  };
  const drawDetails = () => {
    const d = model.get("details");
    details.innerHTML = "";
    if (!d || !d.kind) {
      details.append(el("p", "ecskit-explorer-hint", "Click a resource to see its details."));
      return;
    }
    details.append(el("div", "ecskit-explorer-kind", d.kind));
    details.append(el("h3", "ecskit-explorer-name", d.name));
    details.append(el("code", "ecskit-explorer-id", d.id));
    if (d.url) {
      const a = el("a", "ecskit-explorer-console", "open in the AWS console");
      a.href = d.url; a.target = "_blank"; a.rel = "noopener";
      details.append(el("div", null), a);
    }
    if (d.neighbours && d.neighbours.length) {
      const list = el("ul", "ecskit-explorer-neighbours");
      for (const n of d.neighbours) {
        const item = el("li");
        // the relation as read from this node ("run by", "uses"): no arrow to decode
        item.append(document.createTextNode(`${n.relation} `));
        const link = el("a", "ecskit-explorer-link", `${n.kind} ${n.name}`);
        link.href = "#";
        link.dataset.id = n.html_id;
        link.addEventListener("click", (e) => { e.preventDefault(); select(n.html_id); });
        item.append(link);
        list.append(item);
      }
      details.append(list);
    }
    details.append(el("pre", "ecskit-explorer-json", d.json));
  };

  // pan by dragging; a press that does not move is a click on the node under it
  let drag = null;
  graph.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, tx, ty, moved: false };
  });
  graph.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    if (drag.moved) { tx = drag.tx + dx; ty = drag.ty + dy; apply(); }
  });
  const end = () => { setTimeout(() => { drag = null; }, 0); };
  graph.addEventListener("pointerup", end);
  graph.addEventListener("pointerleave", end);
  graph.addEventListener("click", (e) => {
    e.preventDefault();  // the nodes' links open the console only from the details pane
    if (drag && drag.moved) return;
    const node = e.target.closest("g.node");
    if (node) select(node.id);
  });
  graph.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = graph.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  zoomIn.addEventListener("click", () => zoom(1.25, graph.clientWidth / 2, graph.clientHeight / 2));
  zoomOut.addEventListener("click", () => zoom(0.8, graph.clientWidth / 2, graph.clientHeight / 2));
  fit.addEventListener("click", () => fitAll());

  model.on("change:svg", drawGraph);
  model.on("change:details", drawDetails);
  model.on("change:selected_html_id", highlight);
  drawGraph();
  drawDetails();
}
export default { render };
"""
)

_CSS = """
.ecskit-explorer { font-family: Helvetica, Arial, sans-serif; font-size: 12px; }
.ecskit-explorer-tools button { margin-right: 4px; min-width: 28px; }
.ecskit-explorer-body { display: flex; gap: 8px; margin-top: 4px; }
.ecskit-explorer-graph { flex: 2; height: 520px; overflow: hidden; border: 1px solid #ced4da;
  border-radius: 4px; cursor: grab; position: relative; background: #fff; touch-action: none; }
.ecskit-explorer-canvas { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
.ecskit-explorer-graph g.node { cursor: pointer; }
.ecskit-explorer-graph g.node.ecskit-selected polygon,
.ecskit-explorer-graph g.node.ecskit-selected path { stroke: #d9480f; stroke-width: 3px; }
.ecskit-explorer-details { flex: 1; height: 520px; overflow: auto; border: 1px solid #ced4da;
  border-radius: 4px; padding: 6px 8px; background: #f8f9fa; }
.ecskit-explorer-kind { color: #868e96; text-transform: uppercase; font-size: 10px; }
.ecskit-explorer-name { margin: 2px 0 4px; }
.ecskit-explorer-id { font-size: 10px; word-break: break-all; }
.ecskit-explorer-neighbours { padding-left: 16px; }
.ecskit-explorer-json { font-size: 10px; white-space: pre-wrap; word-break: break-all; }
"""


class Explorer(anywidget.AnyWidget):
    """The clickable picture of an inventory, with the selected resource's details beside it.

    >>> ex = ecskit.explore(session)                       # doctest: +SKIP
    >>> ex.on_select(lambda node: print(node.kind, node.name))   # doctest: +SKIP
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)  # drawn in the page when the kernel has no `dot`
    _viz = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)  # the selected resource's key (ARN or id)
    selected_html_id = traitlets.Unicode("").tag(sync=True)
    details = traitlets.Dict().tag(sync=True)

    def __init__(self, source: Any, **picture_options: Any) -> None:
        super().__init__()
        self._source = source
        self._options = picture_options
        self._select_handlers = CallbackDispatcher()
        self.on_msg(self._on_message)
        self.refresh()

    # -- public ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Take a new snapshot (when made from a session) and draw it again."""
        self.inventory = (
            self._source
            if isinstance(self._source, Inventory)
            else snapshot(self._source, cluster=self._options.get("cluster"))
        )
        self.picture = graph.picture(self.inventory, **self._options)
        digraph = picture_to_digraph(self.picture, self.inventory.region)
        if graph.has_dot():
            svg = digraph.pipe(format="svg", encoding="utf-8")
            self.svg, self.message, self.text = svg[svg.find("<svg") :], "", ""
        elif browser_render.available():
            self._viz = self._viz or browser_render.bundle() or ""
            self.svg, self.dot, self.message, self.text = "", digraph.source, "", ""
        else:
            self.svg = ""
            self.message = graph.INSTALL_DOT
            self.text = picture_to_text(self.picture)
        if self.selected and self.selected not in self.picture.nodes:
            self.selected = ""
        self._show(self.selected)

    def select(self, key: str) -> Node:
        """Select the resource with this key (ARN, id), as a click on it would."""
        node = self.picture.nodes.get(key)
        if node is None:
            raise KeyError(f"{key!r} is not in this picture; its nodes are explorer.picture.nodes")
        self.selected = key
        return node

    def on_select(self, callback: Callable[[Node], Any], remove: bool = False) -> None:
        """Call `callback(node)` whenever a resource is selected (by a click or `select`)."""
        self._select_handlers.register_callback(callback, remove=remove)

    @property
    def selected_node(self) -> Node | None:
        return self.picture.nodes.get(self.selected)

    # -- plumbing --------------------------------------------------------------------------
    def _on_message(self, _: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        if content.get("type") == "select":
            node = self.picture.by_html_id(str(content.get("id", "")))
            if node is not None:
                self.selected = node.id

    @traitlets.observe("selected")
    def _selected_changed(self, change: dict[str, Any]) -> None:
        self._show(change["new"])
        node = self.picture.nodes.get(change["new"])
        if node is not None:
            self._select_handlers(node)

    def _show(self, key: str) -> None:
        node = self.picture.nodes.get(key) if key else None
        if node is None:
            self.selected_html_id, self.details = "", {}
            return
        info = describe(node)
        neighbours = []
        for direction, relation, other_id in self.picture.neighbours(node.id):
            other = self.picture.nodes[other_id]
            neighbours.append(
                {
                    "direction": direction,
                    "relation": relation,
                    "kind": other.kind,
                    "name": other.name,
                    "id": other.id,
                    "html_id": other.html_id,
                }
            )
        url = console_url(node, self.inventory.region)
        self.selected_html_id = node.html_id
        self.details = {
            "kind": info["kind"],
            "name": info["name"],
            "id": info["id"],
            "url": url if url and self._source_is_aws() else "",
            "neighbours": neighbours,
            "json": json.dumps(info["json"], indent=1, default=str, sort_keys=True),
        }

    def _source_is_aws(self) -> bool:
        return getattr(self._source, "backend", "") == "aws"


def explore(session_or_inventory: Any, **picture_options: Any) -> Explorer:
    """The clickable picture of an account: `ecskit.explore(session)`.

    Options are `ecskit.draw`'s: expand_tasks, expand_services, cluster, all_revisions.
    """
    return Explorer(session_or_inventory, **picture_options)
