"""Graphviz DOT, and SVG or PNG rendered from it by Graphviz itself (the ``dot`` program)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import IO

from ..errors import ExportGraphError
from .graphml import _describe
from .view import View

# fill colours by standing under the 50% rule; shapes by kind of node; styles by kind of edge
FILL = {"listed": "#e05252", "covered": "#f29e4c", "possibly covered": "#f5d76e"}
SHAPE = {"organisation": "box", "person": "ellipse", "country": "circle", "item": "component", "list-entry": "note"}
EDGE_STYLE = {
    "stake": 'color="#333333"',
    "subsidiary": 'color="#333333", style=dashed',
    "listing": 'color="#b03030", style=dashed',
    "country": 'color="#999999", style=dotted',
    "manufacturer": 'color="#4060a0"',
    "order": 'color="#2a7f62", penwidth=2',
    "leg": 'color="#2a7f62"',
    "supply": 'color="#2a7f62", style=dashed',
}
LAYOUT_LIMIT = 400  # above this many nodes, sfdp lays out in seconds where dot takes minutes


def _q(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write(view: View, out: IO[str]) -> None:
    out.write(
        f"// {_describe(view)}\ndigraph exportgraph {{\n"
        '  graph [rankdir=TB, fontname="DejaVu Sans", overlap=false, outputorder=edgesfirst];\n'
        '  node [fontname="DejaVu Sans", fontsize=10, style="filled,rounded", fillcolor="#f4f4f4"];\n'
        '  edge [fontname="DejaVu Sans", fontsize=9];\n'
    )
    for node in view.nodes.values():
        a = node.attrs
        label = str(a["label"])
        if a.get("country"):
            label += f"\n({a['country']})"
        if a.get("lists"):
            label += f"\n{a['lists']}"
        fill = FILL.get(str(a.get("coverage", "")), "#ffffff" if a["kind"] == "list-entry" else "#f4f4f4")
        extra = ", penwidth=3" if node.id == view.focus else ""
        out.write(
            f"  {_q(node.id)} [label={_q(label)}, shape={SHAPE.get(str(a['kind']), 'box')}, "
            f"fillcolor={_q(fill)}, tooltip={_q(a.get('citations') or a['label'])}{extra}];\n"
        )
    for edge in view.edges:
        label = str(edge.attrs.get("label", ""))
        out.write(
            f"  {_q(edge.source)} -> {_q(edge.target)} [label={_q(label)}, "
            f"{EDGE_STYLE.get(str(edge.attrs['type']), '')}];\n"
        )
    out.write("}\n")


def render(view: View, fmt: str, path: Path, engine: str | None = None) -> None:
    """Lay the DOT out and render it as ``fmt`` (svg or png) into ``path`` with Graphviz."""
    program = shutil.which("dot")
    if program is None:
        raise ExportGraphError(
            f"--format {fmt} needs Graphviz's `dot` program; install Graphviz "
            "(Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz) "
            "or export --format dot and render it elsewhere"
        )
    big = len(view.nodes) > LAYOUT_LIMIT
    # above the limit: sfdp, scaled apart rather than overlap-removed, fewer iterations (seconds, not minutes)
    options = ["-Ksfdp", "-Goverlap=scale", "-Gquadtree=fast", "-Gmaxiter=100"] if big else ["-Kdot"]
    if big and fmt == "png":
        options += ["-Gsize=40,40", "-Gdpi=96"]  # at most 3,840 pixels a side: seconds, not a minute
    if engine:
        options = [f"-K{engine}"]
    from io import StringIO

    text = StringIO()
    write(view, text)
    done = subprocess.run(
        [program, *options, f"-T{fmt}", "-o", str(path)],
        input=text.getvalue().encode(),
        capture_output=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise ExportGraphError(f"Graphviz failed to render {fmt}: {done.stderr.decode(errors='replace').strip()}")
