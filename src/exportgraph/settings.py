"""Every environment variable exportgraph reads, with its default; nothing else reads os.environ."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def shared_data_dir() -> Path:
    """Where ``exportgraph build`` finds the public datasets (``EXPORTGRAPH_DATA_DIR``).

    The default is the ``shared/data`` folder beside a checkout, which is where the project keeps them.
    """
    env = os.environ.get("EXPORTGRAPH_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


_chosen: dict[str, str] = {}  # what the command line chose, over the environment (``choosing``)


def _get(name: str) -> str | None:
    value = _chosen.get(name) or os.environ.get(name)
    return value if value else None


@contextlib.contextmanager
def choosing(**values: str | None) -> Iterator[None]:
    """Command-line options that stand in for settings while a command runs, e.g.
    ``choosing(EXPORTGRAPH_ENGINE="spark")``; ``None`` leaves a setting as it is."""
    before = dict(_chosen)
    _chosen.update({k: v for k, v in values.items() if v})
    try:
        yield
    finally:
        _chosen.clear()
        _chosen.update(before)


def store_dir() -> str | None:
    """The persistent store the CLI opens when no ``--store`` is given (``EXPORTGRAPH_STORE``)."""
    return _get("EXPORTGRAPH_STORE")


def coverage_engine() -> str | None:
    """How the 50% rule is computed (``EXPORTGRAPH_COVERAGE_ENGINE``, else ``engine()``): ``tables``
    (the default on an embedded store), ``sparql`` (the updates of ``queries/coverage/``, always
    used on a remote store) or ``spark``."""
    return _get("EXPORTGRAPH_COVERAGE_ENGINE") or engine()


def engine() -> str | None:
    """The engine of the whole-graph jobs (``--engine``, ``EXPORTGRAPH_ENGINE``): ``spark`` runs
    the 50% rule and screening on Apache Spark; unset, they run in this process."""
    return _get("EXPORTGRAPH_ENGINE")


def spark_master() -> str | None:
    """Spark's master (``--spark-master``, ``EXPORTGRAPH_SPARK_MASTER``); unset: Spark Connect at
    ``SPARK_REMOTE`` if that is set, else ``local[*]``."""
    return _get("EXPORTGRAPH_SPARK_MASTER")


def spark_remote() -> str | None:
    """A Spark Connect server (``SPARK_REMOTE``, e.g. ``sc://host:15002``), Spark's own setting."""
    return _get("SPARK_REMOTE")


def spark_local() -> None:
    """Spark in local mode, unless the user set these: it binds to loopback only (``SPARK_LOCAL_IP``,
    read by the JVM pyspark starts), and its Python workers run this interpreter, which has
    exportgraph (``PYSPARK_PYTHON``; pyspark's default is the ``python3`` on the PATH)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def spark_partitions() -> str:
    """Partitions of a shuffle on Spark (``EXPORTGRAPH_SPARK_PARTITIONS``, default 8)."""
    return _get("EXPORTGRAPH_SPARK_PARTITIONS") or "8"


def endpoint() -> str | None:
    """The remote SPARQL store the CLI works on when no ``--endpoint`` is given (``EXPORTGRAPH_ENDPOINT``)."""
    return _get("EXPORTGRAPH_ENDPOINT")


def update_endpoint() -> str | None:
    """Its SPARQL Update URL (``EXPORTGRAPH_UPDATE_ENDPOINT``)."""
    return _get("EXPORTGRAPH_UPDATE_ENDPOINT")


def graph() -> str | None:
    """The named graph written on a remote store (``EXPORTGRAPH_GRAPH``)."""
    return _get("EXPORTGRAPH_GRAPH")


def token() -> str | None:
    """The bearer token ``serve --allow-update`` requires (``EXPORTGRAPH_TOKEN``)."""
    return _get("EXPORTGRAPH_TOKEN")


def endpoint_credentials() -> tuple[str, str, bool] | None:
    """The remote store's user, password and whether to use digest authentication
    (``EXPORTGRAPH_ENDPOINT_USER``, ``EXPORTGRAPH_ENDPOINT_PASSWORD``, ``EXPORTGRAPH_ENDPOINT_AUTH``:
    ``basic``, the default, or ``digest``); ``None`` without a user."""
    user = _get("EXPORTGRAPH_ENDPOINT_USER")
    if user is None:
        return None
    return (
        user,
        os.environ.get("EXPORTGRAPH_ENDPOINT_PASSWORD", ""),
        os.environ.get("EXPORTGRAPH_ENDPOINT_AUTH", "basic").lower() == "digest",
    )


def cache_dir() -> Path | None:
    """Where the bundled graph's snapshot is kept (``EXPORTGRAPH_CACHE``, else
    ``$XDG_CACHE_HOME/exportgraph``, else ``~/.cache/exportgraph``); ``None`` when
    ``EXPORTGRAPH_CACHE=off``: every process then parses the Turtle and derives, as before."""
    env = _get("EXPORTGRAPH_CACHE")
    if env is not None:
        return None if env.strip().lower() == "off" else Path(env)
    xdg = _get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "exportgraph"


def columns_given() -> bool:
    """Whether ``COLUMNS`` names a table width (the terminal's width is used otherwise)."""
    return os.environ.get("COLUMNS", "").strip().isdigit()
