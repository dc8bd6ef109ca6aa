"""The export restriction shapes of ``shapes/restrictions/`` (one file per rule id), compiled and run.

Three engines evaluate the shapes and must agree (a test compares them):

- ``store`` (default): each shape's SPARQL constraint runs once over all orders inside the store,
  with ``$this`` as an ordinary variable joined to the shape's target class. It is the bulk form of
  SHACL-SPARQL validation and needs no copy of the graph, so it scales with the store.
- ``turbo``: pyshacl-turbo (Rust) on a copy of the graph.
- ``pyshacl``: the reference implementation, on a copy of the graph (slow; for cross-checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Graph

from . import paths
from .contract import CHECK_ENGINES
from .errors import InputError
from .limits import checkpoint
from .namespaces import DCTERMS, RDF, RDFS, SH
from .store import Row, Store

ENGINES = CHECK_ENGINES


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, reduced to what every engine reports alike."""

    shape: str
    focus: str
    value: str | None
    severity: str
    message: str


@dataclass(frozen=True)
class Shape:
    """One SPARQL constraint of a restriction shape, with what the store engine needs to run it."""

    iri: str
    rule: str
    severity: str
    target: str
    select: str
    message: str
    prefixes: str


@cache
def shapes_graph() -> Graph:
    g = Graph()
    for path in paths.restriction_files():
        g.parse(path, format="turtle")
    return g


@cache
def shapes() -> tuple[Shape, ...]:
    g = shapes_graph()
    out = []
    for node in sorted(g.subjects(RDF.type, SH.NodeShape), key=str):
        if (node, SH.deactivated, None) in g and str(g.value(node, SH.deactivated)) == "true":
            continue
        for c in g.objects(node, SH.sparql):
            decl = g.value(c, SH.prefixes)
            prefixes = "".join(
                f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n" for d in g.objects(decl, SH.declare)
            )
            out.append(
                Shape(
                    iri=str(node),
                    rule=str(g.value(node, DCTERMS.identifier)),
                    severity=str(g.value(node, SH.severity) or SH.Violation).rsplit("#", 1)[-1],
                    target=str(g.value(node, SH.targetClass)),
                    select=str(g.value(c, SH.select)),
                    message=str(g.value(c, SH.message)),
                    prefixes=prefixes,
                )
            )
    return tuple(out)


def rule_ids() -> list[str]:
    return sorted({s.rule for s in shapes()})


_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bulk_query(shape: Shape) -> str:
    """The shape's SELECT over every focus node at once: ``$this`` becomes a variable bound by the
    target class (with subclasses), as SHACL's targets define it."""
    text = shape.select.replace("$this", "?this")
    m = _GROUP.search(text)
    if m is None:
        raise InputError(f"shape {shape.iri}: its SELECT has no WHERE clause")
    target = f" ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{shape.target}> . "
    return shape.prefixes + text[: m.end()] + target + text[m.end() :]


def run_store(store: Store) -> list[Result]:
    out = []
    for shape in shapes():
        checkpoint()  # a time limit (the server's) stops a check between shapes
        for row in store.select(bulk_query(shape)):

            def fill(m: re.Match[str], r: Row = row) -> str:
                return "" if r.get(m.group(1)) is None else str(r[m.group(1)])

            message = _PLACEHOLDER.sub(fill, shape.message)
            value = row.get("value")
            out.append(
                Result(shape.iri, str(row["this"]), None if value is None else str(value), shape.severity, message)
            )
    return out


def run_shacl(data: bytes, engine: str) -> list[Result]:
    """pyshacl-turbo or pyshacl on an N-Triples copy of the graph."""
    if engine == "turbo":
        from pyshacl_turbo import validate as run  # (optional engines: imported when asked for)

        conforms, report, _ = run(
            data,
            data_graph_format="nt",
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    else:
        from pyshacl import validate as run

        conforms, report, _ = run(
            Graph().parse(data=data, format="nt"),
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    if not isinstance(report, Graph):  # the engine could not run a shape: never read that as "no results"
        raise RuntimeError(f"{engine} could not validate the orders: {report}")
    out = []
    for r in report.subjects(SH.resultSeverity, None):
        value = report.value(r, SH.value)
        out.append(
            Result(
                str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.focusNode)),
                None if value is None else str(value),
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(r, SH.resultMessage) or ""),
            )
        )
    return out
