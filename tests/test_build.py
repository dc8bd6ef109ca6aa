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

    graph = ExportGraph.open(
        [Path(__file__).parent / "fixtures" / "shapes" / "invalid" / "ListingShape--no-citation.ttl"], bundled=False
    )
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


def test_listings_start_on_the_effective_date_of_the_rule_that_added_them(bundled):
    """84 FR 22961 (Huawei and 68 affiliates) was published 2019-05-21 and took effect 2019-05-16
    (85 FR 51596 says so); an entry whose rule is not recorded keeps its citation's publication date,
    flagged derived, never another document's date (88 FR 40085, 6/21/23, is not the rule of
    2023-06-14 that starts 1,346 pages earlier)."""
    rows = bundled.store.select("""SELECT ?name ?added ?derived WHERE {
        ?e eg:party ?p ; eg:onList ?l ; eg:dateAdded ?added .
        ?l eg:shortName "entity-list" . ?p eg:name ?name . FILTER(?name IN ("Huawei Technologies Co., Ltd.",
        "China Aviation Development Harbin Bearing Co., Ltd."))
        BIND(EXISTS { ?e eg:confidence eg:Derived } AS ?derived) }""")
    got = {str(r["name"]): (r["added"].isoformat(), r["derived"]) for r in rows}
    assert got["Huawei Technologies Co., Ltd."] == ("2019-05-16", False)
    assert got["China Aviation Development Harbin Bearing Co., Ltd."] == ("2023-06-21", True)
