"""The 50% rule's fixpoint on Apache Spark (``--engine spark``, local mode) writes the coverage
graph the tables engine writes, which the SPARQL updates of ``queries/coverage/`` define
(tests/test_coverage_tables.py): on generated worlds, on a hand-made world whose answer comes from
the rule's text, and on the bundled graph. One SparkSession serves the module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_coverage_tables import CHAIN, CHAIN_ENTRIES, DAYS, ENTRY, STAKE, assert_same, world

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.coverage import Coverage
from exportgraph.errors import InputError
from exportgraph.store import EmbeddedStore

pytest.importorskip("pyspark")

pytestmark = pytest.mark.needs("java")


@pytest.fixture(scope="module", autouse=True)
def spark():
    from exportgraph.spark.session import session

    spark = session()
    spark.conf.set("spark.sql.shuffle.partitions", "2")  # tiny worlds: fewer tasks per round
    return spark


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stakes=st.lists(STAKE, min_size=4, max_size=14),
    entries=st.lists(ENTRY, min_size=1, max_size=5),
    links=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=3),
    names=st.lists(st.integers(0, 2), min_size=8, max_size=8),
)
def test_generated_worlds(stakes: list, entries: list, links: list, names: list) -> None:
    store = EmbeddedStore()
    store.load(world(stakes, entries, links, names), "text/turtle")
    coverage = assert_same(store, DAYS[-1:], "tables", "spark")
    assert coverage.fallback is None and coverage.engine == "spark"


def test_a_chain_aggregates_and_loops() -> None:
    """90 FR 47201 (15 CFR 744.11(a)(3) as amended): owned 50% or more "directly or indirectly,
    individually or in the aggregate" by listed parties. p0 listed; p2 60% owned by p0 (covered,
    round 1); p1 30% by p0 and 25% by p2 (55% in the aggregate, round 2); p5 owned by p1 through a
    stake of unknown size (possibly covered: a review, never silence)."""
    store = EmbeddedStore()
    store.load(world(CHAIN, CHAIN_ENTRIES, [], [1] * 8), "text/turtle")
    coverage = assert_same(store, [DAYS[-1]], "sparql", "spark")
    assert coverage.rounds[dt.date(2024, 1, 1)] == 3


def test_the_bundled_graph() -> None:
    store = ExportGraph.open().store
    assert isinstance(store, EmbeddedStore)
    coverage = assert_same(store, [dt.date(2025, 10, 1)], "tables", "spark")
    assert coverage.fallback is None


def test_shipped_stakes_are_the_parquet_ones() -> None:
    """On a cluster the stakes go to the executors with the job instead of through Parquet files on
    this machine: the same rows and types either way."""
    from exportgraph.spark.affiliates import Stakes

    tables = ExportGraph.open().coverage.tables()
    assert tables is not None
    parquet, sent = Stakes(tables, ship=False), Stakes(tables, ship=True)
    assert parquet.frame.schema == sent.frame.schema and parquet.rows == sent.rows == len(tables.stakes)
    assert sorted(parquet.frame.collect()) == sorted(sent.frame.collect())


def run(capsys: pytest.CaptureFixture, *argv: str) -> str:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_the_command_line(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """``--engine spark`` gives the JSON the default engine gives, byte for byte: the verdicts of the
    example orders (divided over the executors) and an exposure (the 50% rule of its date on
    Spark). What Spark cannot open is a clear error: a store on disk for checking (one process at a
    time), a remote store for the 50% rule (no tables to read)."""
    orders = ["check", "examples/orders.csv", "--format", "json"]
    assert run(capsys, *orders, "--engine", "spark") == run(capsys, *orders)
    exposure = ["exposure", "Inspur Group", "--as-of", "2025-10-01", "--format", "json"]
    assert run(capsys, *exposure, "--engine", "spark") == run(capsys, *exposure, "--engine", "tables")
    assert main([*orders, "--engine", "spark", "--store", str(tmp_path / "s")]) == 2
    assert "not with --store" in capsys.readouterr().err
    with pytest.raises(InputError, match="--engine spark reads the tables of the bundled graph or a --store"):
        Coverage(cast(EmbeddedStore, object()), "spark")  # a store that is not embedded: a remote one


def test_without_the_spark_extra_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m == "pandas" else find(m, *a))
    assert main(["screen", "--name", "Inspur Taiwan", "--engine", "spark"]) == 2
    assert "--engine spark needs pandas: pip install 'exportgraph[spark]'" in capsys.readouterr().err
    assert main(["check", "examples/orders.csv", "--engine", "spark"]) == 2
    assert "needs pandas" in capsys.readouterr().err


def test_dump_parquet_writes_the_tables(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import pyarrow.parquet as pq

    graph = ExportGraph.open()
    tables = graph.coverage.tables()
    assert tables is not None
    run(capsys, "dump", "--format", "parquet", "-o", str(tmp_path / "t"))
    stakes = pq.read_table(tmp_path / "t" / "stakes.parquet").to_pydict()
    assert stakes["iri"] == tables.stakes.iri and stakes["owner"] == tables.stakes.owner.tolist()
    assert pq.read_table(tmp_path / "t" / "parties.parquet").to_pydict()["iri"] == tables.parties
    assert pq.read_table(tmp_path / "t" / "entries.parquet").num_rows == len(tables.entries.party)
    (tmp_path / "file").write_text("x")
    assert main(["dump", "--format", "parquet", "-o", str(tmp_path / "file")]) == 2
    assert "parquet writes a directory" in capsys.readouterr().err


def test_orders_divided_over_partitions(tmp_path: Path, bundled: ExportGraph) -> None:
    """An orders file checked on Spark in three partitions (round robin, so out of the file's order)
    gives every order the verdict the embedded check gives, in the file's order, a row with a bad
    date included (needs_review saying so, as without Spark)."""
    from exportgraph.spark.check import check

    lines = Path("examples/orders.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    many = [header] + [f"{k}-{row}" for k in range(3) for row in rows]  # the ids made distinct
    oid, _, rest = many[20].split(",", 2)
    many[20] = f"{oid},2025-13-01,{rest}"  # a month 13
    orders = tmp_path / "orders.csv"
    orders.write_text("\n".join(many) + "\n", encoding="utf-8")
    day = dt.date(2025, 10, 1)
    spark = check(orders, data=[], as_of=day, partitions=3)
    assert [v.to_dict() for v in spark] == [v.to_dict() for v in bundled.check(orders, as_of=day)]
    assert [v.order_id for v in spark] == [line.split(",")[0] for line in many[1:]]
    assert spark[19].verdict == "needs_review" and "unresolved-input" in spark[19].rules
    with pytest.raises(InputError, match="orders CSV"):
        check(tmp_path / "orders.ttl", data=[], as_of=day)
