"""The 50% rule's fixpoint on Apache Spark (local mode on this machine) beside the embedded tables
engine, in one run, at each size; prints a table with the cost growth between sizes.

    python benchmarks/bench_spark.py --sizes 1000000,10000000 [--master local[*]] [--orders 20000]

Per size N: synthetic columnar tables built directly (importing 10M organisations into a store
would take hours here: issue 17's import ran 537 s at 1M): N organisations in groups of up to six
levels (45% of them tops; each one below owned by one a level above: 100%, 60%, 51%, 50%, 30% or
25%, a 20-60% range, or an unknown share), 0.2 N second stakes between random organisations, and 1% of
them on the Entity List. Then, on one date, the listed parties and the two fixpoint steps
(queries/coverage/ 02 and 03) by each engine: ``tables.affiliates.Period`` (numpy columns, a
Python loop over each round's owners) and ``spark.affiliates.Period`` (joins and aggregates per
round, checkpointed), whose reached sets must be equal (statuses, depths and the stakes that add
up). The Spark figures include writing the tables as Parquet and reading them (``write``), shown
apart. The coverage graph's triples (labels, explanations) are not written: they need a store.
With ``--orders N``: N orders (the example orders again under new ids, dated over 2025) checked on
the bundled graph in this process (``ExportGraph.check``) and divided over Spark's executors
(``spark.check``), whose verdicts must be equal.
Never part of the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from exportgraph.tables import affiliates  # noqa: E402
from exportgraph.tables.columns import NO_END, Entries, Stakes, Tables  # noqa: E402

DAY = dt.date(2025, 10, 15)
LIST = "https://w3id.org/exportgraph/id/list/entity-list"
EXACT = ["100", "60", "51", "50", "30", "25"]


def world(n: int, seed: int = 7) -> Tables:
    rng = np.random.default_rng(seed)
    level = np.minimum(rng.geometric(0.45, n) - 1, 5)  # 0 (a group's top) to 5 levels below it
    level[0] = 0
    child = np.flatnonzero(level > 0)
    by_level = [np.flatnonzero(level == k) for k in range(6)]
    owner = np.empty(len(child), dtype=np.int64)
    for k in range(1, 6):  # each organisation below the top owned by one a level above it
        here = level[child] == k
        owner[here] = rng.choice(by_level[k - 1], int(here.sum()))
    extra = int(0.2 * n)
    a, b = rng.integers(0, n, extra), rng.integers(0, n, extra)
    owners = np.concatenate([owner, a])
    owned = np.concatenate([child, b])
    m = len(owners)
    kind = rng.integers(0, 8, m)  # 0-5 an exact percent, 6 a range, 7 unknown
    pc = [EXACT[k] if k < 6 else "" for k in kind.tolist()]
    pmin = ["20" if k == 6 else "" for k in kind.tolist()]
    pmax = ["60" if k == 6 else "" for k in kind.tolist()]
    columns = {
        "owner": owners,
        "owned": owned,
        "start": np.zeros(m, dtype=np.int64),
        "end": np.full(m, NO_END, dtype=np.int64),
        "typed": np.ones(m, dtype=bool),
        "cwe": np.zeros(m, dtype=bool),
        "voting_only": np.zeros(m, dtype=bool),
        "integer": np.full(m, 7, dtype=np.int8),
    }
    iris = [f"https://w3id.org/exportgraph/id/stake/s{i}" for i in range(m)]
    stakes = Stakes(iris, columns, {"pc": pc, "pmin": pmin, "pmax": pmax}, n)
    listed = rng.choice(n, n // 100, replace=False).tolist()
    k = len(listed)
    entries = Entries(listed, [LIST] * k, [None] * k, [None] * k, [None] * k, [None] * k)
    parties = [f"https://w3id.org/exportgraph/id/party/o{i}" for i in range(n)]
    return Tables(parties, stakes, entries, {LIST: ["Entity List"]}, [])


def reach(period: affiliates.Period) -> float:
    started = time.perf_counter()
    period.listed()
    period.depth = period.fixpoint(affiliates.COVERED, period.depth, list(period.nodes))
    period.depth = period.fixpoint(affiliates.POSSIBLY, period.depth, list(period.nodes))
    return time.perf_counter() - started


def summary(period: affiliates.Period) -> dict:
    return {p: (n.status, n.depth, sorted(n.stakes)) for p, n in period.nodes.items()}


def orders_file(n: int, directory: Path) -> Path:
    lines = (Path(__file__).resolve().parents[1] / "examples" / "orders.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    out = [header]
    for k in range(n):
        oid, _, rest = rows[k % len(rows)].split(",", 2)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=k % 365)
        out.append(f"{oid}-{k},{day.isoformat()},{rest}")
    path = directory / f"orders-{n}.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def check_orders(n: int) -> None:
    import tempfile

    from exportgraph import ExportGraph
    from exportgraph.spark.check import check

    with tempfile.TemporaryDirectory() as tmp:
        path = orders_file(n, Path(tmp))
        t0 = time.perf_counter()
        here = ExportGraph.open().check(path, as_of=DAY)
        t_here = time.perf_counter() - t0
        t0 = time.perf_counter()
        there = check(path, data=[], as_of=DAY)
        t_spark = time.perf_counter() - t0
    same = [v.to_dict() for v in here] == [v.to_dict() for v in there]
    print(f"\n| check {n:,} orders on the bundled graph | this process | Spark, divided over the executors | same |")
    print("|---|---:|---:|:--|")
    per = [f"{s:.1f} s ({1000 * s / n:.2f} ms/order)" for s in (t_here, t_spark)]
    print(f"| time | {per[0]} | {per[1]} | {same} |")


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--master", default=None, help="Spark's master (default: the settings, else local[*])")
    ap.add_argument("--orders", type=int, default=0, help="also check this many orders both ways")
    args = ap.parse_args()
    from exportgraph import settings
    from exportgraph.spark import affiliates as spark
    from exportgraph.spark.session import master, session

    with settings.choosing(EXPORTGRAPH_SPARK_MASTER=args.master):
        started = time.perf_counter()
        sc = session()
        print(f"Spark {sc.version} at {master()}: started in {time.perf_counter() - started:.1f} s", flush=True)
        rows = []
        for n in [int(x) for x in args.sizes.split(",") if x]:
            t0 = time.perf_counter()
            tables = world(n)
            built = time.perf_counter() - t0
            print(f"N={n:,}: {len(tables.stakes):,} stakes built in {built:.1f} s", flush=True)
            local = affiliates.Period(tables, dt.date(1, 1, 1), None, DAY, 100)
            t_tables = reach(local)
            print(f"  tables: {t_tables:.1f} s, {len(local.nodes):,} reached, depth {local.depth}", flush=True)
            t0 = time.perf_counter()
            frame = spark.Stakes(tables)  # written, read and cached
            t_write = time.perf_counter() - t0
            remote = spark.Period(frame, tables, dt.date(1, 1, 1), None, DAY, 100)
            t_spark = reach(remote)
            same = summary(remote) == summary(local)
            print(f"  spark: write+read {t_write:.1f} s, fixpoint {t_spark:.1f} s, same: {same}", flush=True)
            rows.append((n, len(tables.stakes), len(local.nodes), local.depth, t_tables, t_write, t_spark, same))
            frame.frame.unpersist()
            del tables, local, remote, frame
        print(f"\npeak memory of this process (driver): {peak_gb():.1f} GB")
        print("| organisations | stakes | reached | depth | tables engine | Spark: Parquet write+read", end="")
        print(" | Spark: fixpoint | same |")
        print("|---:|---:|---:|---:|---:|---:|---:|:--|")
        for n, m, r, d, a, w, s, same in rows:
            print(f"| {n:,} | {m:,} | {r:,} | {d} | {a:.1f} s | {w:.1f} s | {s:.1f} s | {same} |")
        for (n0, _, _, _, a0, _, s0, _), (n1, _, _, _, a1, _, s1, _) in zip(rows, rows[1:], strict=False):
            print(f"growth {n0:,} -> {n1:,} ({n1 / n0:.0f}x): tables {a1 / a0:.1f}x, spark fixpoint {s1 / s0:.1f}x")
        if args.orders:
            check_orders(args.orders)


if __name__ == "__main__":
    main()
