"""GraphML (yEd, Gephi, Cytoscape, networkx, igraph): the view's nodes and edges with typed keys."""

from __future__ import annotations

import re
from typing import IO
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from .view import EDGE_ATTRS, NODE_ATTRS, View

_TYPES = {str: "string", bool: "boolean", float: "double", int: "long"}
# characters XML 1.0 forbids even escaped (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text that any XML 1.0 reader accepts: forbidden characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(text))


def escape(text: object) -> str:
    return _escape(xml_text(text))


def quoteattr(text: object) -> str:
    return _quoteattr(xml_text(text))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def write(view: View, out: IO[str]) -> None:
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for scope, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        for name, kind in attrs.items():
            out.write(f'  <key id="{scope[0]}_{name}" for="{scope}" attr.name="{name}" attr.type="{_TYPES[kind]}"/>\n')
    out.write(f'  <graph id="exportgraph" edgedefault="directed">\n    <desc>{escape(_describe(view))}</desc>\n')
    for node in view.nodes.values():
        out.write(f"    <node id={quoteattr(node.id)}>")
        out.write("".join(f'<data key="n_{k}">{_value(v)}</data>' for k, v in node.attrs.items()))
        out.write("</node>\n")
    for edge in view.edges:
        out.write(f"    <edge id={quoteattr(edge.id)} source={quoteattr(edge.source)} target={quoteattr(edge.target)}>")
        out.write("".join(f'<data key="e_{k}">{_value(v)}</data>' for k, v in edge.attrs.items()))
        out.write("</edge>\n")
    out.write("  </graph>\n</graphml>\n")


def _describe(view: View) -> str:
    where = f"around {view.focus}" if view.focus else "the whole graph"
    return f"exportgraph: {where}, as of {view.as_of.isoformat()}"
