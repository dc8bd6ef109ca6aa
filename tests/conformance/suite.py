"""The conformance suite's cases (``cases/<group>/``) and how they are run.

Each group holds an orders CSV, optional parties, ownership and listings CSVs, an optional
``scenario.ttl`` and ``expected.csv`` (see ``README.md``). Groups without a scenario are run
together in one graph: their party ids are prefixed with the group's name so that they cannot
collide, which also checks that one group's parties change nothing in another's verdicts. A group
with a scenario, or one whose ownership rows link two organisations of the bundled graph (which
would change what the other groups see), runs in a graph of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from exportgraph import ExportGraph, check

CASES = Path(__file__).parent / "cases"
KINDS = ("parties", "ownership", "listings")
# where each kind of CSV names parties
PARTY_COLUMNS = {
    "parties": ("id",),
    "ownership": ("owner", "owned"),
    "listings": ("party",),
    "orders": ("seller", "buyer", "consignee", "end_user"),
}


@dataclass(frozen=True)
class Expected:
    group: str
    order_id: str
    verdicts: frozenset[str]
    rules: frozenset[str]
    may_fire: frozenset[str]
    cfr: str
    fr: str
    why: str
    unclear: str
    review_policies: frozenset[str] = frozenset()  # any of them, in a reason of a rule that must fire


def _split(text: str, sep: str) -> frozenset[str]:
    return frozenset(x.strip() for x in (text or "").split(sep) if x.strip())


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def groups() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.csv").is_file())


def expectations() -> list[Expected]:
    out = []
    for group in groups():
        for row in read_rows(CASES / group / "expected.csv")[1]:
            out.append(
                Expected(
                    group,
                    row["order_id"],
                    _split(row["verdict"], "|"),
                    _split(row["rules"], ";"),
                    _split(row["may_fire"], ";"),
                    row["cfr"],
                    row["fr"],
                    row["why"],
                    row["unclear"],
                    _split(row.get("review_policy", ""), "|"),
                )
            )
    return out


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _leg(text: str, rename) -> str:
    ref, at, cc = text.partition("@")
    return rename(ref.strip()) + at + cc


def prefixed(group: str, out: Path) -> tuple[list[Path], Path]:
    """The group's CSVs written into ``out`` under names of their own, party ids prefixed with the group."""
    src = CASES / group
    ids = {r["id"] for r in read_rows(src / "parties.csv")[1]} if (src / "parties.csv").exists() else set()

    def rename(ref: str) -> str:
        return f"{group}--{ref}" if ref in ids else ref

    data = []
    for kind in (*KINDS, "orders"):
        path = src / f"{kind}.csv"
        if not path.exists():
            continue
        header, rows = read_rows(path)
        for row in rows:
            for col in PARTY_COLUMNS[kind]:
                row[col] = rename(row.get(col) or "")
            if kind == "orders":
                row["intermediaries"] = ";".join(
                    _leg(x, rename) for x in (row["intermediaries"] or "").split(";") if x.strip()
                )
        target = out / f"{group}-{kind}.csv"
        _write(target, header, rows)
        if kind != "orders":
            data.append(target)
    return data, out / f"{group}-orders.csv"


def isolated(group: str) -> bool:
    src = CASES / group
    if (src / "scenario.ttl").exists():
        return True
    if not (src / "ownership.csv").exists():
        return False
    ids = {r["id"] for r in read_rows(src / "parties.csv")[1]} if (src / "parties.csv").exists() else set()
    return any(r["owner"] not in ids and r["owned"] not in ids for r in read_rows(src / "ownership.csv")[1])


def shared_files(out: Path, names: list[str] | None = None) -> tuple[list[Path], Path]:
    """The data files of every group that can share one graph (``names``: a subset), written into
    ``out``, and the orders of those groups in one CSV."""
    together = [g for g in (names or groups()) if not isolated(g)]
    data, orders = [], []
    for g in together:
        d, o = prefixed(g, out)
        data += d
        orders.append(o)
    header = read_rows(orders[0])[0]
    _write(out / "all-orders.csv", header, [r for o in orders for r in read_rows(o)[1]])
    return data, out / "all-orders.csv"


def combined(out: Path, names: list[str] | None = None, **remote: str) -> tuple[ExportGraph, Path]:
    """One graph holding the data of every group that can share one (``names``: a subset), and
    the orders of those groups in one CSV. ``remote``: ``ExportGraph.open``'s ``endpoint``,
    ``update_endpoint`` and ``graph``, for a remote store (an empty one: it is loaded here)."""
    data, orders = shared_files(out, names)
    return ExportGraph.open(data, **remote), orders


def alone(g: str, out: Path) -> tuple[ExportGraph, Path]:
    """A graph of its own for one group (with its scenario applied), and its orders."""
    d, o = prefixed(g, out)
    graph = ExportGraph.open(d)
    if (CASES / g / "scenario.ttl").exists():
        graph = graph.with_scenario(CASES / g / "scenario.ttl")
    return graph, o


def run(out: Path, engine: str = "store", together: tuple[ExportGraph, Path] | None = None) -> dict[str, check.Verdict]:
    """Verdicts for every order of every group, keyed by order id (``together``: what
    ``combined(out)`` gives, if the caller has it already)."""
    graph, orders = together or combined(out)
    verdicts = {v.order_id: v for v in graph.check(orders, engine=engine)}
    for g in groups():
        if isolated(g):
            graph, orders = alone(g, out)
            verdicts.update({v.order_id: v for v in graph.check(orders, engine=engine)})
    return verdicts


def judge(e: Expected, v: check.Verdict | None) -> list[str]:
    """What is wrong with the verdict for an expectation ([] = right)."""
    if v is None:
        return [f"{e.order_id}: no verdict"]
    problems = []
    fired = set(v.rules)
    if v.verdict not in e.verdicts:
        problems.append(f"verdict {v.verdict}, expected {'|'.join(sorted(e.verdicts))}")
    if e.rules - fired:
        problems.append(f"missing {', '.join(sorted(e.rules - fired))}")
    extra = fired - e.rules - e.may_fire
    if extra:
        problems.append(f"unexpected {', '.join(sorted(extra))}")
    if e.review_policies and e.rules and v.verdict == check.LICENSE_REQUIRED:
        given = [r.review_policy or "" for r in v.reasons if r.rule in e.rules]
        if not any(p.lower() in g.lower() for p in e.review_policies for g in given):
            wanted = "|".join(sorted(e.review_policies))
            problems.append(f"review policy {' / '.join(sorted(set(given)))!r}, expected {wanted}")
    return problems


def report(verdicts: dict[str, check.Verdict]) -> str:
    """A table of the wrong answers, for reading (``python -m tests.conformance.suite``)."""
    lines = []
    for e in expectations():
        v = verdicts.get(e.order_id)
        wrong = judge(e, v)
        if wrong:
            reasons = "; ".join(f"{r.rule}: {r.message}" for r in (v.reasons if v else ()))[:400]
            lines.append(f"{e.group}/{e.order_id}: {'; '.join(wrong)}\n    why: {e.why}\n    got: {reasons}")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import tempfile

    cli = argparse.ArgumentParser(description="Run the conformance suite; print the wrong answers.")
    cli.add_argument("engine", nargs="?", default="store", help="store (default), turbo or pyshacl")
    cli.add_argument(
        "--endpoint",
        help="run the groups that share a graph on this remote store (an empty one; a group with a "
        "scenario still runs on the embedded store)",
    )
    cli.add_argument("--update-endpoint", help="its SPARQL Update URL (loading, derived facts)")
    cli.add_argument("--graph", help="the named graph to write into (a store whose default graph is the union)")
    args = cli.parse_args()
    remote = {k: v for k, v in vars(args).items() if k != "engine" and v}
    with tempfile.TemporaryDirectory() as tmp:
        started = dt.datetime.now()
        got = run(Path(tmp), engine=args.engine, together=combined(Path(tmp), **remote) if remote else None)
        text = report(got)
        print(text or "all right")
        print(
            f"{sum(1 for e in expectations() if not judge(e, got.get(e.order_id)))}/{len(expectations())} right "
            f"in {(dt.datetime.now() - started).total_seconds():.1f} s"
        )
