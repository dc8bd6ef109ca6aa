"""The namespace module and the ontology agree both ways, and IRIs are minted in one place."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from exportgraph import paths
from exportgraph.namespaces import EG

SRC = Path(__file__).resolve().parents[1] / "src" / "exportgraph"


def ontology_terms() -> set[str]:
    g = rdflib.Graph()
    for f in paths.ontology_files():
        g.parse(f)
    ns = str(EG._NS)
    return {str(s)[len(ns) :] for s in g.subjects() if str(s).startswith(ns)}


def test_namespace_module_matches_ontology():
    declared = set(EG.__annotations__)
    terms = ontology_terms()
    assert terms - declared == set(), f"in the ontology, missing from namespaces.py: {terms - declared}"
    assert declared - terms == set(), f"in namespaces.py, missing from the ontology: {declared - terms}"


def test_typo_raises():
    import pytest

    with pytest.raises(AttributeError):
        EG.subsidaryOf  # noqa: B018


def test_no_iri_literals_outside_namespaces_and_ids():
    offenders = [
        str(p)
        for p in SRC.rglob("*.py")
        if p.name not in ("namespaces.py", "ids.py")
        and re.search(r"URIRef\(\s*[\"']http", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_module_has_the_header_metadata():
    g = rdflib.Graph()
    for f in paths.ontology_files():
        g.parse(f)
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

    for onto in g.subjects(RDF.type, OWL.Ontology):
        for p in (RDFS.label, DCTERMS.description, DCTERMS.license, OWL.versionInfo, OWL.versionIRI):
            assert g.value(onto, p) is not None, f"{onto} lacks {p}"
