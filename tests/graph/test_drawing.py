"""`draw()` in a notebook: the SVG at its own size in a frame as wide as the output (#16)."""

from __future__ import annotations

import re

import graphviz
import pytest

from ecskit import graph
from ecskit.graph.drawing import Drawing


@pytest.mark.exe
def test_draw_is_a_digraph_shown_framed_at_its_own_size(known) -> None:
    _, inventory = known
    drawing = graph.draw(inventory)
    assert isinstance(drawing, Drawing) and isinstance(drawing, graphviz.Digraph)
    assert drawing.source == graph.to_digraph(inventory).source
    bundle = drawing._repr_mimebundle_()
    html = bundle["text/html"]
    assert 'class="ecskit-picture-frame"' in html and "overflow:auto" in html
    assert "max-width:100%" in html  # the frame fits the output area ...
    svg = re.search(r"<svg [^>]*>", html).group(0)
    assert 'style="max-width:none"' in svg  # ... and the drawing inside keeps its size
    assert re.search(r'width="\d+pt"', svg)
    assert all(f'data-zoom="{z}"' in html for z in ("1.25", "0.8", "fit", "1"))
    assert bundle["image/svg+xml"].startswith("<svg")  # for front ends without HTML
