"""The three SHACL engines (the bulk store engine, pyshacl-turbo and pyshacl) on a small world: the
same results. A module of its own (from ``test_check.py``): pyshacl makes it the slowest test of
the orders' checks, and ``--dist loadfile`` can run it beside them on the other worker."""

from __future__ import annotations

import datetime as dt
import glob

from exportgraph import ExportGraph, check, paths

FIX = "tests/fixtures/check/"
ORDERS = FIX + "orders.csv"


def test_the_engines_agree_on_a_small_world():
    """The bulk store engine, pyshacl-turbo and pyshacl give the same results on the same data."""
    files = sorted(glob.glob(str(paths.CURATED / "*.ttl"))) + [str(paths.GENERATED / "countries.ttl")]
    small = ExportGraph.open(files + [FIX + "parties.csv", FIX + "ownership.csv", FIX + "listings.csv"], bundled=False)
    small.store.update(f"DROP SILENT GRAPH <{check.ORDERS_GRAPH}>")
    listed = check.load(small.store, ORDERS, dt.date(2025, 1, 1), small.parties.resolve_name)
    check.prepare(small.store, small.coverage, listed)
    data = small.context()
    store = set(check.run_store(small.store))
    assert len(store) > 30
    assert set(check.run_shacl(data, "turbo")) == store
    assert set(check.run_shacl(data, "pyshacl")) == store
