"""Load benchmark of `exportgraph serve` beside a bare Oxigraph server on the same data; prints a table.

    python benchmarks/bench_serve.py                       # 16 clients, 10,000 requests each run
    python benchmarks/bench_serve.py --clients 8 --requests 2000

Both servers run on loopback ports and serve the same Oxigraph directory (ours builds it; the bare
one is `oxigraph serve-read-only` over it). The clients are 4 processes of `--clients/4` threads,
each thread with one keep-alive connection, sending `GET /sparql?query=...` for the named queries
that answer in a few milliseconds (each with its example parameters bound), in a fixed shuffled
order. Our endpoint also gets `--hostile` hostile queries (a cartesian product under COUNT, an
unbounded property path) mixed in: they must come back 503 at the time limit while the rest is
served. The bare server gets none: its own timeout does not stop them (see src/exportgraph/server.py),
so one would hold a thread for good. A third run sends the same named queries through
`/queries/{name}` (our in-process graph). Memory: resident set of the server and its Oxigraph
processes before and after. Bounded: every request has a 30 s client timeout; loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from exportgraph.namespaces import PREFIXES  # noqa: E402
from exportgraph.queries import catalogue  # noqa: E402
from exportgraph.server import free_port, oxigraph_binary  # noqa: E402
from exportgraph.store.embedded import with_values  # noqa: E402

HOSTILE = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:q>)* ?b }",
]
# The named queries that take under 2 ms on the embedded store (measured with their example parameters);
# the others (list-entries, shared-addresses, ...) scan the whole graph and are not "simple".
SIMPLE = [
    "rule-pages",
    "party-facts",
    "country-groups",
    "routes/via-country",
    "party-listings",
    "rule-changes",
    "rules-in-force",
    "item-classification",
    "chips",
    "chips-by-eccn",
]


def wait_port(port: int, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (from /proc), in MB."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def queries() -> dict[str, str]:
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    out = {}
    cat = catalogue()
    for name in SIMPLE:
        q = cat[name]
        out[name] = prologue + with_values(q.text, q.bind({p.name: p.example for p in q.params}))
    return out


def _client(args) -> list[tuple[float, int, str]]:
    port, paths, threads = args
    results: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    chunks = [paths[i::threads] for i in range(threads)]

    def run(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for kind, path in chunk:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append((time.perf_counter() - t0, status, kind))
        with lock:
            results.extend(mine)

    ts = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def load(port: int, paths: list[tuple[str, str]], clients: int) -> tuple[float, list[tuple[float, int, str]]]:
    procs = 4 if clients >= 4 else 1
    per = [paths[i::procs] for i in range(procs)]
    t0 = time.perf_counter()
    with mp.Pool(procs) as pool:
        parts = pool.map(_client, [(port, p, max(1, clients // procs)) for p in per])
    return time.perf_counter() - t0, [r for part in parts for r in part]


def row(label: str, wall: float, results, rss_before: float, rss_after: float) -> tuple:
    simple = sorted(d for d, s, k in results if k == "simple" and s == 200)
    errors = sum(1 for _, s, k in results if k == "simple" and s != 200)
    hostile = [(d, s) for d, s, k in results if k == "hostile"]
    slowest = max((d for d, _ in hostile), default=0)
    stopped = f"{sum(1 for _, s in hostile if s == 503)}/{len(hostile)} in {slowest:.1f}s" if hostile else "-"

    def pct(p):
        return f"{simple[min(len(simple) - 1, int(p * len(simple)))] * 1000:.1f}" if simple else "-"

    return (
        label,
        len(results),
        errors,
        stopped,
        f"{len(simple) / wall:,.0f}",
        pct(0.5),
        pct(0.95),
        pct(0.99),
        f"{rss_before:.0f} -> {rss_after:.0f}",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--hostile", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    texts = queries()
    rnd = random.Random(1)
    names = [rnd.choice(SIMPLE) for _ in range(args.requests)]
    sparql = [("simple", "/sparql?" + urllib.parse.urlencode({"query": texts[n]})) for n in names]
    bare_paths = [("simple", "/query?" + urllib.parse.urlencode({"query": texts[n]})) for n in names]
    ours_paths = list(sparql)
    for i in range(args.hostile):
        ours_paths.insert(
            (i + 1) * len(ours_paths) // (args.hostile + 1),
            ("hostile", "/sparql?" + urllib.parse.urlencode({"query": HOSTILE[i % len(HOSTILE)]})),
        )
    cat = catalogue()
    named = [
        ("simple", f"/queries/{n}?" + urllib.parse.urlencode({p.name: p.example for p in cat[n].params})) for n in names
    ]

    store = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    port, bare_port = free_port(), free_port()
    ours = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exportgraph",
            "serve",
            "--port",
            str(port),
            "--store",
            str(store / "db"),
            "--workers",
            str(args.workers),
            "--timeout",
            str(args.timeout),
        ],
        stderr=subprocess.DEVNULL,
    )
    bare = None
    table = [
        (
            "endpoint",
            "requests",
            "errors",
            "hostile stopped",
            "simple q/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "RSS MB before -> after",
        )
    ]
    try:
        t0 = time.perf_counter()
        wait_port(port, ours)
        print(f"exportgraph serve up in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        bare = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve-read-only",
                "--location",
                str(store / "db"),
                "--bind",
                f"127.0.0.1:{bare_port}",
                "--union-default-graph",
                "--timeout-s",
                str(int(args.timeout)),
            ],
            stderr=subprocess.DEVNULL,
        )
        wait_port(bare_port, bare)
        load(port, sparql[:200], args.clients)  # warm up both
        load(bare_port, bare_paths[:200], args.clients)

        before = rss_mb(ours.pid)
        wall, res = load(port, ours_paths, args.clients)
        table.append(row("exportgraph /sparql", wall, res, before, rss_mb(ours.pid)))
        before = rss_mb(bare.pid)
        wall, res = load(bare_port, bare_paths, args.clients)
        table.append(row("bare oxigraph /query", wall, res, before, rss_mb(bare.pid)))
        before = rss_mb(ours.pid)
        wall, res = load(port, named, args.clients)
        table.append(row("exportgraph /queries/{name}", wall, res, before, rss_mb(ours.pid)))
    finally:
        for p in (ours, bare):
            if p is not None:
                p.terminate()
                p.wait(timeout=30)
        shutil.rmtree(store, ignore_errors=True)
    widths = [max(len(str(r[i])) for r in table) for i in range(len(table[0]))]
    print(
        f"{args.clients} clients, {args.requests} requests of {len(SIMPLE)} named queries "
        f"({os.cpu_count()} cores; time limit {args.timeout:g} s)"
    )
    for r in table:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
