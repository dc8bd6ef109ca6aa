"""One SparkSession per process: ``--spark-master`` (``EXPORTGRAPH_SPARK_MASTER``), else Spark
Connect at ``SPARK_REMOTE``, else ``local[*]`` (every core of this machine). Spark's driver listens
on loopback only in local mode."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from .. import settings
from ..errors import InputError
from . import require

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"


def master() -> str:
    """Where the jobs run, as the settings say (a ``sc://`` address for Spark Connect)."""
    remote = settings.spark_remote()
    return settings.spark_master() or remote or DEFAULT_MASTER


def session() -> SparkSession:
    """The active session, or a new one (a clear error when pyspark or Java is missing)."""
    require("pyspark")
    from pyspark.sql import SparkSession

    where = master()
    builder: Any = SparkSession.builder.appName("exportgraph")
    if where.startswith("sc://"):
        builder = builder.remote(where)
    else:
        builder = builder.master(where).config("spark.ui.enabled", "false")
        if where.startswith("local"):  # nothing listens beyond loopback
            settings.spark_local()
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    builder = (
        builder.config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", settings.spark_partitions())
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a master that does not answer
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"Spark did not start at master {where}: {first} (is Java 17 installed, and a master listening "
            "there? Spark's own log above says more)"
        ) from exc
    if not where.startswith("sc://") and spark.sparkContext.getCheckpointDir() is None:
        spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="exportgraph-spark-"))
    return spark
