"""The fixpoint of the 50% rule on Spark: ``queries/coverage/`` 02 and 03 as rounds of joins and
aggregates over the stakes DataFrame, read from ``stakes.parquet`` (``spark.parquet``).

Round ``d`` sums, for every party not yet reached, the shares of the stakes that count on the day
(02: the lower bound, none for votes alone; 03: the upper bound, an unknown stake as 100) held by
parties reached before round ``d``; a sum of 50 or more reaches the party at depth ``d``. The
reached set is checkpointed each round to cut the lineage, and the rounds stop when it stops
growing. Each reached party comes back with the stakes that add up (held by parties reached before
it), which is what the tables engine's explanations name: the rest (the listed parties, the
explanations' texts, the covering stakes, ``coveredVia``, the ultimate parents) is
``tables.affiliates.Period``'s, so the two engines write the same coverage graph
(``tests/test_spark_coverage.py``). The SPARQL updates stay the definition of the rule.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..tables import affiliates
from ..tables.affiliates import COVERED, Node
from ..tables.columns import Tables
from . import parquet
from .session import master, session

DECIMAL = "decimal(38,18)"


class Stakes:
    """The stakes of one set of tables as a cached Spark DataFrame. In local mode they are written
    as Parquet into a temporary directory Spark reads; on a cluster (``ship``, the default for any
    other master) they go from this process to the executors with the job (an Arrow table), since
    the executors cannot read this machine's temporary files."""

    def __init__(self, tables: Tables, ship: bool | None = None) -> None:
        self.spark = session()
        self._tmp: tempfile.TemporaryDirectory | None = None
        started = time.perf_counter()
        if ship is None:
            ship = not master().startswith("local")
        if ship:
            self.frame = self.spark.createDataFrame(parquet.stakes_table(tables)).cache()
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="exportgraph-parquet-")
            path = parquet.write(tables, Path(self._tmp.name))["stakes"]
            self.frame = self.spark.read.parquet(str(path)).cache()
        self.rows = self.frame.count()  # cached now (the files stay until this object goes)
        self.write_seconds = time.perf_counter() - started

    def counting(self, on: int, status: str) -> Any:
        """The stakes that count on day ``on`` with the share each adds (``share``): 02's lower
        bound or 03's upper bound."""
        from pyspark.sql import functions as F

        s = self.frame.where(~F.col("cwe") & (F.col("start") <= on) & (F.col("end") >= on))
        pc, pmin, pmax = (F.col(k).cast(DECIMAL) for k in ("pc", "pmin", "pmax"))
        if status == COVERED:
            share = F.when(F.col("voting_only"), F.lit(None)).otherwise(F.coalesce(pc, pmin))
            s = s.withColumn("share", share).where(F.col("share") > 0)
        else:
            s = s.withColumn("share", F.coalesce(pc, pmax, F.lit(100).cast(DECIMAL)))
        return s.select("row", "owner", "owned", "share")


class Period(affiliates.Period):
    """``tables.affiliates.Period`` with the fixpoint run on Spark."""

    def __init__(self, stakes: Stakes, tables: Tables, start, end, day, max_rounds: int) -> None:
        super().__init__(tables, start, end, day, max_rounds)
        self.stakes = stakes
        self.seconds = 0.0  # time spent in the Spark rounds

    def fixpoint(self, status: str, depth: int, frontier: list[int]) -> int:
        from pyspark.sql import functions as F

        if not frontier:  # nobody to own anybody: no round to run
            return depth
        started = time.perf_counter()
        spark = self.stakes.spark
        counting = self.stakes.counting(self.on, status).cache()  # read by every round
        reached = spark.createDataFrame([(p, n.depth) for p, n in self.nodes.items()], "party long, depth int")
        first = depth + 1
        for _ in range(self.max_rounds):
            owners = reached.select(F.col("party").alias("owner"))
            done = reached.select(F.col("party").alias("owned"))
            new = (
                counting.join(owners, "owner", "left_semi")
                .join(done, "owned", "left_anti")
                .groupBy("owned")
                .agg(F.sum("share").alias("total"))
                .where(F.col("total") >= 50)
                .select(F.col("owned").alias("party"), F.lit(depth + 1).alias("depth"))
                .localCheckpoint()  # computed now, and the next round's plan starts from it
            )
            if new.isEmpty():
                break
            depth += 1
            reached = reached.unionByName(new)
        else:
            raise RuntimeError(f"the 50% rule did not settle in {self.max_rounds} rounds")
        if depth >= first:
            self._reached(status, counting, reached, first)
        counting.unpersist()
        self.seconds += time.perf_counter() - started
        return depth

    def _reached(self, status: str, counting: Any, reached: Any, first: int) -> None:
        """The parties reached in this step's rounds, each with the stakes that add up: those held
        by parties reached in an earlier round."""
        from pyspark.sql import functions as F

        new = reached.where(F.col("depth") >= first).select(F.col("party").alias("owned"), "depth")
        before = reached.select(F.col("party").alias("owner"), F.col("depth").alias("owner_depth"))
        rows = (
            counting.join(new, "owned")
            .join(before, "owner")
            .where(F.col("owner_depth") < F.col("depth"))
            .groupBy("owned", "depth")
            .agg(F.sort_array(F.collect_list("row")).alias("rows"))
        )
        found = rows.toArrow().to_pydict()  # one job, columnar
        for owned, depth, stakes in zip(found["owned"], found["depth"], found["rows"], strict=True):
            node = Node(status, int(depth))
            for i in stakes:
                share = self.share(i, status)
                assert share is not None  # Spark counted it
                node.stakes.append(i)
                node.total += share.value
                node.integer = node.integer and share.integer
            self.nodes[int(owned)] = node
