"""A cold start: the bundled graph's snapshot (``exportgraph.snapshot``) gives the same answers as
parsing the Turtle and deriving; a changed data file builds a new one; a cache folder that cannot be
written falls back to the Turtle; a profile imports none of the heavy libraries; the query catalogue
reads one file for one query."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from exportgraph import ExportGraph, check, imports, namespaces, paths, prefixes, queries, restrictions, snapshot
from exportgraph.cli.commands import check as check_cli
from exportgraph.cli.commands import imports as imports_cli
from exportgraph.cli.commands import parties as parties_cli
from exportgraph.screen import index

DATA = [Path("tests/fixtures/csv") / f for f in ("parties.csv", "ownership.csv", "listings.csv")]


def turtle(data: list[Path] | tuple[()] = ()) -> ExportGraph:
    """The graph as before snapshots: the Turtle parsed, the facts derived."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPORTGRAPH_CACHE", "off")
        return ExportGraph.open(data)


def lines(eg: ExportGraph) -> list[bytes]:
    """The data as sorted N-Triples lines, blank nodes left out (each load names them anew)."""
    return sorted(line for line in eg.store.dump().splitlines() if b"_:" not in line)


@pytest.fixture(scope="module")
def reference() -> ExportGraph:
    return turtle()


@pytest.fixture(scope="module")
def memory(reference) -> ExportGraph:
    ExportGraph.open()  # builds the snapshot of this run's cache folder if no test did yet
    assert snapshot.folder() is not None and snapshot.folder().is_dir()
    return ExportGraph.open()


@pytest.fixture(scope="module")
def light(memory) -> ExportGraph:
    ExportGraph.open(light=True)  # makes the derived part if no test did yet (and answers from memory)
    assert (snapshot.folder() / "db").is_dir()
    return ExportGraph.open(light=True)  # a working copy of it


def test_the_snapshot_holds_what_the_turtle_gives(reference, memory, light):
    assert len(memory.store) == len(light.store) == len(reference.store) > 100_000
    assert lines(memory) == lines(light) == lines(reference)
    assert memory.info() == light.info() == reference.info()


def test_same_answers(reference, memory, light):
    for eg in (memory, light):
        assert eg.entity("Inspur Taiwan") == reference.entity("Inspur Taiwan")
        assert eg.query("chips").rows == reference.query("chips").rows
    assert memory.exposure("Inspur Group Co., Ltd.") == reference.exposure("Inspur Group Co., Ltd.")


def test_same_verdicts(reference, memory):
    assert memory.check("examples/orders.csv") == reference.check("examples/orders.csv")


def test_user_data_on_the_snapshot_as_on_the_turtle():
    with_data = ExportGraph.open(DATA)
    assert lines(with_data) == lines(turtle(DATA))


def test_the_light_store_is_not_a_persistent_one(light):
    assert light.store.persistent() is None
    with pytest.raises(Exception, match="--store"):
        light.import_file("csv", DATA[0])


def tiny(monkeypatch, tmp_path: Path, text: str) -> Path:
    """A bundled graph of one file (so that a snapshot builds in milliseconds), with ``text``."""
    graph = tmp_path / "graph" / "curated" / "tiny.ttl"
    graph.parent.mkdir(parents=True, exist_ok=True)
    graph.write_text(text, encoding="utf-8")
    monkeypatch.setattr(paths, "graph_files", lambda: [graph])
    monkeypatch.setattr(paths, "ontology_files", lambda: [])
    monkeypatch.setenv("EXPORTGRAPH_CACHE", str(tmp_path / "cache"))
    return graph


def names(eg: ExportGraph) -> set[str]:
    return {str(r["n"]) for r in eg.store.select("SELECT ?n WHERE { ?s <urn:name> ?n }")}


def test_a_changed_file_builds_a_new_snapshot(monkeypatch, tmp_path):
    graph = tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "old" .\n')
    assert names(ExportGraph.open()) == {"old"}
    first = snapshot.folder()
    assert first is not None and first.is_dir()
    assert names(ExportGraph.open(light=True)) == {"old"}

    graph.write_text('<urn:a> <urn:name> "new" .\n', encoding="utf-8")  # same length, new content
    assert snapshot.folder() != first
    for light in (False, True, False, True):
        assert names(ExportGraph.open(light=light)) == {"new"}
    assert not first.exists()  # the old snapshot is removed when the new one is made
    left = [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith(f"{snapshot.WORK}{os.getpid()}-")]
    assert left == [snapshot.folder().name]  # and this process's working copies, removed when it ends


def test_an_unreadable_snapshot_is_made_again(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    ExportGraph.open(light=True)
    where = snapshot.folder()
    assert sorted(p.name for p in where.iterdir()) == ["bundled.nq", "db"]
    (where / "bundled.nq").write_bytes(b"not n-quads <")
    for part in (where / "db").iterdir():
        part.write_bytes(b"broken")
    for light in (False, True):
        with pytest.warns(RuntimeWarning, match="cannot open the snapshot"):
            assert names(ExportGraph.open(light=light)) == {"x"}
        assert names(ExportGraph.open(light=light)) == {"x"}


def test_a_cache_folder_that_cannot_be_written_falls_back_to_the_turtle(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("EXPORTGRAPH_CACHE", str(blocked / "cache"))
    for light in (False, True):
        with pytest.warns(RuntimeWarning, match="cannot write the snapshot"):
            assert names(ExportGraph.open(light=light)) == {"x"}


def test_off_reads_the_turtle(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    monkeypatch.setenv("EXPORTGRAPH_CACHE", "off")
    assert snapshot.folder() is None
    assert names(ExportGraph.open()) == {"x"}
    assert not (tmp_path / "cache").exists()


def test_a_snapshot_another_process_made_first_is_kept(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    eg = ExportGraph.open(light=True)
    where = snapshot.folder()
    before = {p.name: p.stat().st_mtime_ns for p in where.iterdir()}
    snapshot.save_bundled(paths.graph_files())  # a second writer finds each part in place and leaves it
    snapshot.save_derived(eg.store)
    assert {p.name: p.stat().st_mtime_ns for p in where.iterdir()} == before
    assert not [p for p in where.parent.iterdir() if p.name.startswith(snapshot.BUILD)]


def test_the_cli_answers_from_a_working_copy_and_removes_it(tmp_path, memory):
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copytree(snapshot.folder(), cache / snapshot.folder().name)
    env = {**os.environ, "EXPORTGRAPH_CACHE": str(cache)}
    run = [sys.executable, "-m", "exportgraph", "entity", "Inspur Taiwan", "--format", "json"]
    fast = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    slow = subprocess.run(run, capture_output=True, text=True, env={**env, "EXPORTGRAPH_CACHE": "off"}, timeout=120)
    assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
    assert fast.stdout == slow.stdout and '"Inspur' in fast.stdout
    assert (cache / snapshot.folder().name / "db").is_dir()
    assert not [p for p in cache.iterdir() if p.name.startswith((snapshot.WORK, snapshot.BUILD))]  # none left


def test_a_working_copy_of_an_ended_process_is_removed(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    ExportGraph.open(light=True)  # makes the snapshot
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / "cache" / f"{snapshot.WORK}{ended.stdout.strip()}-abc"
    left.mkdir()
    mine = tmp_path / "cache" / f"{snapshot.WORK}{os.getpid()}-abc"
    mine.mkdir()
    ExportGraph.open(light=True)
    assert not left.exists() and mine.exists()


def test_a_profile_imports_no_heavy_library(memory):
    code = (
        "import io, sys, contextlib\n"
        "from exportgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out: main(['entity', 'Inspur Taiwan'])\n"
        "assert 'Inspur' in out.getvalue()\n"
        "heavy = {'rdflib', 'pyshacl', 'pandas', 'numpy', 'rapidfuzz', 'pypinyin', 'anyascii', 'owlready2'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_what_the_cli_spells_to_stay_light_is_what_the_modules_say():
    assert parties_cli.SCREEN_THRESHOLD == index.DEFAULT_THRESHOLD
    assert list(check_cli.COLUMNS) == list(check.COLUMNS)
    assert check_cli.ENGINES == restrictions.ENGINES
    assert (check_cli.LICENSE_REQUIRED, check_cli.NEEDS_REVIEW, check_cli.NO_LICENSE_REQUIRED) == (
        check.LICENSE_REQUIRED,
        check.NEEDS_REVIEW,
        check.NO_LICENSE_REQUIRED,
    )
    assert imports_cli.IMPORT_KINDS == tuple(imports.READERS)
    assert prefixes.PREFIXES == namespaces.PREFIXES


def test_the_catalogue_reads_one_file_for_one_query(monkeypatch):
    everything, chips = queries.catalogue(), queries.load("chips").text
    read: list[str] = []
    parse = queries.parse
    monkeypatch.setattr(queries, "parse", lambda path, name=None, **kw: read.append(name) or parse(path, name, **kw))
    lazy = queries.Catalogue()
    assert lazy["chips"].text == chips and "chips" in lazy
    assert lazy.get("hygiene/missing-source") == everything["hygiene/missing-source"]
    for absent in (
        "internal/party-names",
        "imports/clear-clusters",
        "../queries/chips",
        "/etc/passwd",
        "Chips",
        "nope",
    ):
        assert absent not in lazy and lazy.get(absent) is None
    assert read == ["chips", "hygiene/missing-source"]
    assert dict(lazy) == everything and len(lazy) == len(everything)  # listing reads them all


def test_snapshot_key_covers_what_it_is_made_of():
    files = {p.relative_to(paths.ROOT).as_posix() for p in snapshot.sources()}
    assert {"graph/generated/entity-list.ttl", "queries/derive/00-clusters.ru"} <= files
    assert any(f.startswith("ontology/") for f in files)
    assert snapshot.key() == snapshot.key() and len(snapshot.key()) == 24
    assert isinstance(ox.__version__, str)


def test_the_key_is_remembered_but_never_for_a_changed_file(monkeypatch, tmp_path):
    graph = tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "old" .\n')
    past = graph.stat().st_mtime - 3600
    os.utime(graph, (past, past))
    first = snapshot.key()  # the file's ctime is now, too close to the hashing to remember it
    assert not (tmp_path / "cache" / "key").exists()
    monkeypatch.setattr(snapshot, "RACY_SECONDS", -3600.0)  # as if an hour had passed since
    assert snapshot.key() == first
    assert (tmp_path / "cache" / "key").read_text().split()[1] == first
    snapshot._KEYS.clear()
    monkeypatch.setattr(snapshot, "_digest", lambda *a: pytest.fail("hashed again"))
    assert snapshot.key() == first  # from the cache folder's memo
    monkeypatch.undo()

    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "new" .\n')  # same size; a tool that keeps mtime
    os.utime(graph, (past, past))
    monkeypatch.setattr(snapshot, "RACY_SECONDS", -3600.0)
    assert snapshot.key() != first  # the ctime moved
    assert names(ExportGraph.open()) == {"new"}


def test_a_working_copy_goes_with_its_store(monkeypatch, tmp_path):
    tiny(monkeypatch, tmp_path, '<urn:a> <urn:name> "x" .\n')
    ExportGraph.open(light=True)  # makes the snapshot
    eg = ExportGraph.open(light=True)
    work = [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(snapshot.WORK)]
    assert len(work) == 1 and names(eg) == {"x"}
    del eg
    import gc

    gc.collect()
    assert not work[0].exists()
