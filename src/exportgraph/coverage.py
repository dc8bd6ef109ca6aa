"""Runs the 50% rule of ``queries/coverage/`` once per period in which its inputs do not change,
and the ultimate parents of that period (majority links valid in it, dated or not).

The rules live in the SPARQL updates; this module only finds the periods the requested days fall
in, runs the updates for each period not yet computed and repeats the two fixpoint steps until
they add nothing. The results stay in the store (a named graph) until the data changes.

On an embedded store the same nodes are computed on columnar tables read once from the store
(``tables``: the ``tables`` engine), which is much faster than a SPARQL round
per depth; the updates stay the definition and run on remote stores, for data the tables refuse
(``fallback`` says why) and when ``engine="sparql"`` (``EXPORTGRAPH_COVERAGE_ENGINE``).
``engine="spark"`` runs the fixpoint on Apache Spark over the same tables written as Parquet
(``spark.affiliates``); everything else about a period is the tables engine's.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import paths, settings
from .errors import InputError
from .store import EmbeddedStore, Store
from .store.graphs import COVERAGE as GRAPH
from .tables import stamp as stamps

if TYPE_CHECKING:  # numpy: the tables are imported when the rule first runs (a cold start needs none)
    from .tables.columns import Tables

_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?c eg:validFrom ?from }} }}"
MAX_ROUNDS = 100
ENGINES = ("tables", "sparql", "spark")
TABLES_FILE = "tables.npz"  # in a store's directory


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date | None  # the last day, None when open-ended

    def bindings(self, day: dt.date) -> dict:
        return {"asOf": day, "from": self.start, "to": self.end}


class Coverage:
    """The materialised 50% rule of one store. ``reset()`` when the data changes."""

    def __init__(self, store: Store, engine: str | None = None) -> None:
        self.store = store
        if engine is not None and engine not in ENGINES:
            raise ValueError(f"unknown coverage engine {engine!r}; expected one of {', '.join(ENGINES)}")
        setting = settings.coverage_engine()
        if engine is None and setting is not None and setting not in ENGINES:
            raise InputError(f"EXPORTGRAPH_COVERAGE_ENGINE={setting!r}: expected one of {', '.join(ENGINES)}")
        chosen = engine or setting or ("tables" if isinstance(store, EmbeddedStore) else "sparql")
        if chosen == "spark" and not isinstance(store, EmbeddedStore):
            raise InputError("--engine spark reads the tables of the bundled graph or a --store, not a remote store")
        self.engine = chosen
        self._spark: Any = None  # the stakes as a Spark DataFrame (engine spark)
        self.fallback: str | None = None  # why the tables engine left the data to the SPARQL
        self._tables: Tables | None = None
        self._changes: list[dt.date] | None = None
        self._done: set[dt.date] = set()
        self._lock = threading.RLock()  # one computation per period, whichever thread asks first
        self.rounds: dict[dt.date, int] = {}
        text = {p.name: p.read_text(encoding="utf-8") for p in (paths.QUERIES / "coverage").iterdir()}
        self._listed, self._covered = text["01-listed.ru"], text["02-covered.ru"]
        self._possible, self._stakes = text["03-possibly-covered.ru"], text["04-covering-stakes.ru"]
        self._change_dates = text["change-dates.rq"]
        self._via = text["05-covered-via.ru"]
        self._parent_links, self._parents = text["06-parent-links.ru"], text["07-ultimate-parents.ru"]

    def reset(self) -> None:
        self.store.update(f"DROP SILENT GRAPH <{GRAPH}>")
        self._tables, self.fallback, self._spark = None, None, None
        self._changes = None
        self._done.clear()
        self.rounds.clear()

    def changes(self) -> list[dt.date]:
        """The sorted days on which a listing or stake the rule reads starts or stops holding."""
        if self._changes is None:
            days = set()
            for r in self.store.select(self._change_dates):
                day = r["day"]
                if isinstance(day, dt.date):
                    days.add(day + dt.timedelta(days=1) if r["kind"] == "end" else day)
            self._changes = sorted(days)
        return self._changes

    def period(self, day: dt.date) -> Period:
        changes = self.changes()
        i = bisect.bisect_right(changes, day)
        start = changes[i - 1] if i else dt.date(1, 1, 1)
        end = changes[i] - dt.timedelta(days=1) if i < len(changes) else None
        return Period(start, end)

    def ensure(self, days: Iterable[dt.date]) -> list[Period]:
        """Materialise the coverage of every period holding one of ``days``; return the new ones."""
        new = []
        for period in sorted({self.period(d) for d in days}, key=lambda p: p.start):
            if period.start in self._done:
                continue
            with self._lock:
                if period.start in self._done:
                    continue
                self._compute(period)
                self._done.add(period.start)
            new.append(period)
        return new

    def _compute(self, period: Period) -> None:
        day = period.start if period.start.year > 1 else (period.end or dt.date.today())
        found = self.tables()
        if found is not None and isinstance(self.store, EmbeddedStore):
            from .tables.columns import Unsupported

            try:
                data, depth = self._period(found, period, day).run()
            except Unsupported as exc:  # a percent Spark's decimals would round: the SPARQL runs
                self.fallback = str(exc)
                return self._compute(period)
            self.store.load_derived(data, GRAPH)
            self.rounds[period.start] = depth
            return
        values = period.bindings(day)
        self.store.update(self._listed, values)
        depth = self._fixpoint(self._covered, values, 0, 0)
        depth = self._fixpoint(self._possible, values, depth, None)
        self.store.update(self._stakes, values)
        self.store.update(self._via, values)
        self.store.update(self._parent_links, values)
        self.store.update(self._parents, values)
        self.rounds[period.start] = depth

    def _period(self, found: Tables, period: Period, day: dt.date):
        if self.engine == "spark":
            from .spark import require

            require()
            from .spark import affiliates as spark

            if self._spark is None:
                self._spark = spark.Stakes(found)
            return spark.Period(self._spark, found, period.start, period.end, day, MAX_ROUNDS)
        from .tables import affiliates

        return affiliates.Period(found, period.start, period.end, day, MAX_ROUNDS)

    def tables(self) -> Tables | None:
        """The columnar tables of the store's data (read once until ``reset``), or ``None`` when the
        SPARQL engine runs (chosen, a remote store, or data the tables refuse: ``fallback``)."""
        if self.engine == "sparql" or self.fallback is not None or not isinstance(self.store, EmbeddedStore):
            return None
        from .tables.columns import Unsupported  # numpy: loaded when the rule first runs

        if self._tables is None:
            try:
                self._tables = self._open_or_read(self.store)
            except Unsupported as exc:
                self.fallback = str(exc)
                return None
        return self._tables

    @staticmethod
    def _open_or_read(store: EmbeddedStore) -> Tables:
        """A store on disk: the tables saved beside it if they carry its data stamp, else read from
        it and saved (where the directory is writable). A store in memory: read from it."""
        from .tables import files, read

        disk = store.persistent()
        if disk is None:
            return read.read(store)
        path = disk.directory / TABLES_FILE
        stamp = stamps.stamp(store)
        if stamp is None:  # a store from before the stamps
            stamps.renew_stamp(store)
            stamp = stamps.stamp(store)
        assert stamp is not None
        found = files.open_saved(path, stamp)
        if found is not None:
            found.store = store
            return found
        tables = read.read(store)
        with contextlib.suppress(OSError):
            files.save(tables, path, stamp)
        return tables

    def _fixpoint(self, update: str, values: dict, depth: int, prev: int | None) -> int:
        """Semi-naive: each round only looks at parties owned by those the last round added
        (``prev``; ``None`` for every party already reached). Returns the last depth used."""
        before = self._count()
        for _ in range(MAX_ROUNDS):
            depth += 1
            self.store.update(update, {**values, "depth": depth, "prev": prev})
            after = self._count()
            if after == before:
                return depth - 1
            before, prev = after, depth
        raise RuntimeError(f"the 50% rule did not settle in {MAX_ROUNDS} rounds")

    def _count(self) -> int:
        return int(self.store.select(_COUNT)[0]["n"])
