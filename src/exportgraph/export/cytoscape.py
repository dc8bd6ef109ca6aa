"""Cytoscape.js elements JSON (also what Cytoscape desktop imports as .cyjs)."""

from __future__ import annotations

import json
from typing import IO

from .graphml import _describe
from .view import View


def elements(view: View) -> dict:
    return {
        "format_version": "1.0",
        "generated_by": "exportgraph",
        "target_cytoscapejs_version": "~3",
        "data": {"name": _describe(view), "as_of": view.as_of.isoformat(), "focus": view.focus},
        "elements": {
            "nodes": [
                {"group": "nodes", "data": {"id": n.id, **{k: v for k, v in n.attrs.items()}}}
                for n in view.nodes.values()
            ],
            "edges": [
                {"group": "edges", "data": {"id": e.id, "source": e.source, "target": e.target, **e.attrs}}
                for e in view.edges
            ],
        },
    }


def write(view: View, out: IO[str]) -> None:
    json.dump(elements(view), out, ensure_ascii=False, indent=1)
    out.write("\n")
