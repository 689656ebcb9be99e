"""The picture of an account: every resource of the seed's list, linked as ECS links them.

>>> ecskit.draw(session)                     # doctest: +SKIP   (an SVG in a notebook)
>>> print(ecskit.graph.to_text(inventory))   # doctest: +SKIP   (the same, as a text tree)
"""

from __future__ import annotations

import shutil
import sys
from typing import Any

import graphviz

from ..inventory import Inventory, snapshot
from . import dot as _dot
from . import picture as _picture
from . import text as _text
from .picture import Node, Picture, node_id

INSTALL_DOT = (
    "Graphviz's `dot` program is not installed, so the picture cannot be rendered. Install it "
    "with `apt-get install graphviz` (Debian/Ubuntu), `conda install graphviz` or "
    "`brew install graphviz` (macOS), then restart the kernel. Meanwhile, the same hierarchy "
    "as text:"
)

__all__ = [
    "INSTALL_DOT",
    "Node",
    "Picture",
    "draw",
    "has_dot",
    "node_id",
    "picture",
    "to_digraph",
    "to_text",
]


def picture(
    inventory: Inventory,
    *,
    expand_tasks: bool = False,
    cluster: str | None = None,
    all_revisions: bool = False,
    expand_services: bool = False,
) -> Picture:
    """The nodes and named edges of the picture, before any drawing."""
    return _picture.build(
        inventory,
        expand_tasks=expand_tasks,
        cluster=cluster,
        all_revisions=all_revisions,
        expand_services=expand_services,
    )


def to_digraph(
    inventory: Inventory,
    *,
    expand_tasks: bool = False,
    cluster: str | None = None,
    all_revisions: bool = False,
    expand_services: bool = False,
    edge_labels: bool | None = None,
) -> graphviz.Digraph:
    """The picture as a `graphviz.Digraph` (its `.source` is DOT; notebooks show it as SVG).

    Args:
        expand_tasks: one node per task instead of one per service ("3/3 RUNNING").
        cluster: only this cluster (name or ARN) and what it uses.
        all_revisions: every revision of every family, not just those in use and the latest.
        expand_services: one node per service even in a cluster of more than 20 (drawing the
            whole account, such a cluster's services are otherwise one node, "50 services").
        edge_labels: name the edges on the picture; by default only up to 300 edges (past
            that `dot` takes minutes), the names are then in each edge's tooltip.
    """
    pic = picture(
        inventory,
        expand_tasks=expand_tasks,
        cluster=cluster,
        all_revisions=all_revisions,
        expand_services=expand_services,
    )
    return _dot.to_digraph(pic, inventory.region, edge_labels)


def to_text(inventory: Inventory, **kw: Any) -> str:
    """The same hierarchy as `to_digraph`, as an indented text tree."""
    return _text.to_text(picture(inventory, **kw))


def has_dot() -> bool:
    return shutil.which("dot") is not None


class TextPicture:
    """What `draw` returns without `dot`: the install hint and the text tree, shown as text."""

    def __init__(self, text: str, digraph: graphviz.Digraph) -> None:
        self.text = text
        self.digraph = digraph
        self.source = digraph.source

    def __repr__(self) -> str:
        return f"{INSTALL_DOT}\n\n{self.text}"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(INSTALL_DOT)}</p><pre>{escape(self.text)}</pre>"


def draw(
    session_or_inventory: Any,
    *,
    expand_tasks: bool = False,
    cluster: str | None = None,
    all_revisions: bool = False,
    expand_services: bool = False,
) -> Any:
    """The picture of an account (a session is snapshotted first) as a `graphviz.Digraph`.

    In a notebook it shows as SVG at its own size, in a frame as wide as the output with zoom
    buttons (`drawing.Drawing`). Without the `dot` program it is drawn in the page by
    Graphviz's WebAssembly build (`browser_render.BrowserPicture`) where that is installed,
    else it returns a `TextPicture` that says how to install Graphviz and shows the same
    hierarchy as text (its `.digraph` still holds the DOT source).
    """
    inventory = (
        session_or_inventory
        if isinstance(session_or_inventory, Inventory)
        else snapshot(session_or_inventory, cluster=cluster)
    )
    kw = {
        "expand_tasks": expand_tasks,
        "cluster": cluster,
        "all_revisions": all_revisions,
        "expand_services": expand_services,
    }
    digraph = to_digraph(inventory, **kw)  # type: ignore[arg-type]
    if has_dot():
        from .drawing import Drawing

        return Drawing.of(digraph)  # framed at a readable size in a notebook
    from . import browser_render

    if browser_render.available():  # no `dot` (JupyterLite, say): Graphviz's wasm in the page
        return browser_render.BrowserPicture(digraph, to_text(inventory, **kw))
    print(INSTALL_DOT.split(" Meanwhile")[0], file=sys.stderr)
    return TextPicture(to_text(inventory, **kw), digraph)
