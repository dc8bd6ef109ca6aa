"""Prints how long the bundled graph takes to open and answer, in fresh processes.

    python benchmarks/bench_open.py [--runs 5]

Never part of the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

STEPS = {
    "ExportGraph.open()": "from exportgraph import ExportGraph; ExportGraph.open()",
    "open + entity('Inspur Group Co., Ltd.')": (
        "from exportgraph import ExportGraph; ExportGraph.open().entity('Inspur Group Co., Ltd.')"
    ),
    "open + validate() (pyshacl-turbo)": "from exportgraph import ExportGraph; ExportGraph.open().validate()",
}


def timed(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'step (fresh process, interpreter start included)':55}  median s  min s")
    for label, code in STEPS.items():
        times = [timed(code) for _ in range(args.runs)]
        print(f"{label:55}  {statistics.median(times):8.2f}  {min(times):5.2f}")
    code = (
        "import io, contextlib; from exportgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['entity', 'Inspur Taiwan'])"
    )
    times = [timed(code) for _ in range(args.runs)]
    label = "cold exportgraph entity 'Inspur Taiwan'"
    print(f"{label:55}  {statistics.median(times):8.2f}  {min(times):5.2f}")


if __name__ == "__main__":
    main()
