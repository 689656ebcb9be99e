"""What `draw()` shows in a notebook: the SVG at its own size (labels readable) in a frame as
wide as the output area, with zoom buttons and scroll bars to pan; "fit" shows it all.

A drawing wider than the output area (a whole account: 1,600 px in a 968 px JupyterLab output)
scaled down to fit has 5 px labels; opened at 100 % in a frame, it reads and pans (#16).
Without JavaScript (an untrusted notebook) the frame still scrolls.
"""

from __future__ import annotations

import uuid
from typing import Any

import graphviz

FRAME_HEIGHT_PX = 640

_HTML = """<div class="ecskit-picture" id="{id}">
<div class="ecskit-picture-tools" style="font:12px Helvetica,Arial,sans-serif;margin-bottom:4px">
<button data-zoom="1.25" title="zoom in">+</button>
<button data-zoom="0.8" title="zoom out">−</button>
<button data-zoom="fit" title="the whole picture in the frame">fit</button>
<button data-zoom="1" title="labels at their own size">100%</button>
<span style="color:#868e96">scroll to pan · hover a node for its ARN</span></div>
<div class="ecskit-picture-frame" style="max-width:100%;max-height:{height}px;overflow:auto;
border:1px solid #ced4da;border-radius:4px;background:#fff">{svg}</div>
<script>(() => {{
  const root = document.getElementById("{id}");
  if (!root) return;
  const frame = root.querySelector(".ecskit-picture-frame"), svg = frame.querySelector("svg");
  if (!svg) return;
  const w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
  let scale = 1;
  const apply = () => {{
    svg.style.width = `${{w * scale}}pt`;
    svg.style.height = `${{h * scale}}pt`;
  }};
  root.querySelectorAll("button[data-zoom]").forEach((b) => b.addEventListener("click", () => {{
    const z = b.dataset.zoom;
    if (z === "fit") scale = Math.min(1, frame.clientWidth / (w * 4 / 3), {height} / (h * 4 / 3));
    else if (z === "1") scale = 1;
    else scale = Math.min(4, Math.max(0.1, scale * parseFloat(z)));
    apply();
  }}));
}})();</script>
</div>"""


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` (its `.source`, `.pipe()`, `.render()` as usual) that a notebook
    shows framed at a readable size: see the module's docstring."""

    @classmethod
    def of(cls, digraph: graphviz.Digraph) -> Drawing:
        drawing = cls.__new__(cls)
        drawing.__dict__.update(digraph.__dict__)
        return drawing

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        svg = self.pipe(format="svg", encoding="utf-8")
        # JupyterLab's HTML outputs cap an svg at max-width 100 % (scaled down, ~5 px labels)
        svg = svg[svg.find("<svg") :].replace("<svg ", '<svg style="max-width:none" ', 1)
        html = _HTML.format(id=f"ecskit-picture-{uuid.uuid4().hex[:12]}", svg=svg,
                            height=FRAME_HEIGHT_PX)  # fmt: skip
        return {"text/html": html, "image/svg+xml": svg}
