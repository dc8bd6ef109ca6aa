"""The whole-graph jobs on Apache Spark (``--engine spark``): the 50% rule, screening a names file
and checking an orders file, on the columnar tables written as Parquet. pyspark is imported only
when a job runs; ``require()`` says what is missing first."""

from __future__ import annotations

import importlib.util

from ..errors import InputError


def require(*modules: str, what: str = "--engine spark") -> None:
    """A clear error, not a traceback, when the ``spark`` extra is not installed."""
    missing = [m for m in (modules or ("pyspark", "pyarrow", "pandas")) if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"{what} needs {', '.join(missing)}: pip install 'exportgraph[spark]'")
