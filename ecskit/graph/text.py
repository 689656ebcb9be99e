"""The same hierarchy as the picture, as an indented text tree (no `dot` needed)."""

from __future__ import annotations

from .nodes import Node, Picture

# Edges printed as a one-line link, not followed: the revision is already under its family.
LINKS_ONLY = {"uses"}


def to_text(picture: Picture) -> str:
    """Task definitions first (as the console lists them), then each cluster and what it runs.

    Each line is `relation → kind name (detail)`; `[faded]` marks inactive or stopped things.
    A node's own links are listed where it first appears, not again under every link to it.
    """
    lines: list[str] = []
    roots = [n for n in picture.nodes.values() if n.kind in ("task definition", "cluster")]
    roots.sort(key=lambda n: (n.kind != "task definition", n.name))
    shown: set[str] = set()
    for root in roots:
        lines.append(_line(root))
        shown.add(root.id)
        _walk(picture, root, 1, lines, shown)
    return "\n".join(lines) + "\n" if lines else "(nothing to show)\n"


def _line(node: Node) -> str:
    text = f"{node.kind} {node.name}"
    if node.detail:
        text += f" ({node.detail})"
    return text + (" [faded]" if node.faded else "")


def _walk(pic: Picture, node: Node, depth: int, lines: list[str], shown: set[str]) -> None:
    for tail, label, head in pic.edges:
        if tail != node.id:
            continue
        other = pic.nodes[head]
        lines.append("  " * depth + f"{label} → {_line(other)}")
        if label not in LINKS_ONLY and other.id not in shown:
            shown.add(other.id)
            _walk(pic, other, depth + 1, lines, shown)
