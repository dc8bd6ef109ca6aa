"""The three SHACL engines (the bulk store engine, pyshacl-turbo and pyshacl) on a small world: the
same results. A module of its own (from ``test_check.py``): pyshacl makes it the slowest test of
the orders' checks, and ``--dist loadfile`` can run it beside them on the other worker."""

from __future__ import annotations

import csv
import datetime as dt
import glob
from pathlib import Path

from exportgraph import ExportGraph, check, paths

FIX = "tests/fixtures/check/"
ORDERS = FIX + "orders.csv"

# pyshacl takes about two seconds an order here (it runs each shape's SPARQL once per order), so it
# answers a sample: for each shape the store engine fires, the first order it fires on (below),
# and these orders on which nothing fires in this world, each near a rule: before the Entity List
# listing, during the Affiliates rule's suspension, 49% owned, after a stake was divested, an H100
# to a German company (its Inspur parent, ownership-inspur.csv, is not in this world: Inspur Group
# is in the bundled graph), an H20 before its rule, a commercial end use
QUIET = ["el-before", "b-susp", "f-49", "g-divested", "hq-parent", "h20-cn-before", "enduse-commercial"]
DATA = [FIX + "parties.csv", FIX + "ownership.csv", FIX + "listings.csv"]


def _world(orders: str) -> ExportGraph:
    files = sorted(glob.glob(str(paths.CURATED / "*.ttl"))) + [str(paths.GENERATED / "countries.ttl")]
    small = ExportGraph.open(files + DATA, bundled=False)
    small.store.update(f"DROP SILENT GRAPH <{check.ORDERS_GRAPH}>")
    listed = check.load(small.store, orders, dt.date(2025, 1, 1), small.parties.resolve_name)
    check.prepare(small.store, small.coverage, listed)
    return small


def _id(r: check.Result) -> str:
    return r.focus.rsplit("/", 1)[-1]  # (the fixture's order ids hold no "/")


def test_the_engines_agree_on_a_small_world(tmp_path: Path):
    """The bulk store engine, pyshacl-turbo and pyshacl give the same results on the same data."""
    small = _world(ORDERS)
    store = set(check.run_store(small.store))
    assert len(store) > 30
    assert set(check.run_shacl(small.context(), "turbo")) == store

    fired: dict[str, str] = {}
    for r in sorted(store, key=lambda r: r.focus):
        fired.setdefault(r.shape, _id(r))
    with open(ORDERS, newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = {row["order_id"] for row in rows}
    assert set(QUIET) <= ids and not {_id(r) for r in store} & set(QUIET)
    sample = set(fired.values()) | set(QUIET)
    with (tmp_path / "sample.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["order_id"] in sample)
    part = _world(str(tmp_path / "sample.csv"))
    expected = {r for r in store if _id(r) in sample}
    assert {r.shape for r in expected} == set(fired) and len(fired) >= 8
    assert set(check.run_store(part.store)) == expected
    assert set(check.run_shacl(part.context(), "pyshacl")) == expected
