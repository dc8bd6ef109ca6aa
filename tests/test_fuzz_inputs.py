"""Hostile input, continued from ``test_fuzz.py`` (the readers' own fuzzing, whose generators and
helpers this module uses): a malformed file imports nothing, and names and query parameters are bound as
terms, never read as SPARQL. A module of its own so that ``--dist loadfile`` can spread the fuzz
tests over the two workers (``test_fuzz_names.py`` has dates and names given to ``screen``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import json
import re
from pathlib import Path

import pytest
from test_fuzz import (
    FILE_NAMES,
    FIXTURES,
    INJECTIONS,
    Junk,
    _small_entity_list,
    hostile_file,
    put,
    read_all,
    valid_seeds,
)

from exportgraph import ExportGraph
from exportgraph.errors import AmbiguousError, InputError, NotFoundError
from exportgraph.imports import READERS

# -- 2. a malformed file imports nothing --------------------------------------------------------------


def fingerprint(graph: ExportGraph) -> tuple[int, str]:
    """How many quads the store holds and their hash: every quad (bookkeeping, source copies and
    import records included) but those of the transient graphs that queries fill for a date (the
    50% rule, orders being checked)."""
    from exportgraph.store.embedded import TRANSIENT_GRAPHS

    transient = tuple(f"<{g}> .".encode() for g in TRANSIENT_GRAPHS)
    lines = sorted(
        line for line in graph.store.dump("application/n-quads").splitlines() if not line.endswith(transient)
    )
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


COMPACTED = re.compile(r"[0-9]+\.sst|MANIFEST-[0-9]+|OPTIONS-[0-9]+|LOG(\.old\.[0-9]+)?|CURRENT|IDENTITY|LOCK")


def store_files(store: Path) -> dict[str, int]:
    """The sizes of the store's write-ahead log and of any file that is not RocksDB's own: a write
    of any kind grows the log, and a first copy's triples wait in a file of their own. (The files
    that RocksDB compacts in the background are left out.) Cheaper than a fingerprint per file."""
    return {p.name: p.stat().st_size for p in store.iterdir() if not COMPACTED.fullmatch(p.name)}


def late_failures(kind: str) -> list[bytes]:
    """Files that go wrong only at their end, after every record before has been read."""
    if kind == "entity-list":
        doc = json.loads(_small_entity_list())
        bad = [
            {**doc, "entities": doc["entities"] + [extra], "count": 4}
            for extra in (
                {"name": "X", "country": "Atlantis"},
                {"name": 42},
                {"name": "X"},
                None,
                {"name": "X", "country": "China", "effective_date": "2025-02-30"},
            )
        ]
        return [json.dumps(b).encode() for b in bad] + [json.dumps({**doc, "entities": [], "count": 0}).encode()]
    if kind == "csl":
        data = (FIXTURES / "csl" / "consolidated.csv").read_bytes()
        return [
            data + b"x,Entity List (EL),,,,Late Co,,,,2025-13-45\n",
            data + b"\xff\n",
            (FIXTURES / "csl" / "consolidated.json").read_bytes()[:-10],
        ]
    if kind == "ftm":
        data = (FIXTURES / "ftm" / "ownership.ftm.json").read_bytes()
        return [
            data + b'{"id": "late", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], '
            b'"percentage": ["150"]}}\n',
            data + b"{not json\n",
            data + b'{"id": "x\\ud800", "schema": "Company", "properties": {"name": ["\\ud800"]}}\n',
        ]
    if kind == "csv":
        return [
            (FIXTURES / "csv" / "parties.csv").read_bytes() + b"late,Late Co,ZZ,,company\n",
            b"party,list,date_added,date_removed,citation\nInspur Taiwan,entity-list,2025-03-25,,90 FR 1\n"
            b"No Such Party Anywhere Ltd,entity-list,2025-03-25,,90 FR 1\n",
        ]
    return []


def test_a_malformed_file_imports_nothing(store, fuzz_dir, rule_pages_once, memory_cap):
    """Through ``imports.run`` on a persistent store: after each InputError nothing was written
    (the store's files, its named graphs), and after them all the store holds every quad it held
    (the bookkeeping included). Files that fail at their end, and generated ones that fail, for
    every kind."""
    from exportgraph.imports import run

    graph = ExportGraph.open(store=store)
    before, graphs, on_disk = fingerprint(graph), graph.store.graphs(), store_files(store)
    failed = 0
    for kind in sorted(READERS):
        path = fuzz_dir / ("import-" + FILE_NAMES.get(kind, f"fuzz-{kind}.json"))
        files, seed = late_failures(kind), 0
        valid = valid_seeds(kind, path, graph)
        while len(files) < 20 and seed < 2000:  # generated files that the reader turns away
            data, seed = hostile_file(kind, Junk(seed), valid), seed + 1
            put(path, data)
            if isinstance(read_all(kind, path, graph), InputError):
                files.append(data)
        for data in files:
            put(path, data)
            with pytest.raises(InputError) as caught:
                run(graph, kind, path, as_of=dt.date(2026, 1, 1))
            assert str(path) in str(caught.value)
            assert store_files(store) == on_disk and graph.store.graphs() == graphs, (kind, data[:300])
            failed += 1
    assert failed >= 80
    assert fingerprint(graph) == before


# -- 5. names and query parameters are bound, never formatted into SPARQL -------------------------------


def _inert(call, payload: str):
    """The call's answer to an injected string: a clear error, or what the call found."""
    try:
        return call(payload)
    except (NotFoundError, AmbiguousError, InputError) as exc:
        assert "syntax" not in str(exc).lower(), exc  # the string never reached a parser
        return exc


BENIGN = {
    "string": "zzz-no-such-thing",
    "iri": "https://w3id.org/exportgraph/id/zzz-no-such-thing",
    "date": dt.date(2025, 10, 1),
    "integer": 1,
    "decimal": 1,
}


def test_injected_names_and_parameters_are_inert(store):
    """On a persistent store: each string, as a name (entity, exposure, resolve, item, screen) and
    as every parameter of every named query, is a clear error or finds what holds it literally
    (a query's rows are those of a value that matches nothing); the store is unchanged after."""
    from exportgraph.check import _key

    graph = ExportGraph.open(store=store)
    day = dt.date(2025, 10, 1)
    before, known = fingerprint(graph), graph.entity("Inspur Taiwan", day)
    params = [
        (name, p) for name, q in sorted(graph.queries.items()) if "CONSTRUCT" not in q.text for p in q.params
    ]  # (export/describe, a CONSTRUCT, is run by export)
    assert len(params) > 30

    @functools.cache
    def baseline(name: str) -> list:  # the query's rows for values that match nothing
        return graph.run_query(name, {p.name: BENIGN[p.type] for p in graph.queries[name].params}).rows

    def holds(ent, payload: str) -> bool:
        return any(payload.lower() in n.lower() for n in (ent.name, *ent.aliases))

    for i, payload in enumerate(INJECTIONS):
        found = _inert(lambda p: graph.entity(p, day), payload)
        assert isinstance(found, Exception) or holds(found, payload), (payload, found)
        if i < 8:  # (exposure looks the name up as entity does; a few of them suffice)
            found = _inert(lambda p: graph.exposure(p, day), payload)
            assert isinstance(found, Exception) or holds(found.entity, payload), (payload, found)
        item = _inert(graph.item, payload)
        assert isinstance(item, Exception) or _key(payload) in _key(item.name), (payload, item)
        [screened] = graph.screen([payload], as_of=day)
        assert all(m.score >= 90 for m in screened.matches)
        assert graph.store.select("SELECT ?n WHERE { ?p eg:name ?n FILTER(?n = ?x) }", {"x": payload}) == []
        assert graph.store.ask("ASK { ?p eg:name|eg:alias ?x }", {"x": payload}) is False
        for name, param in params:  # every parameter of every named query, the others harmless
            q = graph.queries[name]
            values = {p.name: BENIGN[p.type] for p in q.params} | {param.name: payload}
            found = _inert(lambda _, name=name, values=values: graph.run_query(name, values), payload)
            if param.type in ("date", "integer", "decimal", "iri") and not payload.startswith("http"):
                assert isinstance(found, InputError), (name, param.name, payload)
            elif param.name == "query":  # a name to look up: what it finds holds the text
                assert all(payload.lower() in str(r["matched"]).lower() for r in found.rows), (name, payload)
            else:
                assert isinstance(found, InputError) or found.rows == baseline(name), (name, param.name, payload)
    assert fingerprint(graph) == before
    assert graph.entity("Inspur Taiwan", day) == known


def test_an_injected_string_as_a_name_in_the_data_is_found_literally(store, tmp_path):
    """The positive control: the same strings, as parties' names in an imported parties CSV, are
    found by ``entity`` and ``search-party`` exactly as written: they are matched as literals."""
    payloads = [p for p in INJECTIONS if p.strip() and not p.startswith(("http://", "https://"))]
    path = tmp_path / "parties.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country", "aliases", "kind"])
        w.writerows([f"inj-{i}", p.strip(), "DE", "", "company"] for i, p in enumerate(payloads))
    graph = ExportGraph.open(store=store)
    graph.import_file("csv", path, as_of=dt.date(2026, 1, 1))
    from exportgraph.ids import user_party

    for i, payload in enumerate(payloads):
        ent = graph.entity(payload.strip())
        assert (ent.iri, ent.name, ent.countries) == (str(user_party(f"inj-{i}")), payload.strip(), ("DE",))
        assert str(user_party(f"inj-{i}")) in {
            str(r["party"]) for r in graph.query("search-party", query=payload.strip()).rows
        }
