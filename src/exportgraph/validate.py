"""SHACL validation of the loaded graph against ``shapes/``.

pyshacl-turbo (a Rust engine with pyshacl's API) is the default: measured on this project's machine
it was 25-90x faster than pyshacl with identical reports (``shared/reference/tech.md``). pyshacl
stays available as the reference engine (``engine="pyshacl"``) and the tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import paths
from .namespaces import SH


@dataclass(frozen=True)
class Violation:
    shape: str
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]


def shapes_graph(files: list[Path] | None = None) -> Graph:
    g = Graph()
    for f in files or paths.shape_files():
        g.parse(f, format="turtle")
    return g


def validate(data: Graph, shapes: Graph | None = None, engine: str = "turbo") -> Report:
    if engine == "turbo":
        from pyshacl_turbo import validate as run
    else:
        from pyshacl import validate as run
    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results, _ = run(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    violations = []
    for r in results.subjects(SH.resultSeverity, None):

        def one(p, _r=r):
            v = results.value(_r, p)
            return None if v is None else str(v)

        source_shape = results.value(r, SH.sourceShape)
        # A property shape is a blank node: report the node shape that holds it.
        owner = shapes.value(None, SH.property, source_shape) if source_shape is not None else None
        violations.append(
            Violation(
                shape=str(owner if owner is not None else source_shape),
                focus=one(SH.focusNode) or "",
                path=one(SH.resultPath),
                value=one(SH.value),
                message=one(SH.resultMessage) or "",
                severity=(one(SH.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    return Report(bool(conforms), tuple(sorted(violations, key=lambda v: (v.shape, v.focus))))


def as_rdflib(ntriples: bytes) -> Graph:
    """A store dump as an rdflib graph (what the SHACL engines take)."""
    return Graph().parse(data=ntriples, format="nt")
