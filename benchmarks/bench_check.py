"""Benchmark of the 50% rule and of order checks on a synthetic world; prints a table.

    python benchmarks/bench_check.py                      # 1M organisations, 100k orders
    python benchmarks/bench_check.py --orgs 100000 --orders 10000 --pyshacl-sample 200
    python benchmarks/bench_check.py --growth 500,1000,2000,4000 [--engine store] [--scenario FILE]

The world (reproducible from --seed): N organisations as user parties, 1% of them on the Entity
List, each other organisation owned by one earlier organisation (chains up to depth 6), 10% with a
second owner (cross-holdings), a few stakes pointing back up (cycles), 1% unknown stakes and 1%
ranges. Orders pick chips, destinations, parties, intermediaries through hubs and dates when the
Affiliates rule is in force, suspended and not yet in force.

Measured:
- the 50% covered set from store to result (queries/coverage/, pyoxigraph), at --orgs;
- the plain rdflib SPARQL-update fixpoint (the rule at exact stakes, one INSERT repeated) and the
  same on pyoxigraph, at --rdflib-orgs, with the ratio;
- --orders orders checked with explanations (store engine), and pyshacl-turbo and pyshacl on a
  sample of them, with whether the verdicts are identical.

--growth N1,N2,... measures only how a check grows with its orders: for each N, orders on the bundled
graph (its parties, chips, destinations and dates, the consignees drawn from --customers recurring
ones, as an exporter's are) checked in a fresh process, with its peak RSS and time, and the ratios
at 4N to N (linear growth: at most 4).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import pick_owner  # noqa: E402

from exportgraph import ExportGraph, check, ids  # noqa: E402

EG = "https://w3id.org/exportgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERCENTS = [10, 20, 25, 30, 40, 49, 50, 51, 60, 75, 100]
ITEMS = ["NVIDIA H100 SXM", "NVIDIA H20", "NVIDIA A100 SXM", "EAR99", "AMD Instinct MI300X", "3A090.a"]
DESTINATIONS = ["CN", "DE", "SG", "MY", "US", "AE", "SA", "IL", "HK", "JP", "IN", "VN"]
HUBS = ["SG", "MY", "AE", "HK", "DE", "NL"]
DATES = ["2024-06-01", "2025-10-15", "2026-03-01", "2026-11-15"]
END_USES = ["", "", "", "commercial", "ai-training", "supercomputer", "military"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def party(i: int) -> str:
    return str(ids.user_party(f"o{i}"))


def world(n: int, seed: int) -> tuple[list[str], list[tuple[int, int, str]]]:
    """N-Triples lines of the synthetic world, and the stakes (owner, owned, kind) for rdflib."""
    rnd = random.Random(seed)
    lines, stakes = [], []
    depth = [0] * n
    listed = set(rnd.sample(range(n), max(1, n // 100)))

    def stake(owner: int, owned: int) -> None:
        s = f"<https://w3id.org/exportgraph/id/bench/stake/{owner}-{owned}>"
        lines.append(f"{s} <{RDF_TYPE}> <{EG}OwnershipStake> .")
        lines.append(f"{s} <{EG}owner> <{party(owner)}> .")
        lines.append(f"{s} <{EG}owned> <{party(owned)}> .")
        r = rnd.random()
        if r < 0.01:
            stakes.append((owner, owned, "unknown"))
        elif r < 0.02:
            lo = rnd.choice([20, 30, 40, 50])
            lines.append(f'{s} <{EG}percentMin> "{lo}"^^<{XSD}decimal> .')
            lines.append(f'{s} <{EG}percentMax> "{lo + 20}"^^<{XSD}decimal> .')
            stakes.append((owner, owned, f"range:{lo}"))
        else:
            p = rnd.choice(PERCENTS)
            lines.append(f'{s} <{EG}percent> "{p}"^^<{XSD}decimal> .')
            stakes.append((owner, owned, str(p)))

    for i in range(n):
        p = party(i)
        lines.append(f"<{p}> <{RDF_TYPE}> <{EG}Company> .")
        lines.append(f'<{p}> <{EG}name> "Synthetic Org {i}" .')
        lines.append(f"<{p}> <{EG}country> <https://w3id.org/exportgraph/id/country/{rnd.choice(DESTINATIONS)}> .")
        if i in listed:
            e = f"<https://w3id.org/exportgraph/id/bench/entry/{i}>"
            lines += [
                f"{e} <{RDF_TYPE}> <{EG}ListEntry> .",
                f"{e} <{EG}party> <{p}> .",
                f"{e} <{EG}onList> <https://w3id.org/exportgraph/id/list/entity-list> .",
                f'{e} <{EG}dateAdded> "2024-01-01T00:00:00"^^<{XSD}dateTime> .',
            ]
        if i and rnd.random() < 0.95:
            owner = pick_owner(rnd, i, depth)
            stake(owner, i)
            if rnd.random() < 0.10:
                other = rnd.randrange(i)
                if other != owner:
                    stake(other, i)
            if rnd.random() < 0.001:
                stake(i, owner)  # a cycle
    return lines, stakes


def load_world(graph: ExportGraph, lines: list[str]) -> None:
    for k in range(0, len(lines), 1_000_000):
        graph.store._store.bulk_load(("\n".join(lines[k : k + 1_000_000]) + "\n").encode(), ox.RdfFormat.N_TRIPLES)
    graph.derive()


def write_orders(path: Path, n_orders: int, n_orgs: int, seed: int) -> None:
    rnd = random.Random(seed + 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(check.COLUMNS)
        for k in range(n_orders):
            legs = ";".join(f"o{rnd.randrange(n_orgs)}@{rnd.choice(HUBS)}" for _ in range(rnd.choice([0, 0, 1, 2])))
            w.writerow(
                [
                    f"b{k}",
                    rnd.choice(DATES),
                    rnd.choice(ITEMS),
                    rnd.choice([1, 8, 100, 2000]),
                    "",
                    f"o{rnd.randrange(n_orgs)}",
                    f"o{rnd.randrange(n_orgs)}",
                    rnd.choice(["", f"o{rnd.randrange(n_orgs)}"]),
                    legs,
                    rnd.choice(DESTINATIONS),
                    rnd.choice(END_USES),
                ]
            )


SIMPLE_SEED = """INSERT { ?p <urn:bench:blocked> true } WHERE {
  ?e <https://w3id.org/exportgraph/ontology#party> ?p ;
     <https://w3id.org/exportgraph/ontology#onList> <https://w3id.org/exportgraph/id/list/entity-list> }"""
SIMPLE_STEP = """INSERT { ?o <urn:bench:blocked> true } WHERE {
  { SELECT ?o (SUM(?pc) AS ?t) WHERE {
      ?b <urn:bench:blocked> true .
      ?s <https://w3id.org/exportgraph/ontology#owner> ?b ; <https://w3id.org/exportgraph/ontology#owned> ?o ;
         <https://w3id.org/exportgraph/ontology#percent> ?pc } GROUP BY ?o }
  FILTER(?t >= 50) FILTER NOT EXISTS { ?o <urn:bench:blocked> true } }"""
SIMPLE_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?o <urn:bench:blocked> true }"


def simple_fixpoint(update, count) -> tuple[int, float]:
    t = time.perf_counter()
    update(SIMPLE_SEED)
    before = -1
    n = count()
    while n != before:
        before = n
        update(SIMPLE_STEP)
        n = count()
    return n, time.perf_counter() - t


def rdflib_vs_oxigraph(n: int, seed: int) -> list[tuple[str, str]]:
    from rdflib import Graph

    lines, _ = world(n, seed)
    data = ("\n".join(lines) + "\n").encode()
    g = Graph()
    t = time.perf_counter()
    g.parse(data=data, format="nt")
    load = time.perf_counter() - t
    n_rdflib, t_rdflib = simple_fixpoint(g.update, lambda: int(next(iter(g.query(SIMPLE_COUNT)))[0]))
    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    n_ox, t_ox = simple_fixpoint(store.update, lambda: int(next(iter(store.query(SIMPLE_COUNT)))["n"].value))
    graph = ExportGraph.open()
    load_world(graph, lines)
    t = time.perf_counter()
    graph.coverage.ensure([dt.date(2025, 10, 15)])
    t_ours = time.perf_counter() - t
    ours = int(graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?c eg:coverageStatus eg:Covered }")[0]["n"])
    return [
        (f"plain fixpoint, rdflib Graph, {n:,} orgs (load {load:.1f} s)", f"{t_rdflib:.2f} s ({n_rdflib:,} blocked)"),
        (f"plain fixpoint, pyoxigraph, {n:,} orgs", f"{t_ox:.3f} s ({n_ox:,} blocked)"),
        (f"exportgraph 50% rule (dates, ranges, unknowns), {n:,} orgs", f"{t_ours:.3f} s ({ours:,} covered)"),
        ("speed-up, exportgraph vs plain rdflib", f"{t_rdflib / t_ours:.0f}x (target >= 30x)"),
    ]


def bundled_orders(path: Path, n_orders: int, seed: int, customers: int) -> None:
    """Orders on the bundled graph: parties by name (buyers and end users any of them, consignees
    ``customers`` recurring ones), its chips, destinations, dates, end uses, legs through hubs."""
    graph = ExportGraph.open()
    counts = graph.store.select(
        "SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p a/rdfs:subClassOf* eg:Party ; eg:name ?n } GROUP BY ?n"
    )
    names = sorted(str(r["n"]) for r in counts if int(r["c"]) == 1 and not set(str(r["n"])) & set(";@"))
    chips = sorted(
        str(r["n"]) for r in graph.store.select("SELECT ?n WHERE { ?i a/rdfs:subClassOf* eg:Item ; eg:name ?n }")
    ) + ["EAR99", "3A090.a"]
    rnd = random.Random(seed)
    regulars = rnd.sample(names, customers)
    dates = ["2023-06-01", "2024-06-01", "2025-03-01", "2025-06-01", "2025-10-15", "2026-01-15", "2026-03-01"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(check.COLUMNS)
        for k in range(n_orders):
            legs = ";".join(f"{rnd.choice(names)}@{rnd.choice(HUBS)}" for _ in range(rnd.choice([0, 0, 0, 1, 2])))
            w.writerow(
                [
                    f"g{k}",
                    rnd.choice(dates),
                    rnd.choice(chips),
                    rnd.choice([1, 8, 64, 2000]),
                    "",
                    rnd.choice(["", rnd.choice(names)]),
                    rnd.choice(regulars),
                    rnd.choice(["", rnd.choice(names)]),
                    legs,
                    rnd.choice(DESTINATIONS + ["TW", "RU", "MO"]),
                    rnd.choice(END_USES),
                ]
            )


def measure(orders: Path, engine: str, scenario: str | None) -> dict:
    """One check of ``orders`` in this process: RSS after opening the graph, peak RSS, seconds."""
    graph = ExportGraph.open()
    if scenario:
        graph = graph.with_scenario(scenario)
    opened = rss_mb()
    t = time.perf_counter()
    verdicts = graph.check(orders, engine=engine)
    return {"open_mb": opened, "peak_mb": rss_mb(), "seconds": time.perf_counter() - t, "verdicts": len(verdicts)}


def growth(sizes: list[int], engine: str, scenario: str | None, customers: int, seed: int) -> None:
    """Peak RSS and time of a check at each size, each in a fresh process, and the ratios at 4N to N."""
    got: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            orders = Path(tmp) / f"orders-{n}.csv"
            bundled_orders(orders, n, seed, customers)
            cmd = [sys.executable, __file__, "--measure", str(orders), "--engine", engine]
            if scenario:
                cmd += ["--scenario", scenario]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            got[n] = json.loads(out.strip().splitlines()[-1])
            r = got[n]
            print(
                f"  {n:>7,} orders: peak RSS {r['peak_mb']:,.0f} MB ({r['peak_mb'] - r['open_mb']:,.0f} MB over the "
                f"open graph), {r['seconds']:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    print(
        f"check growth, engine {engine}{', scenario ' + scenario if scenario else ''}, {customers} recurring consignees"
    )
    print(f"{'orders':>8}  {'peak RSS MB':>11}  {'over open MB':>12}  {'seconds':>8}")
    for n, r in got.items():
        print(f"{n:>8,}  {r['peak_mb']:>11,.0f}  {r['peak_mb'] - r['open_mb']:>12,.0f}  {r['seconds']:>8.1f}")
    for n in sizes:
        if 4 * n in got:
            a, b = got[n], got[4 * n]
            over_a, over_b = a["peak_mb"] - a["open_mb"], b["peak_mb"] - b["open_mb"]
            over = f"x{over_b / over_a:.2f}" if over_a >= 10 else f"{over_a:.0f} MB to {over_b:.0f} MB"
            print(
                f"{4 * n:,} / {n:,} orders: peak RSS x{b['peak_mb'] / a['peak_mb']:.2f}, over the open graph "
                f"{over}, time x{b['seconds'] / a['seconds']:.2f} (linear: at most 4)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orgs", type=int, default=1_000_000)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--rdflib-orgs", type=int, default=100_000)
    ap.add_argument("--turbo-sample", type=int, default=2000)
    ap.add_argument("--pyshacl-sample", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--growth", help="comma-separated order counts: measure only how a check grows with them")
    ap.add_argument("--engine", default="store", choices=check.ENGINES)
    ap.add_argument("--scenario", help="a scenario file applied before each --growth check")
    ap.add_argument("--customers", type=int, default=12, help="recurring consignees of the --growth orders")
    ap.add_argument("--measure", help=argparse.SUPPRESS)  # one --growth check, in its own process
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.engine, args.scenario)))
        return
    if args.growth:
        growth([int(x) for x in args.growth.split(",")], args.engine, args.scenario, args.customers, args.seed)
        return
    rows: list[tuple[str, str]] = []

    def step(label: str, value: str) -> None:
        rows.append((label, value))
        print(f"  {label}: {value}", file=sys.stderr, flush=True)

    t = time.perf_counter()
    lines, stakes = world(args.orgs, args.seed)
    step(
        f"generate {args.orgs:,} orgs",
        f"{time.perf_counter() - t:.1f} s, {len(lines):,} triples, {len(stakes):,} stakes",
    )
    graph = ExportGraph.open()
    t = time.perf_counter()
    load_world(graph, lines)
    del lines
    step("load into pyoxigraph (with the bundled graph)", f"{time.perf_counter() - t:.1f} s, RSS {rss_mb():,.0f} MB")
    for day in (dt.date(2025, 10, 15), dt.date(2026, 3, 1)):
        t = time.perf_counter()
        graph.coverage.ensure([day])
        took = time.perf_counter() - t
        counts = {
            str(r["s"]).rsplit("#", 1)[-1]: int(r["n"])
            for r in graph.store.select(
                "SELECT ?s (COUNT(*) AS ?n) WHERE { ?c eg:coverageStatus ?s ; eg:validFrom ?f } GROUP BY ?s"
            )
        }
        step(
            f"50% covered set, store to result, as of {day} (target <= 1 s)",
            f"{took:.2f} s ({counts}, {graph.coverage.rounds})",
        )
    with tempfile.TemporaryDirectory() as tmp:
        orders = Path(tmp) / "orders.csv"
        write_orders(orders, args.orders, args.orgs, args.seed)
        t = time.perf_counter()
        result = graph.check(orders)
        took = time.perf_counter() - t
        tally: dict[str, int] = {}
        for v in result:
            tally[v.verdict] = tally.get(v.verdict, 0) + 1
        step(
            f"check {args.orders:,} orders with explanations, store engine (target <= 20 s)",
            f"{took:.1f} s {tally}, RSS {rss_mb():,.0f} MB",
        )
        for engine, size in (("turbo", args.turbo_sample), ("pyshacl", args.pyshacl_sample)):
            if not size:
                continue
            sample = Path(tmp) / f"sample-{engine}.csv"
            with orders.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
                for k, line in enumerate(src):
                    if k > size:
                        break
                    dst.write(line)
            base = [v.to_dict() for v in graph.check(sample)]
            t = time.perf_counter()
            other = [v.to_dict() for v in graph.check(sample, engine=engine)]
            step(
                f"{engine} on {size:,} of the orders (verdicts identical: {other == base})",
                f"{time.perf_counter() - t:.1f} s",
            )
    if args.rdflib_orgs:
        for label, value in rdflib_vs_oxigraph(args.rdflib_orgs, args.seed):
            step(label, value)
    width = max(len(label) for label, _ in rows)
    print(f"{'measure'.ljust(width)}  result")
    print(f"{'-' * width}  ------")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print(f"\npeak RSS {rss_mb():,.0f} MB; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
