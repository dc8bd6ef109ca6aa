"""`--store DIR` and `exportgraph import`: a persistent store that an import changes whole or not at
all (a malformed file, a process killed with SIGKILL), list copies compared entry by entry, and
`changes` between two dates. The steps run the CLI's ``main`` in this process (``cli`` below: the
same code, without a Python start for each step); the first store, an import, the kills and the
lock between two processes run the real command in a process of its own, as a user would."""

from __future__ import annotations

import contextlib
import gc
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import cli as process
from conftest import info as process_info

from exportgraph import ExportGraph
from exportgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
COPIES = FIXTURES / "entity-list"
MARCH_2025 = {
    "Beijing Academy of Artificial Intelligence",
    "Inspur Taiwan",
    "Nettrix Information Industry Co., Ltd.",
    "Suma Techology Co., Ltd.",
    "Inspur Electronic Information Industry Co., Ltd.",
}


@dataclass(frozen=True)
class Done:
    """What a CLI call gave, as ``subprocess.run`` reports it."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Done:
    """``exportgraph ARGS`` run by the CLI's ``main`` in this process, its output captured; the
    store's lock goes with the graph that held it (collected before the next step opens the store)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    gc.collect()
    return Done(code, out.getvalue(), err.getvalue())


def info(store: Path) -> dict:
    done = cli("info", "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_new_store_holds_the_bundled_graph_and_reopens_as_it_was(template, bundled):
    first = process_info(template)  # the installed command, in a process of its own
    assert {k: v for k, v in first.items() if k != "triples"} == {
        k: v for k, v in {**bundled.info(), "currency": bundled.currency()}.items() if k != "triples"
    }
    assert info(template) == first  # in this process: the same
    done = cli("info", "--store", str(template), "--data", str(FIXTURES / "world.ttl"))
    assert done.returncode == 2 and "exportgraph import" in done.stderr


def test_list_copies_before_and_after_march_2025(store, capsys):
    done = process(
        "import",
        "entity-list",
        str(COPIES / "before.json"),
        "--store",
        str(store),
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    before = json.loads(done.stdout)
    assert before["status"] == "imported" and before["read"] == 150 and before["added"] == 0
    # the bundled copy (July 2026) had more: entries not in this copy are kept, removed on its date;
    # parties listed under several countries lose the addresses of the entries this copy lacks
    assert before["removed"] > 3000
    changed = [c for c in before["changes"] if c["what"] == "changed"]
    assert changed and all(d.startswith("- ") for c in changed for d in c["details"])
    done = cli(
        "import",
        "entity-list",
        str(COPIES / "after.json"),
        "--store",
        str(store),
        "--as-of",
        "2025-04-01",
        "--format",
        "json",
    )
    after = json.loads(done.stdout)
    added = {c["name"] for c in after["changes"] if c["what"] == "added"}
    assert len(added) == 12 and MARCH_2025 <= added
    assert {c["what"] for c in after["changes"]} == {"added"}
    # the same copy again: nothing changes, nothing is written
    again = json.loads(
        cli("import", "entity-list", str(COPIES / "after.json"), "--store", str(store), "--format", "json").stdout
    )
    assert again["status"] == "unchanged" and again["changes"] == []
    # changes between two dates, with the citation
    assert (
        main(
            [
                "changes",
                "--list",
                "entity-list",
                "--since",
                "2025-03-01",
                "--until",
                "2025-03-31",
                "--store",
                str(store),
                "--format",
                "json",
            ]
        )
        == 0
    )
    found = json.loads(capsys.readouterr().out)
    march = {r["name"]: r for r in found["added"]}
    assert MARCH_2025 <= set(march) and march["Inspur Taiwan"]["citation"] == "90 FR 14048"
    # what was imported is checked and screened like the bundled graph
    graph = ExportGraph.open(store=store)
    assert graph.screen(["Inspur Taiwan"])[0].matches[0].name == "Inspur Taiwan"
    [record] = graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?i a eg:Import }")
    assert record["n"] == 2  # two imports that changed the store; the unchanged one left no record


def test_a_malformed_copy_imports_nothing(store):
    before = info(store)
    done = cli("import", "entity-list", str(COPIES / "unknown-country.json"), "--store", str(store))
    assert done.returncode == 2
    assert "unknown-country.json" in done.stderr and "Atlantis" in done.stderr
    assert info(store) == before
    done = cli("import", "entity-list", str(FIXTURES / "world.ttl"), "--store", str(store))
    assert done.returncode == 2 and "not an nsfreg list file" in done.stderr
    assert cli("import", "entity-list", "no-such-file.json", "--store", str(store)).returncode == 2
    assert cli("import", "entity-list", str(COPIES / "after.json")).returncode == 2  # no --store
    doc = json.loads((COPIES / "after.json").read_text())
    for broken, says in (
        ({**doc, "entities": []}, "holds 0"),  # the count says otherwise: cut short
        ({**doc, "entities": [], "count": 0}, "no records"),  # an empty list would take every entry off
        ({**doc, "entities": doc["entities"][:3] + [{"name": 42}], "count": 4}, "entities[3]"),
        ({**doc, "entities": [{**doc["entities"][0], "country": None}], "count": 1}, "without a country"),
        ({**doc, "entities": [{**doc["entities"][0], "effective_date": "2025-02-30"}], "count": 1}, "not a date"),
        (doc["entities"], "not an nsfreg list file"),
    ):
        bad = store.parent / "broken.json"
        bad.write_text(json.dumps(broken))
        done = cli("import", "entity-list", str(bad), "--store", str(store))
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert info(store) == before


def test_ftm_entities_ownership_and_sanctions(store):
    done = cli("import", "ftm", str(FIXTURES / "ftm" / "ownership.ftm.json"), "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["read"] == 7 and s["skipped"] == {
        "sanction without an entity or on a list the ontology does not have": 1,
        "schema Vessel is not imported": 1,
    }
    done = cli(
        "import",
        "ftm",
        str(FIXTURES / "ftm" / "eu_fsf_sample.entities.ftm.json"),
        "--store",
        str(store),
        "--format",
        "json",
    )
    assert done.returncode == 0 and json.loads(done.stdout)["read"] == 7
    graph = ExportGraph.open(store=store)
    # the 60% stake of a party put on the Entity List makes its subsidiary covered by the 50% rule
    e = graph.exposure("Test Subsidiary Trading Ltd.", as_of=__import__("datetime").date(2025, 10, 1))
    assert [o.percent for o in e.owners] == [60] and e.affiliates_rule.status == "covered"
    [r] = graph.screen(["TST Trading"])
    assert r.matches and r.matches[0].name == "Test Subsidiary Trading Ltd."
    assert graph.screen(["Inter Tobacco"])[0].matches  # an entity of the OpenSanctions sample
    # a newer copy of the same file replaces it: what it no longer says is gone
    del graph
    __import__("gc").collect()
    newer = store.parent / "ownership.ftm.json"
    newer.write_text((FIXTURES / "ftm" / "ownership.ftm.json").read_text().replace('"TST Trading"', '"TST Trade"'))
    assert cli("import", "ftm", str(newer), "--store", str(store)).returncode == 0
    graph = ExportGraph.open(store=store)
    assert graph.store.ask('ASK { ?p eg:alias "TST Trade" }')
    assert not graph.store.ask('ASK { ?p eg:alias "TST Trading" }')
    assert graph.query("chips").rows == ExportGraph.open().query("chips").rows  # each fact once
    # two FtM files are two sources, both kept; each a source graph of its own
    assert graph.store.ask('ASK { ?p eg:name "Test Parent Holdings Ltd." }')
    assert len([g for g in graph.store.graphs() if "/graph/source/ftm-" in g]) == 2


def test_facts_derived_from_removed_data_go_with_it(store, tmp_path):
    """A newer copy without a stake takes the subsidiary link and the ultimate parent derived from
    it away too; what the sources assert (the bundled graph's own links) stays."""
    lines = (FIXTURES / "ftm" / "ownership.ftm.json").read_text().splitlines()
    first = tmp_path / "group.ftm.json"
    first.write_text("\n".join(line.replace(', "startDate": ["2025-01-01"]', "") for line in lines) + "\n")
    assert cli("import", "ftm", str(first), "--store", str(store)).returncode == 0
    ask = 'ASK { ?s eg:name "Test Subsidiary Trading Ltd." ; eg:subsidiaryOf/eg:name "Test Parent Holdings Ltd." }'
    graph = ExportGraph.open(store=store)
    assert graph.store.ask(ask)  # an undated 60% stake: a subsidiary link, derived
    assert graph.entity("Test Subsidiary Trading Ltd.").ultimate_parent == "Test Parent Holdings Ltd."
    bundled_links = graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a eg:subsidiaryOf ?b }")[0]["n"]
    del graph
    __import__("gc").collect()
    first.write_text("\n".join(line for line in lines if '"Ownership"' not in line) + "\n")
    done = cli("import", "ftm", str(first), "--store", str(store))
    assert done.returncode == 0, done.stderr
    graph = ExportGraph.open(store=store)
    assert not graph.store.ask(ask)
    assert graph.entity("Test Subsidiary Trading Ltd.").ultimate_parent is None
    assert graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a eg:subsidiaryOf ?b }")[0]["n"] == bundled_links - 1
    assert graph.entity("Inspur Taiwan").ultimate_parent == "Inspur Group Co., Ltd."  # the bundled links stay


def test_the_derived_properties_cleared_are_those_the_derivations_insert():
    """clear-derived.ru names exactly the properties that queries/derive/*.ru insert."""
    import re

    from exportgraph import paths

    inserted = {
        m
        for f in (paths.QUERIES / "derive").glob("*.ru")
        for m in re.findall(r"INSERT \{[^}]*?\?\w+ (eg:\w+) \?\w+", f.read_text())
    }
    clear = (paths.QUERIES / "imports" / "clear-derived.ru").read_text()
    values = clear[clear.index("VALUES") :]
    listed = set(re.findall(r"eg:\w+", values[: values.index("}")]))
    assert inserted and inserted == listed


def test_malformed_ftm_lines_name_the_line(store, tmp_path):
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A Co"]}}\n{not json\n')
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "bad.ftm.json:2" in done.stderr
    bad.write_text(
        '{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "percentage": ["150"]}}\n'
    )
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "between 0 and 100" in done.stderr
    for line, says in (
        ('{"id": "a", "schema": "Company", "properties": {"name": "Acme Widgets"}}', "'name'"),
        ('{"id": "a", "schema": "Company", "properties": {"name": [null]}}', "'name'"),
        ('{"id": "a", "schema": ["Company"], "properties": {}}', "FollowTheMoney entity"),
        ('{"id": "a", "schema": "Address"}', "FollowTheMoney entity"),
        ('{"id": 7, "schema": "Ownership", "properties": {}}', "FollowTheMoney entity"),
        ('{"id": "o", "schema": "Ownership", "properties": {"owner": [{"id": "x"}]}}', "'owner'"),
    ):
        bad.write_text(line + "\n")
        done = cli("import", "ftm", str(bad), "--store", str(store))
        assert done.returncode == 2 and says in done.stderr and "bad.ftm.json:1" in done.stderr, done.stderr
    bad.write_bytes('{"id": "a", "schema": "Company", "properties": {"name": ["Caf\u00e9"]}}\n'.encode("latin-1"))
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "not UTF-8" in done.stderr


def test_csl_json_and_csv_say_the_same(store, tmp_path):
    done = cli("import", "csl", str(FIXTURES / "csl" / "consolidated.json"), "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    from_json = json.loads(done.stdout)
    assert from_json["read"] == 3 and from_json["skipped"] == {"vessel records are not imported": 1}
    assert {c["name"] for c in from_json["changes"]} == {"Inspur Taiwan", "ADT ANALOG AND DIGITAL TECHNIK"}
    # the CSV form of the same records replaces the JSON copy: no entry changes (only the file's name)
    done = cli("import", "csl", str(FIXTURES / "csl" / "consolidated.csv"), "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    from_csv = json.loads(done.stdout)
    assert (from_csv["added"], from_csv["removed"], from_csv["changed"]) == (0, 0, 0)
    assert from_csv["triples"] == from_json["triples"]
    graph = ExportGraph.open(store=store)
    rows = graph.store.select(
        "SELECT ?list ?label ?cite ?added WHERE { ?e eg:party ?p ; eg:onList ?l ; eg:dateAdded ?added ; "
        "eg:citation/rdfs:label ?cite . ?l eg:shortName ?list ; rdfs:label ?label . "
        "FILTER(CONTAINS(STR(?e), '/csl-')) }"
    )
    by_list = {r["list"]: r for r in rows}
    assert by_list["entity-list"]["cite"] == "90 FR 14048" and str(by_list["entity-list"]["added"]) == "2025-03-25"
    assert by_list["csl-dpl"]["label"] == "Denied Persons List (DPL) - Bureau of Industry and Security"
    [r] = graph.screen(["ADT Analog and Digital Technik"])
    assert r.matches and "csl-dpl" in {li.list for li in r.matches[0].lists}
    assert graph.entity("Inspur Taiwan").countries == ("TW",)


def test_malformed_csl_files(store, tmp_path):
    before = info(store)
    bad = tmp_path / "short.csv"
    bad.write_text("_id,source,name\n1,Entity List (EL) - Bureau of Industry and Security,X Co\n")
    done = cli("import", "csl", str(bad), "--store", str(store))
    assert done.returncode == 2 and "no column start_date" in done.stderr
    bad.write_text("source,name,start_date\nEntity List (EL) - BIS,X Co,2025-01-01,extra\n")
    done = cli("import", "csl", str(bad), "--store", str(store))
    assert done.returncode == 2 and "short.csv:2" in done.stderr and "columns" in done.stderr
    bad.write_text("source,name,start_date\nEntity List (EL) - BIS,X Co,2025-13-45\n")
    done = cli("import", "csl", str(bad), "--store", str(store))
    assert done.returncode == 2 and "start_date" in done.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [{"name": "A", "source": "Entity List (EL)"}, {"name": ')
    done = cli("import", "csl", str(broken), "--store", str(store))
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    assert info(store) == before


def test_user_csvs_imported_one_by_one(store):
    """Ids from a parties file imported earlier are known to an ownership file imported later."""
    for name in ("parties", "ownership", "listings"):
        done = cli("import", "csv", str(FIXTURES / "csv" / f"{name}.csv"), "--store", str(store), "--format", "json")
        assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["read"] == 1 and s["added"] == 1
    graph = ExportGraph.open(store=store)
    memory = ExportGraph.open([FIXTURES / "csv" / f"{n}.csv" for n in ("parties", "ownership", "listings")])
    day = __import__("datetime").date(2025, 11, 1)
    for party in ("Example Holdings", "Example Trading (HK) Ltd"):
        stored, loaded = graph.exposure(party, day), memory.exposure(party, day)
        assert [(o.party, o.percent, o.percent_min) for o in stored.owners] == [
            (o.party, o.percent, o.percent_min) for o in loaded.owners
        ]
        assert stored.affiliates_rule.status == loaded.affiliates_rule.status
    # an import's record is provenance itself: the data-quality queries do not ask it for a source
    assert graph.store.ask('ASK { ?i a eg:Import ; eg:fileName "parties.csv" }')
    assert not [e for e in graph.hygiene() if "/id/import/" in e]
    assert graph.store.ask('ASK { ?i a eg:Import ; eg:fileName "listings.csv" }')
    done = process("import", "csv", str(FIXTURES / "csv" / "bad-party.csv"), "--store", str(store))
    assert done.returncode == 2 and "open in another process" in done.stderr  # one process at a time
    del graph
    __import__("gc").collect()
    done = cli("import", "csv", str(FIXTURES / "csv" / "bad-party.csv"), "--store", str(store))
    assert done.returncode == 2 and "bad-party.csv" in done.stderr


def test_dump_writes_what_queries_see_for_a_servers_bulk_loader(store, tmp_path):
    """`exportgraph dump` (N-Quads, streamed): the imported data and derived facts, each once, and
    none of the per-source copies; a file a SPARQL server's bulk loader reads as it is."""
    import pyoxigraph as ox

    done = cli("import", "csv", str(FIXTURES / "csv" / "parties.csv"), "--store", str(store))
    assert done.returncode == 0, done.stderr
    out = tmp_path / "all.nq"
    done = cli("dump", "-o", str(out), "--store", str(store))
    assert done.returncode == 0, done.stderr
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert not [g for g in graphs if "/graph/source/" in g or g.endswith("/graph/meta")]
    names = [q for q in quads if q.predicate.value.endswith("#name") and q.object.value == "Example Trading (HK) Ltd"]
    assert len(names) == 1
    assert any(q.predicate.value.endswith("#ultimateParent") for q in quads)  # derived facts too
    for bad in (tmp_path / "missing" / "all.nq", tmp_path):
        done = cli("dump", "-o", str(bad), "--store", str(store))
        assert done.returncode == 2 and "-o" in done.stderr and "Traceback" not in done.stderr, done.stderr
    done = cli("info", "-o", str(tmp_path / "missing" / "info.txt"), "--store", str(store))
    assert done.returncode == 2 and "Traceback" not in done.stderr


# -- numbers that are not finite (issue 19) ---------------------------------------------------------


def test_imports_refuse_percentages_that_are_not_finite(store, tmp_path):
    """FtM and BODS percentages of NaN or infinity, and a user CSV's, stop the import naming the place
    (exit 2, no traceback), and nothing is imported."""
    from exportgraph.errors import InputError
    from exportgraph.sources import bods, ftm

    ownership = (
        '{{"id": "o", "schema": "Ownership", "properties": {{"owner": ["a"], "asset": ["b"], "percentage": ["{}"]}}}}\n'
    )
    bad = tmp_path / "bad.ftm.json"
    for value in ("NaN", "nan", "inf", "-Infinity", "NaN%"):
        bad.write_text(ownership.format(value))
        with pytest.raises(InputError) as raised:
            list(ftm.read(bad, {"CN"}))
        assert "bad.ftm.json:1 column 'percentage'" in str(raised.value) and "not a finite number" in str(raised.value)
    entity = {"statementID": "fixture-entity-a", "statementType": "entityStatement", "name": "A"}
    stake = {
        "statementID": "fixture-ownership-0000000000000000000001",
        "statementType": "ownershipOrControlStatement",
        "subject": {"describedByEntityStatement": "fixture-entity-a"},
        "interestedParty": {"describedByEntityStatement": "fixture-entity-b"},
    }
    lines = tmp_path / "bad.jsonl"
    for value in (float("nan"), float("inf"), float("-inf")):  # JSON Lines as Python writes them: NaN, Infinity
        lines.write_text(
            json.dumps(entity) + "\n" + json.dumps({**stake, "interests": [{"share": {"exact": value}}]}) + "\n"
        )
        with pytest.raises(InputError) as raised:
            list(bods.read(lines, {"CN"}))
        assert "bad.jsonl:2" in str(raised.value) and "is not a finite number" in str(raised.value)
    before = info(store)
    bad.write_text(ownership.format("NaN"))
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "bad.ftm.json:1 column 'percentage': 'NaN' is not a finite number" in done.stderr
    assert "Traceback" not in done.stderr
    own = tmp_path / "own.csv"
    own.write_text(
        "owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"
        '"Inspur Group Co., Ltd.",Inspur Taiwan,40,,,,,\n"Inspur Group Co., Ltd.",Inspur Taiwan,,-inf,,,,\n'
    )
    done = cli("import", "csv", str(own), "--store", str(store))
    assert done.returncode == 2 and "own.csv:3 column 'percent_min': '-inf' is not a finite number" in done.stderr
    assert "Traceback" not in done.stderr
    assert info(store) == before


def test_import_from_standard_input_is_refused(store, capsys):
    assert main(["import", "entity-list", "-", "--store", str(store)]) == 2
    assert "save standard input to a file" in capsys.readouterr().err
