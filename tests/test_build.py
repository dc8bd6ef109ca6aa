"""`exportgraph build` reproduces the committed generated files, and the bundled graph is clean."""

from __future__ import annotations

import pytest

from exportgraph import paths, settings
from exportgraph.build import build


@pytest.mark.skipif(not settings.shared_data_dir().is_dir(), reason="needs the shared/data datasets")
def test_build_reproduces_committed_files(tmp_path):
    counts = build(settings.shared_data_dir(), tmp_path, progress=lambda m: None)
    assert set(counts) == {p.name for p in paths.GENERATED.glob("*.ttl")}
    for name in counts:
        assert (tmp_path / name).read_bytes() == (paths.GENERATED / name).read_bytes(), name


def test_hygiene_queries_find_nothing_in_the_bundled_graph(bundled):
    assert bundled.hygiene() == []


def test_hygiene_catches_a_listing_without_citation():
    from pathlib import Path

    from exportgraph import ExportGraph

    graph = ExportGraph.open([Path(__file__).parent / "fixtures" / "shapes" / "invalid" /
                              "ListingShape--no-citation.ttl"], bundled=False)
    assert any("without citation" in e for e in graph.hygiene())


def test_every_triple_subject_is_sourced(bundled):
    """Every instance node of the bundled graph is a source or points to one (the 50% rule's results
    and ultimate parents, which a check may have computed in this session, are derived)."""
    rows = bundled.store.select("""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s ?p ?o . FILTER(STRSTARTS(STR(?s), "https://w3id.org/exportgraph/id/"))
        FILTER NOT EXISTS { ?s a/rdfs:subClassOf* eg:Source }
        FILTER NOT EXISTS { ?s dct:source ?x } FILTER NOT EXISTS { ?s eg:citation ?y }
        FILTER NOT EXISTS { ?s a ?derived FILTER(?derived IN (eg:AffiliateCoverage, eg:UltimateParentage)) } }""")
    assert rows[0]["n"] == 0
