"""An import killed with SIGKILL at each of its phases leaves the store as it was before the import,
or as it is after it (a module of its own: these run the real command in processes, and take
the longest of the import tests)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import cli

from exportgraph import ExportGraph

COPIES = Path(__file__).parent / "fixtures" / "entity-list"


def _big_copy(path: Path, n: int) -> None:
    doc = json.loads((COPIES / "after.json").read_text())
    doc["entities"] = [
        {
            "name": f"Synthetic Test Company {i}",
            "aliases": [],
            "country": "China",
            "address": f"{i} Test Road, Beijing, China",
            "federal_register": "90 FR 14048, 3/28/25",
            "notes": "For all items subject to the EAR.",
        }
        for i in range(n)
    ]
    doc["count"] = n
    path.write_text(json.dumps(doc))


def _kill_when(store: Path, copy: Path, phase: str, kind: str = "entity-list") -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "exportgraph", "import", kind, str(copy), "--store", str(store)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    assert proc.stderr is not None
    for line in proc.stderr:
        if phase in line:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"


def fingerprint(store: Path) -> str:
    """A hash of what queries see in the store (the import records, which carry times, left out)."""
    import hashlib

    graph = ExportGraph.open(store=store)
    lines = sorted(
        line
        for line in graph.store.dump().decode().splitlines()
        if not line.startswith("<https://w3id.org/exportgraph/id/import/")
    )
    del graph
    __import__("gc").collect()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_an_import_killed_with_sigkill_leaves_the_store_as_it_was(store, tmp_path):
    copy = tmp_path / "big.json"
    _big_copy(copy, 300)
    reference = tmp_path / "reference"
    shutil.copytree(store, reference)
    before = fingerprint(store)
    assert cli("import", "entity-list", str(copy), "--store", str(reference)).returncode == 0
    after = fingerprint(reference)
    assert after != before
    _kill_when(store, copy, "reading")  # while it reads the file
    assert fingerprint(store) == before
    _kill_when(store, copy, "writing")  # while it writes the new copy, before its one commit
    assert fingerprint(store) == before
    graph = ExportGraph.open(store=store)  # what the killed import wrote is gone
    assert len([g for g in graph.store.graphs() if "/graph/source/entity-list/" in g]) == 1
    del graph
    __import__("gc").collect()
    _kill_when(store, copy, "deriving")  # after the commit: the import has landed, derived when next opened
    assert fingerprint(store) == after


def test_a_first_copy_is_streamed_and_a_kill_leaves_before_or_after(store, tmp_path):
    """A source's first copy is written through a staging file and pyoxigraph's bulk loader (any
    size, bounded memory). Killed before its commit the store is as before; killed after it (while
    the triples are applied to the live graph, or derived), the next open completes the import."""
    copy = tmp_path / "parties.csv"
    copy.write_text(
        "id,name,country,aliases,kind\n" + "".join(f"t{i},Streamed Test Party {i},DE,,company\n" for i in range(20000))
    )
    reference = tmp_path / "reference"
    shutil.copytree(store, reference)
    before = fingerprint(store)
    done = cli("import", "csv", str(copy), "--store", str(reference), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["read"] == 20000
    after = fingerprint(reference)
    assert (
        after != before
        and "Streamed Test Party 19999" in ExportGraph.open(store=reference).entity("Streamed Test Party 19999").name
    )
    for phase in ("reading", "writing"):
        _kill_when(store, copy, phase, "csv")
        assert fingerprint(store) == before, phase
        assert not list(store.glob("staging-*.nt"))  # what the killed import left is gone
    _kill_when(store, copy, "applying", "csv")
    assert list(store.glob("staging-*.nt"))  # committed, waiting to be applied
    assert fingerprint(store) == after
    assert not list(store.glob("staging-*.nt"))
