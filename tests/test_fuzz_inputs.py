"""Hostile input, continued from ``test_fuzz.py`` (the readers' own fuzzing, whose generators and
helpers this module uses): a malformed file imports nothing, ``--as-of`` and dates, names given to
``screen``, and names and query parameters bound as terms, never read as SPARQL. A module of its
own so that the two halves run on the two workers side by side (``--dist loadfile``).
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
from conftest import cli
from hypothesis import example, given
from hypothesis import strategies as st
from test_fuzz import (
    BATCH,
    EXAMPLES,
    FILE_NAMES,
    FIXTURES,
    NASTY,
    Junk,
    _small_entity_list,
    fuzz,
    hostile_file,
    put,
    read_all,
    valid_seeds,
)

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.dates import parse_date
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


# -- 3. --as-of and dates -------------------------------------------------------------------------------

ISO_DAY = re.compile(r"[0-9]{4}-?(?:[0-9]{2}-?[0-9]{2}|W[0-9]{2}(?:-?[0-9])?)")


@fuzz(max(EXAMPLES // 4, 1))
@given(st.text() | st.sampled_from(NASTY))
@example("2025-03-25")
@example(" 2025-03-25\n")
@example("2025-02-29")
@example("\ud800")
@example("2025-03-25\x00")
def test_parse_date_gives_a_date_or_a_clear_error(text):
    try:
        day = parse_date(text, source="--as-of")
    except InputError as exc:
        assert str(exc).startswith("--as-of: ") and "YYYY-MM-DD" in str(exc)
        return
    assert ISO_DAY.fullmatch(text.strip()), text  # YYYY-MM-DD, or ISO's other forms of a day (20250325, 2025-W13-2)
    assert parse_date(day.isoformat()) == day


@fuzz(max(EXAMPLES // 10, 1))
@given(st.dates(), st.sampled_from(["", " ", "\t", "\n"]))
def test_iso_dates_round_trip(day, space):
    assert parse_date(space + day.isoformat() + space) == day


@pytest.mark.parametrize("bad", ["2025-13-45", "\x00", "' OR 1=1 --", "99999-01-01", "2025-02-30", "\ud800", ""])
def test_a_bad_as_of_exits_2_naming_it(bad, capsys):
    with pytest.raises(SystemExit) as done:
        main(["entity", "Inspur Taiwan", "--as-of", bad])
    assert done.value.code == 2 and "--as-of" in capsys.readouterr().err


def test_a_bad_as_of_in_a_real_process():
    done = cli("exposure", "Inspur Taiwan", "--as-of", "2025-02-30")
    assert done.returncode == 2 and "--as-of" in done.stderr and "'2025-02-30' is not a date" in done.stderr
    assert "Traceback" not in done.stderr


# -- 4. names given to screen -------------------------------------------------------------------------

INJECTIONS = [
    'x" } ; DROP ALL ; #',
    '") } UNION { ?s ?p ?o } #',
    "<http://evil>",
    '\\" . ?s ?p ?o . FILTER("',
    "' OR 1=1 --",
    '"""',
    "\u0000",
    "\\",
    '"',
    "'",
    "}",
    "{",
    "#",
    "?s",
    "$p",
    "\\u0022",
    "%22",
    '" ; CLEAR DEFAULT ; "',
    "x' } DELETE WHERE { ?s ?p ?o } #",
    "]]>",
    "\n} INSERT DATA { <a> <b> <c> } #\n",
    ".*",
    "(?i).*",
    "https://w3id.org/exportgraph/id/party/inspur-taiwan> . ?s ?p ?o . <x",
    "http://evil> } ; DROP ALL ; #",
]
names = st.one_of(
    st.text(max_size=60),
    st.sampled_from(INJECTIONS + NASTY),
    st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.sampled_from("ab }\"'#\\\n"),
        max_size=10,
    ),
    st.text(alphabet=st.sampled_from("\"'{}<>#?;\\\n\t ."), min_size=1, max_size=40),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "\u6d6a", '"', "} "]), st.integers(1000, 5000)),
)


@fuzz(max(EXAMPLES // 5, 1))
@given(st.lists(names, min_size=1, max_size=BATCH))
def test_screen_answers_any_name(bundled, batch):
    """Names given to ``screen`` as the CLI gives them (``--name`` once or more: dicts), or one
    name as a string: a result for each (the input as given, every match scored at least the
    threshold), or a clear error: a blank name, or one name ending in .csv, which is taken for a
    names file that is not there."""
    inputs = batch[0] if len(batch) == 1 else [{"name": n} for n in batch]
    try:
        results = bundled.screen(inputs, as_of=dt.date(2025, 10, 1))
    except InputError:
        assert any(not n.strip() for n in batch) or (len(batch) == 1 and batch[0].strip().lower().endswith(".csv"))
        return
    assert [r.input.name for r in results] == [n.strip() for n in batch]
    assert all(
        m.score >= 90 and m.party.startswith("https://w3id.org/exportgraph/id/") for r in results for m in r.matches
    )


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
