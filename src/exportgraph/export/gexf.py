"""GEXF 1.2 (Gephi, networkx): the view's nodes and edges with declared attributes."""

from __future__ import annotations

from typing import IO

from .graphml import _describe, escape, quoteattr
from .view import EDGE_ATTRS, NODE_ATTRS, View

_TYPES = {str: "string", bool: "boolean", float: "double", int: "long"}


def _value(value: object) -> str:
    if isinstance(value, bool):
        return '"true"' if value else '"false"'
    return quoteattr(str(value))


def write(view: View, out: IO[str]) -> None:
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        f"  <meta><creator>exportgraph</creator><description>{escape(_describe(view))}"
        "</description></meta>\n"
        '  <graph defaultedgetype="directed" mode="static">\n'
    )
    for scope, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        out.write(f'    <attributes class="{scope}">\n')
        for name, kind in attrs.items():
            if scope == "node" and name == "label":
                continue  # a node's label is its own XML attribute
            out.write(f'      <attribute id="{name}" title="{name}" type="{_TYPES[kind]}"/>\n')
        out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for node in view.nodes.values():
        values = "".join(f'<attvalue for="{k}" value={_value(v)}/>' for k, v in node.attrs.items() if k != "label")
        out.write(
            f"      <node id={quoteattr(node.id)} label={quoteattr(str(node.attrs['label']))}>"
            f"<attvalues>{values}</attvalues></node>\n"
        )
    out.write("    </nodes>\n    <edges>\n")
    for edge in view.edges:
        values = "".join(f'<attvalue for="{k}" value={_value(v)}/>' for k, v in edge.attrs.items())
        label = edge.attrs.get("label")
        out.write(
            f"      <edge id={quoteattr(edge.id)} source={quoteattr(edge.source)} target={quoteattr(edge.target)}"
            + (f" label={quoteattr(str(label))}" if label is not None else "")
            + f"><attvalues>{values}</attvalues></edge>\n"
        )
    out.write("    </edges>\n  </graph>\n</gexf>\n")
