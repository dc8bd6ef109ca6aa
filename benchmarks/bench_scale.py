"""The scale benchmark: a synthetic world (benchmarks/generate.py) imported into an on-disk store,
then the jobs on it; prints a table per size, each figure with its goal (issue 17) beside it.

    python benchmarks/bench_scale.py --sizes 10000,100000,1000000 [--orders 10000,100000] [--skip check]

Per size N: the store created (ontology and bundled graph); the parties, ownership and listings
CSVs imported with `exportgraph import csv ... --store` in fresh processes (wall time and peak
memory of each process) and the store's size on disk; the orders (dated on every day of a year)
checked with `exportgraph check ... --store` in fresh processes, for each count of --orders (the
first of them twice: once computing the 50% rule of every period the dates fall in, once with it
kept), with time per order and peak memory; then in one process on the store: the 50% rule on a
date by each engine side by side (the SPARQL updates of queries/coverage/, the columnar tables read
from the store, the tables opened from the file saved beside it) and the plain rdflib fixpoint
(the rule at exact stakes, one INSERT repeated, on the world's stakes and entries copied into an
rdflib Graph; up to --rdflib-max organisations), 10,000 names screened, and the exposure and the
entity profile of one organisation in the middle of the chains (median of 5). With --work DIR the
worlds and stores are kept there (--reuse: a store already imported is used again); otherwise in
a temporary directory. Never part of the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import generate  # noqa: E402

from exportgraph import ExportGraph  # noqa: E402
from exportgraph.coverage import TABLES_FILE, Coverage  # noqa: E402

DAY = dt.date(2025, 10, 15)
# The goals of issue 17 (at 1M organisations unless said otherwise).
GOAL = {
    "import": "goal at 1M: <= 60 s, <= 2 GB peak, store < 2 GB",
    "covered": "goal: <= 1 s at 1M, <= 0.1 s at 100k",
    "check": "goal: 0.2 ms/order (100k in <= 20 s), memory linear in orders",
    "screen": "goal: <= 2 s at 1M",
    "exposure": "goal: <= 100 ms at 1M",
    "entity": "goal: <= 100 ms",
}


def timed_cli(*args: str) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one `exportgraph` process, and the seconds of each phase
    it reported (``exportgraph: reading ... (12.3 s)``)."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "exportgraph", *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"exportgraph {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    lines = done.stderr.strip().splitlines()
    seconds, kb = lines[-1].split()
    marks = [(m.group(1), float(m.group(2))) for m in map(PHASE.match, lines) if m]
    phases = ", ".join(f"{a} {t2 - t1:.1f}" for (a, t1), (_, t2) in zip(marks, marks[1:], strict=False))
    return float(seconds), int(kb) / 1024, phases


PHASE = re.compile(r"exportgraph: (\w+).*\((\d+(?:\.\d+)?) s\)$")


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


class Rows(list):
    """The table's rows, each printed as it comes (with its goal, if it has one)."""

    def append(self, row: tuple[str, str], goal: str = "") -> None:
        super().append(row)
        print(f"  {row[0]:45} {row[1]}" + (f"   [{GOAL[goal]}]" if goal else ""), flush=True)


def covered_set(graph: ExportGraph, store: Path, skip: set[str], rows: Rows) -> None:
    """The 50% rule on DAY by each engine, in this process, one after the other on the same store:
    the SPARQL updates (the definition), the tables read from the store (and saved beside it), the
    tables opened from that file; each writes the same coverage graph, counted by status."""
    runs = [("tables", "tables read from the store"), ("tables", "tables opened from tables.npz")]
    if "sparql" not in skip:
        runs.insert(0, ("sparql", "SPARQL updates (the definition)"))
    base = None
    for engine, label in runs:
        coverage = Coverage(graph.store, engine)
        coverage.reset()
        if "read from" in label:
            (store / TABLES_FILE).unlink(missing_ok=True)
        t = time.perf_counter()
        coverage.ensure([DAY])
        seconds = time.perf_counter() - t
        counts = {str(r["status"]).rsplit("#")[-1]: int(r["n"]) for r in graph.store.select(COUNT_BY_STATUS)}
        tables = coverage.tables()
        detail = f", of which reading the tables {tables.seconds:.2f} s" if tables is not None else ""
        base = base or seconds
        ratio = f" ({base / seconds:.1f}x the first)" if seconds != base else ""
        rows.append((f"50% rule on {DAY}: {label}", f"{seconds:.2f} s{ratio}{detail}; {counts}"), "covered")
    graph.coverage.reset()


def plain_fixpoint(graph: ExportGraph, rows: Rows) -> None:
    """The plain rdflib fixpoint (benchmarks/bench_check.py's: the rule at exact stakes, no dates,
    one INSERT repeated until nothing is added) on the stakes and the Entity List entries of the
    store, copied into an rdflib Graph (the copy not timed)."""
    from bench_check import SIMPLE_COUNT, simple_fixpoint
    from rdflib import Graph

    t = time.perf_counter()
    data = graph.store.construct(PLAIN_FACTS)
    g = Graph()
    g.parse(data=data, format="nt")
    copied = time.perf_counter() - t
    n, seconds = simple_fixpoint(g.update, lambda: int(next(iter(g.query(SIMPLE_COUNT)))[0]))
    rows.append(
        (
            "50% rule: plain rdflib fixpoint (exact stakes)",
            f"{seconds:.2f} s ({n:,} blocked; {len(g):,} triples copied in {copied:.1f} s)",
        ),
        "covered",
    )


PLAIN_FACTS = """CONSTRUCT { ?s eg:owner ?o ; eg:owned ?d ; eg:percent ?pc . ?e eg:party ?p ; eg:onList ?l }
WHERE { { ?s eg:owner ?o ; eg:owned ?d ; eg:percent ?pc }
        UNION { ?e eg:onList <https://w3id.org/exportgraph/id/list/entity-list> ; eg:party ?p ; eg:onList ?l } }"""


COUNT_BY_STATUS = (
    "SELECT ?status (COUNT(?c) AS ?n) WHERE { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> "
    "{ ?c eg:coverageStatus ?status } } GROUP BY ?status"
)


def run(
    n: int, orders: list[int], skip: set[str], tmp: Path, sample: int, rdflib_max: int, reuse: bool
) -> list[tuple[str, str]]:
    world = {k: tmp / f"w{n}" / f"{k}.csv" for k in ("parties", "ownership", "listings", "orders", "names")}
    store = tmp / f"store{n}"
    done = store / "bench-imported"
    rows = Rows()
    if not (reuse and done.exists()):
        world = generate(n, tmp / f"w{n}", orders=max(orders, default=0), year=True)
        shutil.rmtree(store, ignore_errors=True)
        s, mb, _ = timed_cli("info", "--store", str(store))
        rows.append(("store created (ontology + bundled graph)", f"{s:.1f} s, {mb:.0f} MB"))
        total, peak = 0.0, 0.0
        for kind in ("parties", "ownership", "listings"):
            s, mb, phases = timed_cli("import", "csv", str(world[kind]), "--store", str(store))
            total, peak = total + s, max(peak, mb)
            rows.append((f"import {kind}.csv", f"{s:.1f} s, peak {mb:.0f} MB ({phases} s)"))
        rows.append(("import, all three", f"{total:.1f} s, peak {peak:.0f} MB"), "import")
        done.touch()
    size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
    rows.append(("store size on disk", f"{size / 1e9:.2f} GB"), "import")
    if "check" not in skip:
        check_rows(world["orders"], store, orders, rows)
    t = time.perf_counter()
    graph = ExportGraph.open(store=store)
    rows.append(("open the store", f"{time.perf_counter() - t:.2f} s"))
    covered_set(graph, store, skip, rows)
    if n <= rdflib_max:
        plain_fixpoint(graph, rows)
    if "screen" not in skip:
        screen_rows(graph, store, [line.strip() for line in world["names"].read_text().splitlines()[1:]], sample, rows)
    org = f"Synthetic Org {n // 2}"
    rows.append(
        (f"exposure('{org}')", f"{median_ms(lambda: graph.exposure(org, DAY)):.0f} ms (median of 5)"), "exposure"
    )
    rows.append((f"entity('{org}')", f"{median_ms(lambda: graph.entity(org, DAY)):.0f} ms (median of 5)"), "entity")
    return rows


def check_rows(orders_csv: Path, store: Path, counts: list[int], rows: Rows) -> None:
    """The first ``k`` orders (dated over a year) checked by ``exportgraph check --store`` in a fresh
    process, for each ``k`` of ``counts``; the first count twice (the 50% rule of every period the
    dates fall in is computed by the first run and kept in the store for the later ones)."""
    lines = orders_csv.read_text().splitlines()
    days = len({line.split(",")[1] for line in lines[1:]})
    runs = [(counts[0], "computing the 50% rule of each period")] + [(k, "the 50% rule kept") for k in counts]
    for k, label in runs:
        part = orders_csv.with_name(f"orders-{k}.csv")
        part.write_text("\n".join(lines[: k + 1]) + "\n")
        out = part.with_suffix(".json")
        s, mb, _ = timed_cli("check", str(part), "--store", str(store), "--format", "json", "-o", str(out))
        n = len(json.loads(out.read_text()))
        rows.append(
            (f"check {n:,} orders ({label})", f"{s:.1f} s, {s / n * 1000:.2f} ms/order, peak {mb:.0f} MB"),
            "check",
        )
    rows.append(("  (orders dated on every day of a year)", f"{days} dates in the {len(lines) - 1:,} orders"))


def screen_rows(graph: ExportGraph, store: Path, names: list[str], sample: int, rows: Rows) -> None:
    """Screening: the index read from the store and built, kept beside it and read back, the names
    matched with candidate blocking beside scoring every name (on ``sample`` names, per 10,000),
    then the whole ``screen`` with listings and the 50% standing."""
    t = time.perf_counter()
    found = graph.screen(names)
    hits = sum(1 for r in found if r.matches)
    rows.append((f"screen {len(names):,} names, first (index built, kept)", f"{time.perf_counter() - t:.1f} s"))
    names_index = graph.parties.names
    t = time.perf_counter()
    entries = graph.query("screen/names").rows
    read = time.perf_counter() - t
    t = time.perf_counter()
    index = names_index.build()
    rows.append(
        ("screen index: names read, built", f"{read:.1f} s, {time.perf_counter() - t:.1f} s ({len(entries):,} names)")
    )
    [kept] = store.glob("screen-index-*.pickle")
    names_index.reset()  # forgets the kept file: keep it again, then time reading it
    names_index.get()
    names_index._index = None
    t = time.perf_counter()
    index = names_index.get()
    rows.append(
        ("screen index: kept file read", f"{time.perf_counter() - t:.1f} s ({kept.stat().st_size / 2**20:.0f} MB)")
    )
    t = time.perf_counter()
    index.match(names)
    blocked = time.perf_counter() - t
    rows.append((f"match {len(names):,} names, blocking", f"{blocked:.2f} s"))
    some = names[:sample]
    t = time.perf_counter()
    index.match(some, exhaustive=True)
    every = (time.perf_counter() - t) * len(names) / len(some)
    rows.append(
        (
            f"match {len(names):,} names, every name scored",
            f"{every:.1f} s (from {len(some):,}), {every / blocked:.0f}x",
        )
    )
    t = time.perf_counter()
    graph.screen(names)
    rows.append(
        (f"screen {len(names):,} names (index kept)", f"{time.perf_counter() - t:.2f} s, {hits:,} with a match"),
        "screen",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--orders", default="10000,100000", help="comma-separated counts of orders to check")
    parser.add_argument("--skip", default="", help="comma-separated: check, screen, sparql (the SPARQL 50%% rule)")
    parser.add_argument("--rdflib-max", type=int, default=1_000_000, help="the plain rdflib fixpoint up to this size")
    parser.add_argument("--work", type=Path, help="keep the worlds and stores here (default: a temporary directory)")
    parser.add_argument("--reuse", action="store_true", help="with --work: use a store already imported there")
    parser.add_argument(
        "--exhaustive", type=int, default=1000, help="names scored against every name (the old path), timed per 10,000"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    orders = [int(x) for x in args.orders.split(",") if x]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in args.sizes.split(",")):
            print(f"\nN = {n:,} organisations", flush=True)
            run(n, orders, skip, work, args.exhaustive, args.rdflib_max, args.reuse)


if __name__ == "__main__":
    main()
