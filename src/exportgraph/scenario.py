"""Scenarios: a change to the graph to check orders against (``exportgraph check --scenario``)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import InputError
from .namespaces import RDF


def scenario_update(path: Path) -> str:
    """A scenario file as one SPARQL update. A ``.ru`` file is used as it is. A Turtle file
    overrides: each subject and predicate it mentions loses its old values and gets the new ones;
    an object ``rdf:nil`` only removes (e.g. ``rule:affiliates-2025-09 eg:suspendedFrom rdf:nil``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read scenario: {exc.strerror}", source=str(path)) from None
    if path.suffix == ".ru":
        return text
    g = Graph()
    try:
        g.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises many kinds for bad Turtle
        raise InputError(f"not valid Turtle: {exc}", source=str(path)) from None
    if not len(g):
        raise InputError("the scenario has no triples", source=str(path))
    deletes = sorted({(s, p) for s, p, _ in g})
    inserts = [(s, p, o) for s, p, o in g if o != RDF.nil]
    parts = [f"DELETE WHERE {{ {s.n3()} {p.n3()} ?o{i} }}" for i, (s, p) in enumerate(deletes)]
    if inserts:
        parts.append("INSERT DATA { " + " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in inserts) + " }")
    return " ;\n".join(parts)
