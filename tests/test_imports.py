"""`--store DIR` and `exportgraph import`: a persistent store that an import changes whole or not at
all (a malformed file, a process killed with SIGKILL), list copies compared entry by entry, and
`changes` between two dates. Most steps run the real CLI in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exportgraph import ExportGraph
from exportgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
COPIES = FIXTURES / "entity-list"
MARCH_2025 = {"Beijing Academy of Artificial Intelligence", "Inspur Taiwan", "Nettrix Information Industry Co., Ltd.",
              "Suma Techology Co., Ltd.", "Inspur Electronic Information Industry Co., Ltd."}


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exportgraph", *args], capture_output=True, text=True,
                          timeout=timeout)


def info(store: Path) -> dict:
    done = cli("info", "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A store initialised once (ontology, bundled graph, derived facts); tests copy it."""
    store = tmp_path_factory.mktemp("template") / "store"
    info(store)
    return store


@pytest.fixture
def store(template, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(template, copy)
    return copy


def test_a_new_store_holds_the_bundled_graph_and_reopens_as_it_was(template, bundled):
    first = info(template)
    assert {k: v for k, v in first.items() if k != "triples"} == \
        {k: v for k, v in bundled.info().items() if k != "triples"}
    assert info(template) == first
    done = cli("info", "--store", str(template), "--data", str(FIXTURES / "world.ttl"))
    assert done.returncode == 2 and "exportgraph import" in done.stderr


def test_list_copies_before_and_after_march_2025(store, capsys):
    done = cli("import", "entity-list", str(COPIES / "before.json"), "--store", str(store), "--as-of", "2025-03-01",
               "--format", "json")
    assert done.returncode == 0, done.stderr
    before = json.loads(done.stdout)
    assert before["status"] == "imported" and before["read"] == 150 and before["added"] == 0
    # the bundled copy (July 2026) had more: entries not in this copy are kept, removed on its date;
    # parties listed under several countries lose the addresses of the entries this copy lacks
    assert before["removed"] > 3000
    changed = [c for c in before["changes"] if c["what"] == "changed"]
    assert changed and all(d.startswith("- ") for c in changed for d in c["details"])
    done = cli("import", "entity-list", str(COPIES / "after.json"), "--store", str(store), "--as-of", "2025-04-01",
               "--format", "json")
    after = json.loads(done.stdout)
    added = {c["name"] for c in after["changes"] if c["what"] == "added"}
    assert len(added) == 12 and MARCH_2025 <= added
    assert {c["what"] for c in after["changes"]} == {"added"}
    # the same copy again: nothing changes, nothing is written
    again = json.loads(cli("import", "entity-list", str(COPIES / "after.json"), "--store", str(store),
                           "--format", "json").stdout)
    assert again["status"] == "unchanged" and again["changes"] == []
    # changes between two dates, with the citation
    assert main(["changes", "--list", "entity-list", "--since", "2025-03-01", "--until", "2025-03-31",
                 "--store", str(store), "--format", "json"]) == 0
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
    assert info(store) == before


def _big_copy(path: Path, n: int) -> None:
    doc = json.loads((COPIES / "after.json").read_text())
    doc["entities"] = [{"name": f"Synthetic Test Company {i}", "aliases": [], "country": "China",
                        "address": f"{i} Test Road, Beijing, China", "federal_register": "90 FR 14048, 3/28/25",
                        "notes": "For all items subject to the EAR."} for i in range(n)]
    path.write_text(json.dumps(doc))


def _kill_when(store: Path, copy: Path, phase: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "import", "entity-list", str(copy),
                             "--store", str(store)], stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    assert proc.stderr is not None
    for line in proc.stderr:
        if phase in line:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"


def test_an_import_killed_with_sigkill_leaves_the_store_as_it_was(store, tmp_path):
    copy = tmp_path / "big.json"
    _big_copy(copy, 4000)
    before = info(store)
    _kill_when(store, copy, "reading")  # while it reads the file
    assert info(store) == before
    _kill_when(store, copy, "writing")  # while it writes: before its one commit, or after it
    now = info(store)
    assert now == before or now["entityListEntries"] == before["entityListEntries"] + 4000
    graph = ExportGraph.open(store=store)  # no half-written generation is left in the store
    sources = [g for g in graph.store.graphs() if "/graph/source/entity-list/" in g]
    assert len(sources) == 1


def test_ftm_entities_ownership_and_sanctions(store):
    done = cli("import", "ftm", str(FIXTURES / "ftm" / "ownership.ftm.json"), "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["read"] == 7 and s["skipped"] == {
        "sanction without an entity or on a list the ontology does not have": 1, "schema Vessel is not imported": 1}
    done = cli("import", "ftm", str(FIXTURES / "ftm" / "eu_fsf_sample.entities.ftm.json"), "--store", str(store),
               "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["read"] == 7
    graph = ExportGraph.open(store=store)
    # the 60% stake of a party put on the Entity List makes its subsidiary covered by the 50% rule
    e = graph.exposure("Test Subsidiary Trading Ltd.", as_of=__import__("datetime").date(2025, 10, 1))
    assert [o.percent for o in e.owners] == [60] and e.affiliates_rule.status == "covered"
    [r] = graph.screen(["TST Trading"])
    assert r.matches and r.matches[0].name == "Test Subsidiary Trading Ltd."
    assert graph.screen(["Inter Tobacco"])[0].matches  # an entity of the OpenSanctions sample
    # two FtM files are two sources, both kept; each a source graph of its own
    assert graph.store.ask("ASK { ?p eg:name \"Test Parent Holdings Ltd.\" }")
    assert len([g for g in graph.store.graphs() if "/graph/source/ftm-" in g]) == 2


def test_malformed_ftm_lines_name_the_line(store, tmp_path):
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A Co"]}}\n{not json\n')
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "bad.ftm.json:2" in done.stderr
    bad.write_text('{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], '
                   '"percentage": ["150"]}}\n')
    done = cli("import", "ftm", str(bad), "--store", str(store))
    assert done.returncode == 2 and "between 0 and 100" in done.stderr
