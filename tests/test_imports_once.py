"""Imports load each triple once: an imported copy is stored once, in the live default graph, and
kept as its compressed N-Triples file for the next import to compare with (its generation's graph
empty); the readers' triples are written as N-Triples lines with the same terms, the same errors
and the same notes (list entries, party records) as the store's terms and the SPARQL give."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef

from exportgraph import ExportGraph, imports, queries
from exportgraph.errors import InputError
from exportgraph.imports.commit import party_classes, typed_parties
from exportgraph.imports.ntriples import Lines
from exportgraph.imports.readers import READERS, Progress, store_triple
from exportgraph.store.embedded import IRI

FIXTURES = Path(__file__).parent / "fixtures"
CSV = FIXTURES / "csv"


def _quads(disk, t: ox.Triple) -> list[ox.Quad]:
    return list(disk._store.quads_for_pattern(t.subject, t.predicate, t.object, None))


def _source_graph_triples(disk) -> int:
    return sum(disk.count(g) for g in disk.graphs() if g.startswith(imports.SOURCES) and not g.endswith("/bundled"))


def test_an_imported_copy_is_stored_once_and_kept_as_its_file(store):
    graph = ExportGraph.open(store=store)
    disk = graph.store.persistent()
    assert disk is not None
    s = graph.import_file("csv", CSV / "parties.csv")
    generation = s.generation
    assert generation in disk.graphs() and disk.count(generation) == 0  # the graph is there, empty
    copy = imports.read_copy(disk, generation)  # from the file
    assert imports.copy_file(disk, generation).is_file() and len(copy) == s.triples > 10
    for t in copy:  # each triple once: in the default graph, nowhere else
        assert [q.graph_name for q in _quads(disk, t)] == [ox.DefaultGraph()], t
    assert not list(store.glob("staging-*"))
    # a newer copy: compared with the file, the copies loaded for the commit emptied again after
    changed = store.parent / "parties.csv"
    changed.write_text((CSV / "parties.csv").read_text().replace("Example Holdings", "Example Holdings Group"))
    s2 = graph.import_file("csv", changed)
    assert [(c.party.rsplit("/", 1)[-1], c.what) for c in s2.changes] == []  # (a parties file lists nothing)
    assert s2.generation != generation and generation not in disk.graphs()
    assert not imports.copy_file(disk, generation).exists()  # the old copy's file went with it
    assert _source_graph_triples(disk) == 0
    assert graph.store.ask('ASK { ?p eg:name "Example Holdings Group" }')
    assert not graph.store.ask('ASK { ?p eg:name "Example Holdings" }')
    assert graph.import_file("csv", changed).unchanged  # re-importing an unchanged file changes nothing
    del graph, disk
    gc.collect()


def test_a_removed_entry_is_kept_and_reported_when_the_copy_is_a_file(store, tmp_path):
    graph = ExportGraph.open(store=store)
    graph.import_file("csv", CSV / "parties.csv")
    listings = tmp_path / "listings.csv"
    listings.write_text((CSV / "listings.csv").read_text() + "holdco,entity-list,2025-10-01,,90 FR 1\n")
    s = graph.import_file("csv", listings)
    added = [("acme-hk", "added"), ("holdco", "added")]
    assert sorted((c.party.rsplit("/", 1)[-1], c.what) for c in s.changes) == added
    listings.write_text((CSV / "listings.csv").read_text())
    s = graph.import_file("csv", listings)
    assert [(c.party.rsplit("/", 1)[-1], c.what) for c in s.changes] == [("holdco", "removed")]
    assert graph.store.ask('ASK { ?e eg:party/eg:name "Example Holdings" ; eg:dateRemoved ?d }')
    assert not graph.store.ask('ASK { ?e eg:party/eg:name "Example Trading (HK) Ltd" ; eg:dateRemoved ?d }')
    assert _source_graph_triples(graph.store.persistent()) == 0
    del graph
    gc.collect()


def test_what_another_source_asserts_stays_when_a_copy_no_longer_says_it(store, tmp_path):
    """The commit reads the other sources' copies (files) for what they assert of the old copy."""
    graph = ExportGraph.open(store=store)
    graph.import_file("csv", CSV / "parties.csv")
    other = tmp_path / "more-parties.csv"
    other.write_text((CSV / "parties.csv").read_text())
    graph.import_file("csv", other)
    other.write_text("\n".join(line for line in other.read_text().splitlines() if not line.startswith("holdco")))
    graph.import_file("csv", other)  # holdco is no longer in this copy, still in parties.csv's
    ask = 'ASK { <https://w3id.org/exportgraph/id/user/party/holdco> eg:name "Example Holdings" ; eg:country ?c }'
    assert graph.store.ask(ask)
    parties = imports.current(graph.store.persistent(), "csv-parties")
    assert parties is not None
    graph.store.update(
        f"DELETE DATA {{ GRAPH <{imports.META}> {{ <{imports.STORE_NODE.value}> eg:sourceGraph <{parties}> }} }}"
    )
    other.write_text("id,name,country,aliases,kind\nx,X,DE,,company\n")
    graph.import_file("csv", other)  # with parties.csv's copy no longer named, holdco's facts go
    assert not graph.store.ask(ask)
    assert _source_graph_triples(graph.store.persistent()) == 0
    del graph
    gc.collect()


def test_copies_loaded_for_a_commit_are_emptied_when_the_store_is_next_opened(store):
    """A process killed between loading the copies for a commit and emptying them leaves them
    loaded: the next open empties them, and what queries see is as it was."""
    graph = ExportGraph.open(store=store)
    graph.import_file("csv", CSV / "parties.csv")
    before = sorted(graph.store.dump().decode().splitlines())
    disk = graph.store.persistent()
    assert disk is not None
    imports.materialise(disk, set())
    assert _source_graph_triples(disk) > 0
    del graph, disk
    gc.collect()
    graph = ExportGraph.open(store=store)
    assert _source_graph_triples(graph.store.persistent()) == 0
    assert sorted(graph.store.dump().decode().splitlines()) == before
    del graph
    gc.collect()


# -- the lines: the same terms, errors and notes as store terms and the SPARQL --

_IRIS = st.sampled_from([f"https://example.org/{x}" for x in ("a", "b", "c/d", "e#f", "é", "x%20y")])
_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12) | st.sampled_from(['"', "\\", "\n\r", "a\\nb"])
_LITERALS = st.one_of(
    _TEXT.map(Literal),
    st.tuples(_TEXT, st.sampled_from(["en", "de-CH", "zh-Hant-TW"])).map(lambda x: Literal(x[0], lang=x[1])),
    st.tuples(_TEXT, st.sampled_from(["string", "integer", "date"])).map(
        lambda x: Literal(x[0], datatype=URIRef("http://www.w3.org/2001/XMLSchema#" + x[1]))
    ),
)
_TRIPLES = st.lists(st.tuples(_IRIS.map(URIRef), _IRIS.map(URIRef), _IRIS.map(URIRef) | _LITERALS), max_size=30)


@settings(max_examples=150, deadline=None)
@given(_TRIPLES)
def test_lines_hold_the_terms_store_triple_makes(triples):
    lines = Lines(Path("f"))
    text = "".join(lines(triples))
    parsed = {q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)}
    expected = {store_triple(t, Path("f")) for t in triples}
    assert parsed == expected and lines.distinct() == len(expected)


@pytest.mark.parametrize(
    "bad",
    [
        (URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("lone \ud800")),
        (URIRef("https://example.org/a b"), URIRef("https://example.org/p"), Literal("x")),
        (URIRef("o2"), URIRef("https://example.org/p"), Literal("x")),
        (BNode("b0"), URIRef("https://example.org/p"), Literal("x")),
    ],
)
def test_lines_refuse_what_store_triple_refuses_with_its_message(bad):
    with pytest.raises(InputError) as expected:
        store_triple(bad, Path("f.json"))
    with pytest.raises(InputError) as got:
        Lines(Path("f.json")).line(bad)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize(
    "kind, path",
    [
        ("entity-list", FIXTURES / "entity-list" / "before.json"),
        ("csv", CSV / "parties.csv"),
        ("ftm", FIXTURES / "ftm" / "ownership.ftm.json"),
    ],
)
def test_what_lines_note_is_what_the_generation_queries_find(bundled, kind, path):
    """The entries an import reports and the records it proposes links from, noted as the lines
    are written, are what queries/imports/generation-*.rq find in the copy's graph."""
    from exportgraph.imports.changes import Summary

    lines = Lines(path, party_classes(bundled.store))
    text = "".join(lines(READERS[kind](path, Summary(kind, str(path), ""), Progress("t"), bundled)))
    graph = ExportGraph.open()
    g = "https://w3id.org/exportgraph/id/graph/source/test/1"
    graph.store.load(text.encode(), "application/n-triples", graph=g)
    rows = graph.store.select(queries.text("imports/generation-entries"), {"graph": IRI(g)})
    assert lines.listed() == [(str(r["e"]), str(r["party"] or ""), str(r["name"] or r["party"] or "")) for r in rows]
    rows = graph.store.select(queries.text("imports/generation-parties"), {"graph": IRI(g)})
    parties = sorted(str(r["p"]) for r in rows)
    assert sorted(lines.parties) == parties and parties
    copy = {q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)}
    assert typed_parties(copy, party_classes(bundled.store)) == parties
