"""The 50% rule on the columnar tables gives what the SPARQL updates of ``queries/coverage/`` give.

The updates are the rule's definition (each is checked against the regulation's text in
tests/test_ownership.py and the conformance suite); here the ``tables`` engine is compared with
them, triple for triple, on generated worlds (cycles, aggregation, chains, ranges, unknown stakes,
dates, votes, control without equity, removed listings, unnamed parties) and on the bundled graph.
An explanation joins its stakes and owners in the order the engine met them (SPARQL's GROUP_CONCAT
fixes none), so two explanations are the same when they have the same length and the same parts
(split where a name ends and at the separators of facts, steps and owners).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.coverage import Coverage
from exportgraph.store import EmbeddedStore
from exportgraph.store.embedded import IRI
from exportgraph.store.graphs import COVERAGE

FIXTURES = Path(__file__).parent / "fixtures"
EG = "https://w3id.org/exportgraph/ontology#"
ID = "https://w3id.org/exportgraph/id/"
EXPLANATION = ox.NamedNode(EG + "explanation")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DAYS = [dt.date(2024, 6, 1), dt.date(2025, 3, 25), dt.date(2025, 9, 29), dt.date(2026, 2, 1)]
LISTS = {"el": "Entity List", "meu": "Military End-User List", "other": "Other List"}
DATES = [None, "2024-01-01", "2025-03-25", "2025-09-29", "2025-12-31"]


def parts(text: str, labels: set[str]) -> Counter:
    for label in sorted(labels, key=len, reverse=True):
        text = text.replace(label + " ", label + "\x00")
    return Counter(re.split(r"; | -> |, |\x00", text))


def coverage_of(store: EmbeddedStore, engine: str, days: list[dt.date]) -> tuple[set, dict, Coverage]:
    """The coverage graph one engine writes for ``days``: its triples without the explanations,
    the explanations by node, and the engine's ``Coverage``."""
    coverage = Coverage(store, engine)
    coverage.reset()
    coverage.ensure(days)
    triples = store.triples(COVERAGE)
    store.update(f"DROP SILENT GRAPH <{COVERAGE}>")  # the other engine starts from nothing; this one keeps its state
    explanations = {t.subject: t.object.value for t in triples if t.predicate == EXPLANATION}
    return {t for t in triples if t.predicate != EXPLANATION}, explanations, coverage


def assert_same(
    store: EmbeddedStore, days: list[dt.date], reference: str = "sparql", engine: str = "tables"
) -> Coverage:
    """``engine`` writes the coverage graph ``reference`` writes; the ``engine``'s ``Coverage``."""
    sparql, sparql_why, _ = coverage_of(store, reference, days)
    tables, tables_why, coverage = coverage_of(store, engine, days)
    assert tables == sparql, (sorted(map(str, tables - sparql))[:10], sorted(map(str, sparql - tables))[:10])
    assert tables_why.keys() == sparql_why.keys()
    labels = {t.object.value for t in tables if t.predicate == LABEL}
    for node, text in sparql_why.items():
        if tables_why[node] == text:
            continue
        assert len(tables_why[node]) == len(text), (node, tables_why[node], text)
        assert parts(tables_why[node], labels) == parts(text, labels), (node, tables_why[node], text)
    return coverage


def lit(value: str, datatype: str) -> str:
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>'


def day(text: str) -> str:
    return lit(f"{text}T00:00:00", "dateTime")


PERCENTS = st.sampled_from(
    [
        None,
        ("30", "integer"),
        ("50", "integer"),
        ("51", "integer"),
        ("100", "integer"),
        ("0", "integer"),
        ("12.5", "decimal"),
        ("37.50", "decimal"),
        ("25", "integer"),
    ]
)
STAKE = st.tuples(
    st.integers(0, 7),  # owner
    st.integers(0, 7),  # owned
    PERCENTS,
    st.sampled_from([None, (None, "60"), ("20", None), ("40", "60"), ("10", "30")]),  # a range instead
    st.sampled_from([(), ("Equity",), ("Voting",), ("Voting", "Equity"), ("ControlWithoutEquity",)]),
    st.sampled_from(DATES),
    st.sampled_from(DATES),
    st.booleans(),  # typed eg:OwnershipStake
)
ENTRY = st.tuples(
    st.integers(0, 7),
    st.sampled_from(list(LISTS)),
    st.sampled_from(DATES),
    st.sampled_from(DATES),
    st.sampled_from([(), ("90 FR 1",), ("90 FR 1", "85 FR 2")]),
)


def world(stakes: list, entries: list, links: list, names: list) -> bytes:
    rule = f"<{ID}rule/affiliates-2025-09>"
    lines = [f"{rule} a <{EG}Rule> ; <{EG}concernsList> <{ID}list/el>, <{ID}list/meu> ."]
    lines += [f'<{ID}list/{k}> <http://www.w3.org/2000/01/rdf-schema#label> "{v}" .' for k, v in LISTS.items()]
    for i, count in enumerate(names):
        lines += [f'<{ID}party/p{i}> <{EG}name> "Party {i}{chr(65 + k)}" .' for k in range(count)]
    for n, (owner, owned, pc, rng, kinds, start, end, typed) in enumerate(stakes):
        s = f"<{ID}stake/s{n}>"
        lines += [f"{s} <{EG}owner> <{ID}party/p{owner}> .", f"{s} <{EG}owned> <{ID}party/p{owned}> ."]
        if typed:
            lines.append(f"{s} a <{EG}OwnershipStake> .")
        if pc is not None:
            lines.append(f"{s} <{EG}percent> {lit(*pc)} .")
        elif rng is not None:
            lines += [
                f"{s} <{EG}{p}> {lit(v, 'integer')} ."
                for p, v in zip(("percentMin", "percentMax"), rng, strict=True)
                if v
            ]
        lines += [f"{s} <{EG}stakeKind> <{EG}{k}> ." for k in kinds]
        if start:
            lines.append(f"{s} <{EG}validFrom> {day(start)} .")
        if end and (not start or end >= start):
            lines.append(f"{s} <{EG}validTo> {day(end)} .")
    for n, (party, lst, added, removed, cites) in enumerate(entries):
        e = f"<{ID}entry/e{n}>"
        lines += [f"{e} <{EG}onList> <{ID}list/{lst}> .", f"{e} <{EG}party> <{ID}party/p{party}> ."]
        if added:
            lines.append(f"{e} <{EG}dateAdded> {day(added)} .")
        if removed and (not added or removed > added):
            lines.append(f"{e} <{EG}dateRemoved> {day(removed)} .")
        for k, cite in enumerate(cites):
            lines += [
                f"{e} <{EG}citation> <{ID}cite/e{n}c{k}> .",
                f'<{ID}cite/e{n}c{k}> <http://www.w3.org/2000/01/rdf-schema#label> "{cite}" .',
            ]
    lines += [f"<{ID}party/p{a}> <{EG}subsidiaryOf> <{ID}party/p{b}> ." for a, b in links]
    return "\n".join(lines).encode()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stakes=st.lists(STAKE, max_size=14),
    entries=st.lists(ENTRY, max_size=5),
    links=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=3),
    names=st.lists(st.integers(0, 2), min_size=8, max_size=8),
)
def test_generated_worlds(stakes: list, entries: list, links: list, names: list) -> None:
    store = EmbeddedStore()
    store.load(world(stakes, entries, links, names), "text/turtle")
    coverage = assert_same(store, DAYS)
    assert coverage.fallback is None


CHAIN = [  # test_a_chain_aggregates_and_loops' world
    (0, 1, ("30", "integer"), None, (), None, None, True),
    (2, 1, ("25", "integer"), None, (), None, None, True),
    (0, 2, ("60", "integer"), None, (), None, None, True),
    (3, 4, ("51", "integer"), None, (), None, None, True),
    (4, 3, ("51", "integer"), None, (), None, None, True),
    (1, 5, None, None, (), None, None, True),
]
CHAIN_ENTRIES = [(0, "el", "2024-01-01", None, ("90 FR 1",))]


def test_a_chain_aggregates_and_loops() -> None:
    """A hand-made world whose answer is decided from the rule's text, not from either engine.
    90 FR 47201 (15 CFR 744.11(a)(3) as amended): a party owned 50% or more, "directly or
    indirectly, individually or in the aggregate, by one or more" listed parties is covered;
    OFAC's rule it follows (79 FR 47726) cascades through layers and counts ownership only.
    - p0 is on the Entity List: listed.
    - p2 is 60% owned by p0: covered, individually (round 1).
    - p1 is 30% owned by p0 and 25% by p2, which is covered: 55% in the aggregate, indirectly
      (round 2).
    - p5 is owned by p1 through a stake of unknown size: possibly covered. An unknown stake gives a
      review, never silence (the project's rule for unknown values).
    - Ultimate parents (15 CFR 744.23(a)(3): the headquarters of the ultimate parent, via majority
      links): p2's is p0 (60% > 50%); p5's may be p1 (a stake of unknown size); p3 and p4 own 51%
      of each other, a loop with no top."""
    store = EmbeddedStore()
    store.load(world(CHAIN, CHAIN_ENTRIES, [], [1] * 8), "text/turtle")
    coverage = assert_same(store, DAYS)
    coverage.reset()
    coverage.ensure([DAYS[-1]])
    statuses = (
        "SELECT ?p ?status ?depth WHERE { GRAPH ?g {"
        " ?c eg:coveredParty ?p ; eg:coverageStatus ?status ; eg:coverageDepth ?depth } }"
    )
    got = {
        r["p"].rsplit("/", 1)[1]: (r["status"].rsplit("#", 1)[1], r["depth"])
        for r in store.select(statuses, {"g": IRI(COVERAGE)})
    }
    assert got == {"p0": ("Listed", 0), "p2": ("Covered", 1), "p1": ("Covered", 2), "p5": ("PossiblyCovered", 3)}
    # ultimate parents: p2's is p0 (60%); p5's may be p1 (a stake of unknown size); the loop has none
    parents = (
        "SELECT ?x ?top ?u WHERE { GRAPH ?g {"
        " ?n eg:parentageOf ?x ; eg:parentageTop ?top OPTIONAL { ?n eg:parentageUncertain ?u } } }"
    )
    pairs = {
        (r["x"].rsplit("/", 1)[1], r["top"].rsplit("/", 1)[1], r["u"])
        for r in store.select(parents, {"g": IRI(COVERAGE)})
    }
    assert pairs == {("p2", "p0", None), ("p5", "p1", True)}


def test_data_the_tables_refuse_goes_to_the_sparql() -> None:
    """A percent written as an xsd:double is outside what the tables hold exactly: the SPARQL
    engine runs, and says so."""
    store = EmbeddedStore()
    data = world([(0, 1, None, None, (), None, None, True)], [(0, "el", None, None, ())], [], [1] * 8)
    store.load(data + f"\n<{ID}stake/s0> <{EG}percent> {lit('5.5E1', 'double')} .".encode(), "text/turtle")
    coverage = assert_same(store, DAYS)
    assert coverage.fallback is not None and "not an xsd:integer or xsd:decimal" in coverage.fallback
    assert coverage.tables() is None


@pytest.fixture(scope="module")
def bundled() -> ExportGraph:
    return ExportGraph.open()


def test_the_bundled_graph(bundled: ExportGraph) -> None:
    store = bundled.store
    assert isinstance(store, EmbeddedStore)
    days = sorted({*DAYS, dt.date(2023, 1, 1), dt.date(2025, 11, 28)})
    coverage = assert_same(store, days)
    assert coverage.fallback is None
    assert len(coverage.rounds) >= 3


def test_the_engine_is_chosen_by_store_and_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert Coverage(EmbeddedStore()).engine == "tables"
    monkeypatch.setenv("EXPORTGRAPH_COVERAGE_ENGINE", "sparql")
    assert Coverage(EmbeddedStore()).engine == "sparql"
    with pytest.raises(ValueError, match="unknown coverage engine"):
        Coverage(EmbeddedStore(), "duckdb")
    monkeypatch.setenv("EXPORTGRAPH_COVERAGE_ENGINE", "duckdb")
    assert main(["exposure", "Inspur Taiwan"]) == 2  # a bad setting is a clear error, not a traceback
    assert "EXPORTGRAPH_COVERAGE_ENGINE='duckdb'" in capsys.readouterr().err


def holdings(graph: ExportGraph, day: dt.date) -> list[str]:
    rows = graph.query("affiliates-status", as_of=day).rows
    return [r["status"] for r in rows if str(r["explanation"]).startswith("Example Holdings ")]


def test_a_store_on_disk_keeps_its_tables_until_its_data_change(store: Path, tmp_path: Path) -> None:
    """The tables saved beside a store are opened by the next use; an import renews the store's data
    stamp, after which they are read from the store again and show the new stake."""
    day = dt.date(2025, 11, 1)
    graph = ExportGraph.open(store=store)
    graph.coverage.ensure([day])
    first = graph.coverage.tables()
    assert first is not None and first.source == "store" and (store / "tables.npz").is_file()
    graph.coverage.reset()
    graph.coverage.ensure([day])
    again = graph.coverage.tables()
    assert again is not None and again.source == "file" and len(again.stakes) == len(first.stakes)
    saved = (store / "tables.npz").read_bytes()
    (store / "tables.npz").write_bytes(saved[: len(saved) // 2])  # cut short: read from the store again
    graph.coverage.reset()
    graph.coverage.ensure([day])
    assert graph.coverage.tables().source == "store"  # type: ignore[union-attr]
    assert holdings(graph, day) == []
    stakes = tmp_path / "ownership.csv"
    stakes.write_text(
        "owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"
        '"Inspur Group Co., Ltd.",holdco,60,,,2024-01-01,,test\n'
    )
    graph.import_file("csv", FIXTURES / "csv" / "parties.csv")
    graph.import_file("csv", stakes)
    graph.coverage.ensure([day])
    fresh = graph.coverage.tables()
    assert fresh is not None and fresh.source == "store" and len(fresh.stakes) == len(first.stakes) + 1
    assert holdings(graph, day) == ["covered"]


def test_a_stake_without_an_iri_goes_to_the_sparql() -> None:
    """A stake written as a blank node: the coverage graph cannot name it, the tables refuse it."""
    store = EmbeddedStore()
    data = world([], [(0, "el", None, None, ())], [], [1] * 8).decode()
    data += f"\n[] <{EG}owner> <{ID}party/p0> ; <{EG}owned> <{ID}party/p1> ; <{EG}percent> 60 ."
    store.load(data.encode(), "text/turtle")
    coverage = assert_same(store, DAYS)
    assert coverage.fallback is not None and "blank node" in coverage.fallback
