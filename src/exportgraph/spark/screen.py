"""Screening a names file on Apache Spark (``exportgraph screen NAMES.csv --engine spark``): the same
matches as screening here, scored on Spark's executors.

What a name matches, and how it scores, stays defined once, in :mod:`exportgraph.screen`: this
module only spreads the work. The driver reads and checks the names as the embedded path does
(``screen.read_inputs``: the same errors, naming the same line), and pickles the ``Index`` once. The
names go into Spark as a DataFrame built with Arrow from a pandas frame (position, name as UTF-8
bytes, country: Arrow's strings cannot hold the lone surrogate a name given on the command line can
carry, and the embedded path screens it), spread over partitions (``repartition``: round robin, so
each partition gets its share of easy and costly names). A pandas UDF (``mapInPandas``) scores each
partition's names with ``Index.match``, the very method the embedded path calls (``cdist`` on every
core of the executor, as there), and returns one row per hit: the input's position, the hit's rank
among that input's hits, and the ``Hit``'s fields (an input without a hit gives one row with no
party, so that every position comes back). The rows come back with Arrow (``toPandas``), in input
order, as the same ``Hit`` lists, which ``screen.run.screenings`` turns into the same results: lists
and the 50% rule looked up on the driver, as for the embedded path. A line before and after the job
says what runs, when standard error is a terminal (as the imports' counts).

The index (about 11 MB pickled for the bundled graph) goes to the executors as a broadcast
variable (``SparkContext.broadcast``); each Python worker unpickles it once, on its first
partition, and keeps it for the partitions after (Spark reuses its Python workers). Spark Connect
(``SPARK_REMOTE``) has no ``SparkContext`` and so no broadcast variables: there the pickled index
travels inside the UDF's closure, which the server ships with the job. Either way the executors
need exportgraph and its screening dependencies (rapidfuzz, pypinyin, anyascii) installed; local
mode, which the tests use, has them.

Nothing here is a definition of matching: a change to normalising or scoring in ``screen/`` is a
change to what this returns, and ``tests/test_spark_screen.py`` compares the two paths.
"""

from __future__ import annotations

import gc
import hashlib
import math
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..screen.explain import Hit
from ..screen.index import DEFAULT_THRESHOLD, Index
from .session import session

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.core.broadcast import Broadcast
    from pyspark.core.context import SparkContext
    from pyspark.sql import SparkSession


PER_PARTITION = 200  # fewest names a partition is given: fewer, and starting its task costs more than scoring
NAMES = "pos long, name binary, country string"  # a name as UTF-8 bytes, lone surrogates kept (as Python has them)
HITS = (  # one row per hit (rank 0, 1, ... in the input's order of hits); rank -1, no party: no hit
    "pos long, rank long, party string, name string, matched_name string, matched_kind string, "
    "score long, why array<string>, countries array<string>"
)
COLUMNS = [c.split()[0] for c in HITS.split(", ")]

_loaded: dict[str, Index] = {}  # in an executor's Python worker: the index of the job it scores for


def match(
    index: Index,
    names: Sequence[str],
    countries: Sequence[str | None] | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = 10,
    partitions: int | None = None,
) -> list[list[Hit]]:
    """``index.match(names, countries, threshold=, limit=)`` computed on Spark, over ``partitions``
    partitions of the names (default: one per core of the cluster, at most one per
    ``PER_PARTITION`` names)."""
    countries = list(countries) if countries is not None else [None] * len(names)
    if len(countries) != len(names):
        raise ValueError(f"{len(names)} names but {len(countries)} countries")
    # the index itself checks the threshold (the same error as the embedded path) and builds the
    # candidates' blocks for it, so that they are pickled with it rather than built by every worker
    index.match([], threshold=threshold, limit=limit)
    if not names:
        return []
    import pandas as pd

    spark = session()
    context = _context(spark)
    payload = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(payload).hexdigest()
    shared: Broadcast[bytes] | bytes = context.broadcast(payload) if context is not None else payload
    parts = _partitions(spark, context, len(names), partitions)
    written = [n.encode("utf-8", "surrogatepass") for n in names]  # Arrow's strings could not hold every str
    frame = pd.DataFrame({"pos": range(len(names)), "name": written, "country": countries})
    started = time.monotonic()
    _say(f"screen on spark: {len(names):,} names in {parts} partitions")
    try:
        df = spark.createDataFrame(frame, schema=NAMES).repartition(parts)
        scored = df.mapInPandas(_scorer(shared, digest, threshold, limit), schema=HITS)
        rows = scored.toPandas()  # (Spark shows the job's progress on standard error)
    finally:
        if not isinstance(shared, bytes):
            shared.destroy()
    _say(f"screen on spark: {len(names):,} names in {time.monotonic() - started:.1f} s")
    return _collect(rows, len(names))


def _scorer(
    shared: Broadcast[bytes] | bytes, digest: str, threshold: int, limit: int
) -> Callable[[Iterable[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function ``mapInPandas`` runs on each partition. It is pickled with what it holds (the
    broadcast's handle, or the pickled index itself under Spark Connect); the functions it calls
    are this module's, imported in the worker, so the worker's ``_loaded`` outlives the task."""

    def score(batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _score(batches, _index(digest, shared), threshold, limit)

    return score


def _index(digest: str, shared: Broadcast[bytes] | bytes) -> Index:
    """The index this job scores with: unpickled on the worker's first partition, then kept."""
    index = _loaded.get(digest)
    if index is None:
        _loaded.clear()  # an index of an earlier job
        gc.disable()  # millions of small objects (as ``screen.kept.load``)
        try:
            index = pickle.loads(shared if isinstance(shared, bytes) else shared.value)
        finally:
            gc.enable()
        _loaded[digest] = index
    return index


def _score(batches: Iterable[pd.DataFrame], index: Index, threshold: int, limit: int) -> Iterator[pd.DataFrame]:
    """One partition's names, a batch of Arrow records at a time, scored by ``Index.match``."""
    import pandas as pd

    for batch in batches:
        countries = [c if isinstance(c, str) else None for c in batch["country"].tolist()]
        names = [bytes(n).decode("utf-8", "surrogatepass") for n in batch["name"].tolist()]
        found = index.match(names, countries, threshold=threshold, limit=limit)
        rows: list[tuple[Any, ...]] = []
        for pos, hits in zip(batch["pos"].tolist(), found, strict=True):
            if not hits:
                rows.append((pos, -1, None, None, None, None, 0, [], []))
            for rank, h in enumerate(hits):
                row = (h.party, h.name, h.matched_name, h.matched_kind, h.score, list(h.why), list(h.countries))
                rows.append((pos, rank, *row))
        if rows:
            yield pd.DataFrame.from_records(rows, columns=COLUMNS)


def _collect(rows: pd.DataFrame, n: int) -> list[list[Hit]]:
    """The rows back as each input's hits, in input order; every input must have come back, once."""
    rows = rows.sort_values(["pos", "rank"], kind="stable")
    out: list[list[Hit]] = [[] for _ in range(n)]
    seen = [False] * n
    last = (-1, -1)
    for pos, rank, party, name, matched, kind, score, why, countries in rows[COLUMNS].itertuples(index=False):
        pos, rank = int(pos), int(rank)
        if not 0 <= pos < n or (pos, rank) <= last or (rank >= 0 and rank != len(out[pos])):
            raise RuntimeError(f"screen on spark: input {pos} came back out of place (rank {rank})")
        last, seen[pos] = (pos, rank), True
        if isinstance(party, str):  # (no party: None, or NaN as pandas may give it)
            out[pos].append(Hit(party, name, matched, kind, int(score), list(why), tuple(countries)))
    if not all(seen):
        raise RuntimeError(f"screen on spark: {seen.count(False)} of {n} inputs did not come back")
    return out


def _context(spark: SparkSession) -> SparkContext | None:
    """The session's SparkContext; None under Spark Connect, which has none."""
    try:
        return spark.sparkContext
    except Exception:  # pyspark.errors.PySparkNotImplementedError (Spark Connect)
        return None


def _partitions(spark: SparkSession, context: SparkContext | None, n: int, wanted: int | None) -> int:
    if wanted is not None:
        return max(1, min(wanted, n))
    cores = (
        context.defaultParallelism if context is not None else int(spark.conf.get("spark.sql.shuffle.partitions") or 8)
    )
    return max(1, min(cores, math.ceil(n / PER_PARTITION)))


def _say(message: str) -> None:
    """A line of progress on standard error, when it is a terminal (as the imports count records)."""
    if sys.stderr.isatty():
        print(f"\r{message}", file=sys.stderr, flush=True)
