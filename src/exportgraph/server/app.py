"""The endpoint's state (``App``) and its factory: open the graph, build or reuse the Oxigraph
database directory, start the pool."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..api import ExportGraph
from ..errors import ExportGraphError, InputError
from ..store import EmbeddedStore
from ..store.graphs import META, SOURCES
from .pool import Pool
from .procs import OWNER_FILE, STORE_PREFIX, oxigraph_binary, remove_stale_stores

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_JOB_TIMEOUT = 180.0  # seconds a job (/check, /screen, /exposure, /queries/*) may run
MAX_ORDERS = 10_000  # orders per POST /check
MAX_NAMES = 100_000  # names per POST /screen
MAX_CONNECTIONS = 64  # connections served at once; more get 503
HEAD_TIMEOUT = 20.0  # seconds for a request line and headers to arrive (and a kept-alive connection to idle)
BODY_TIMEOUT = 60.0  # seconds for a request body to arrive


class App:
    """The endpoint's state: the graph for jobs, the Oxigraph pool for SPARQL, the settings."""

    def __init__(
        self,
        graph: Any,
        pool: Pool,
        *,
        timeout: float,
        allow_update: bool,
        token: str | None,
        location: Path,
        owns_location: bool,
        job_timeout: float = DEFAULT_JOB_TIMEOUT,
        allow_service: frozenset[str] = frozenset(),
        cors: str | None = None,
        max_connections: int = MAX_CONNECTIONS,
        max_orders: int = MAX_ORDERS,
        max_names: int = MAX_NAMES,
    ) -> None:
        self.graph, self.pool, self.timeout = graph, pool, timeout
        self.allow_update, self.token = allow_update, token
        self.location, self.owns_location = location, owns_location
        self.job_timeout, self.allow_service, self.cors = job_timeout, allow_service, cors
        self.max_connections, self.max_orders, self.max_names = max_connections, max_orders, max_names
        self.orders = threading.Lock()  # checks share the graph of orders
        self.head_timeout, self.body_timeout = HEAD_TIMEOUT, BODY_TIMEOUT
        self.changes = self.loaded = 0  # updates that landed in the database; those the jobs' graph has
        self.reloading, self.counting = threading.Lock(), threading.Lock()
        self.version_of: tuple[Any, dict] | None = None  # the jobs' graph and its data version (/version)

    def changed(self) -> None:
        """The database changed (an update landed, or it was served as it was found): the jobs read
        it again before they next answer, so that they and ``/sparql`` answer on the same facts."""
        with self.counting:
            self.changes += 1

    def jobs_graph(self) -> Any:
        """The graph the jobs answer on: a copy in memory of the SPARQL engines' database, taken
        again when it changed (the jobs write their orders and the 50% rule, which the engines'
        database must not get). No facts are derived again: the jobs see what ``/sparql`` sees."""
        with self.reloading:
            changes = self.changes  # an update landing while the copy is taken is read at the next job
            if self.loaded != changes:
                graph = ExportGraph(EmbeddedStore.snapshot(str(self.location)))
                graph.coverage.reset()  # the copy's 50% rule was computed for the old facts
                self.graph, self.loaded = graph, changes
            return self.graph

    def close(self) -> None:
        self.pool.close()
        self.graph = None  # a --store it opened is free for the next process
        if self.owns_location:
            shutil.rmtree(self.location.parent, ignore_errors=True)


def build_store(graph: Any, location: Path) -> None:
    """Bulk-load the graph (default graph and named graphs) into an Oxigraph directory."""
    with tempfile.NamedTemporaryFile(suffix=".nq", dir=location.parent) as fh:
        graph.store.write_nquads(fh)
        fh.flush()
        done = subprocess.run(
            [oxigraph_binary(), "load", "--location", str(location), "--file", fh.name], capture_output=True, text=True
        )
    if done.returncode != 0:
        raise ExportGraphError(f"loading the graph into {location} failed: {done.stderr.strip()[:500]}")


def is_exportgraph_store(location: Path) -> bool:
    """Whether a directory holds a store written by the `--store` verbs (``ExportGraph.open(store=)``),
    rather than the SPARQL engines' database that ``serve --store`` keeps."""
    if not (location / "CURRENT").exists():
        return False
    try:
        store = ox.Store.read_only(str(location))
    except OSError as exc:
        raise InputError(f"cannot open the store in {location}: {exc}") from None
    try:  # its bookkeeping graph, there from the first open on (even one cut short)
        return any(
            isinstance(g, ox.NamedNode) and (g.value == META or g.value.startswith(SOURCES))
            for g in store.named_graphs()
        )
    finally:
        del store


def _check_options(
    allow_update: bool, token: str | None, sizes: Iterable[float], allow_service: Iterable[str], cors: str | None
) -> None:
    if allow_update and not token:
        raise InputError("--allow-update needs --token (clients send Authorization: Bearer TOKEN)")
    if not all(math.isfinite(x) and x > 0 for x in sizes):
        raise InputError(
            "--timeout, --job-timeout, --max-bytes, --workers, --max-connections, --max-orders "
            "and --max-names must be positive"
        )
    for url in allow_service:
        if not re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", url):
            raise InputError(f"--allow-service {url!r} is not an http(s) IRI")
    if cors is not None and cors != "*" and not re.fullmatch(r"https?://[^/\s]+", cors):
        raise InputError(f"--cors {cors!r}: give an origin (scheme://host[:port]) or *")


def _open_graph(
    data: Sequence[str | Path], store_dir: str | Path | None, allow_update: bool, graph: Any
) -> tuple[Any, str | Path | None]:
    """The graph the jobs answer on, and the SPARQL engines' directory (None: a temporary one)."""
    if graph is None and store_dir and is_exportgraph_store(Path(store_dir)):
        # a store that `--store` verbs and `import` write: the jobs answer on it, and the SPARQL
        # engines get what its queries see (not its per-source copies) in a database of their own
        if allow_update:
            raise InputError(
                f"{store_dir} is a store that `import` writes: change it with `exportgraph "
                "import`; --allow-update would only change a temporary copy"
            )
        graph, store_dir = ExportGraph.open(data, store=store_dir), None
    return graph or ExportGraph.open(data), store_dir


def _start_pool(
    graph: Any, store_dir: str | Path | None, workers: int, allow_update: bool, timeout: float, max_bytes: int
) -> tuple[Pool, Path, bool]:
    """The pool over the directory (built from the graph unless it holds a database), the
    directory and whether it is a temporary one this server removes."""
    owns = store_dir is None
    if owns:  # <tmp>/exportgraph-store-XXXX/{owner.pid, db/}: the next start removes it if this process is killed
        base = Path(tempfile.mkdtemp(prefix=STORE_PREFIX))
        (base / OWNER_FILE).write_text(str(os.getpid()))
        location = base / "db"
    else:
        assert store_dir is not None
        location = Path(store_dir)
    try:
        if not (location / "CURRENT").exists():
            location.mkdir(parents=True, exist_ok=True)
            build_store(graph, location)
        return Pool(location, workers, allow_update, timeout, max_bytes), location, owns
    except BaseException:
        if owns:
            shutil.rmtree(location.parent, ignore_errors=True)
        raise


def make_app(
    data: Sequence[str | Path] = (),
    *,
    store_dir: str | Path | None = None,
    workers: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_update: bool = False,
    token: str | None = None,
    graph: Any = None,
    job_timeout: float = DEFAULT_JOB_TIMEOUT,
    allow_service: Iterable[str] = (),
    cors: str | None = None,
    max_connections: int = MAX_CONNECTIONS,
    max_orders: int = MAX_ORDERS,
    max_names: int = MAX_NAMES,
) -> App:
    """Open the graph, build or reuse the Oxigraph directory, start the pool."""
    sizes = (timeout, max_bytes, workers, job_timeout, max_connections, max_orders, max_names)
    _check_options(allow_update, token, sizes, allow_service, cors)
    remove_stale_stores()
    graph, store_dir = _open_graph(data, store_dir, allow_update, graph)
    found = store_dir is not None and (Path(store_dir) / "CURRENT").exists()  # served as it is
    pool, location, owns = _start_pool(graph, store_dir, workers, allow_update, timeout, max_bytes)
    app = App(
        graph,
        pool,
        timeout=timeout,
        allow_update=allow_update,
        token=token,
        location=location,
        owns_location=owns,
        job_timeout=job_timeout,
        allow_service=frozenset(allow_service),
        cors=cors,
        max_connections=max_connections,
        max_orders=max_orders,
        max_names=max_names,
    )
    if found:  # it may hold other facts than the graph opened (updates of an earlier session)
        app.changed()
    return app
