"""Prints how long exporting the whole bundled graph takes, per format (target: <= 5 s each).

    python benchmarks/bench_export.py [--runs 3] [--formats graphml,gexf,...]

Two figures per format: ``export()`` on a graph already open (the export itself: the view's three
queries, then the writer), and ``exportgraph export`` in a fresh process (interpreter start and
opening the bundled graph included). Output files go to a temporary directory. Never part of the
test run's pass/fail.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exportgraph import ExportGraph
from exportgraph.export import FORMATS, SUFFIX


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    graph = ExportGraph.open()
    view = graph.graph_view()
    print(f"whole graph: {len(view.nodes):,} nodes, {len(view.edges):,} edges; {args.runs} runs each\n")
    print(f"{'format':10}  {'export() median s':>17}  {'CLI median s':>12}  {'size':>10}  target <= 5 s")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            out = Path(tmp) / f"whole{SUFFIX[fmt] or '-neo4j'}"
            inner, outer = [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                graph.export(fmt, out)
                inner.append(time.perf_counter() - t)
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "exportgraph", "export", "--format", fmt, "-o", str(out)],
                    check=True,
                    stderr=subprocess.DEVNULL,
                )
                outer.append(time.perf_counter() - t)
            size = sum(p.stat().st_size for p in out.iterdir()) if out.is_dir() else out.stat().st_size
            ok = "met" if statistics.median(inner) <= 5 else "MISSED"
            print(
                f"{fmt:10}  {statistics.median(inner):17.2f}  {statistics.median(outer):12.2f}  "
                f"{size / 1e6:8.1f} MB  {ok} (CLI {'met' if statistics.median(outer) <= 5 else 'missed'})"
            )
            if out.is_dir():
                shutil.rmtree(out)


if __name__ == "__main__":
    main()
