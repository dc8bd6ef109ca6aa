"""Checking an orders CSV on Apache Spark (``exportgraph check ORDERS.csv --engine spark``): the
orders spread over partitions, each partition checked by ``ExportGraph.check`` in an executor's
Python worker on its own copy of the graph, the verdicts back in the file's order.

What an order's verdict is stays defined once, in the shapes and ``check``: this module only divides
the orders. That is sound because an order's verdict depends on the order alone, not on the orders
checked with it (``tests/test_check.py`` checks orders together and alone). The driver reads the
CSV (``orders.read_csv``: a missing column or a repeated order id is refused there, naming the
line); each Python worker opens the graph once (the bundled graph and the same ``--data`` files,
which must be readable where the executors run) and keeps it for the partitions after. A row the
check cannot read in full (a bad date, an unknown item) gets ``needs_review`` saying so, as it does
without Spark. A ``--store`` is not opened by several
processes at once, so it is refused here. The verdicts come back pickled, so that the command
prints them exactly as it prints the embedded check's.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Verdict
from ..orders import read_csv
from .session import session

PER_PARTITION = 500  # orders; at least this many per partition
RESULTS = "pos long, verdict binary"
_graphs: dict[str, Any] = {}  # in an executor's Python worker: the graph of the job it checks for


def check(
    path: Path, *, data: Sequence[str], as_of: dt.date, engine: str = "store", partitions: int | None = None
) -> list[Verdict]:
    """``ExportGraph.open(data).check(path, as_of=as_of, engine=engine)``, the orders on Spark."""
    import pandas as pd

    if path.suffix.lower() != ".csv":
        raise InputError("--engine spark checks an orders CSV; an RDF file of orders is checked without it")
    rows = read_csv(path)
    if not rows:
        return []
    spark = session()
    context = spark.sparkContext
    parts = partitions or max(1, min(context.defaultParallelism, -(-len(rows) // PER_PARTITION)))
    frame = pd.DataFrame({"pos": range(len(rows)), "row": [json.dumps(row, ensure_ascii=False) for _, row in rows]})
    job = json.dumps({"data": [str(Path(d).resolve()) for d in data], "as_of": as_of.isoformat(), "engine": engine})
    orders = spark.createDataFrame(frame, schema="pos long, row string").repartition(parts)
    found: Any = orders.mapInPandas(lambda batches: _check(batches, job), RESULTS).toPandas()
    found = found.sort_values("pos")
    if found["pos"].tolist() != list(range(len(rows))):
        raise RuntimeError(f"check on spark: {len(rows)} orders sent, {len(found)} verdicts back")
    return [pickle.loads(v) for v in found["verdict"]]


def _check(batches: Iterable[Any], job: str) -> Iterator[Any]:
    """In an executor: each batch's orders checked, one row per order."""
    import pandas as pd

    spec = json.loads(job)
    graph = _graphs.get(job)
    if graph is None:
        from .. import settings
        from ..api import ExportGraph

        with settings.choosing(EXPORTGRAPH_COVERAGE_ENGINE="tables"):  # not Spark again, inside Spark
            graph = _graphs[job] = ExportGraph.open(spec["data"])
    for batch in batches:
        rows = [json.loads(r) for r in batch["row"]]
        verdicts = graph.check(rows, as_of=dt.date.fromisoformat(spec["as_of"]), engine=spec["engine"])
        yield pd.DataFrame({"pos": batch["pos"], "verdict": [pickle.dumps(v) for v in verdicts]})
