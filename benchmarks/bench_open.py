"""Prints how long the bundled graph takes to open and answer, in fresh processes: from the Turtle
(``EXPORTGRAPH_CACHE=off``, as before snapshots) beside the snapshot (``exportgraph.snapshot``), its
first run (which makes it) and later runs, in one run of this script.

    python benchmarks/bench_open.py [--runs 5]

The snapshot goes to a temporary cache folder, removed at the end. Never part of the test run's
pass/fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = {
    "ExportGraph.open()": "from exportgraph import ExportGraph; ExportGraph.open()",
    "open + entity('Inspur Group Co., Ltd.')": (
        "from exportgraph import ExportGraph; ExportGraph.open().entity('Inspur Group Co., Ltd.')"
    ),
    "open + validate() (pyshacl-turbo)": "from exportgraph import ExportGraph; ExportGraph.open().validate()",
}
CLI = {
    "exportgraph entity 'Inspur Taiwan'": ["entity", "Inspur Taiwan"],
    "exportgraph check examples/orders.csv": ["check", "examples/orders.csv"],
}


def timed(command: list[str], cache: str) -> float:
    env = {**os.environ, "EXPORTGRAPH_CACHE": cache}
    t = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def row(label: str, times: list[float]) -> None:
    print(f"{label:62}  {statistics.median(times):8.2f}  {min(times):5.2f}", flush=True)


def compare(label: str, command: list[str], runs: int, cache: Path) -> None:
    """Turtle and snapshot runs interleaved, so that the machine's load falls on both alike; the
    first snapshot run of each command starts from an empty cache folder."""
    shutil.rmtree(cache, ignore_errors=True)
    first = timed(command, str(cache))
    old, new = [], []
    for _ in range(runs):
        old.append(timed(command, "off"))
        new.append(timed(command, str(cache)))
    row(f"{label}: Turtle", old)
    row(f"{label}: snapshot, first run (makes it)", [first])
    row(f"{label}: snapshot", new)
    size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    print(f"  (the snapshot it made: {', '.join(sorted(p.name for p in cache.glob('*/*')))}; {size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-open-"))
    try:
        print(f"{'step (fresh process, interpreter start included)':62}  median s  min s")
        for label, code in STEPS.items():
            compare(label, [sys.executable, "-c", code], args.runs, root / "cache")
        for label, argv in CLI.items():
            compare(label, [sys.executable, "-m", "exportgraph", *argv], args.runs, root / "cache")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
