"""The columnar tables as Parquet files, what ``exportgraph dump --format parquet`` writes and the
Spark jobs read: ``parties.parquet`` (id, iri), ``stakes.parquet`` (one row per stake: its row
number, owner and owned party ids, first and last day as proleptic ordinals, the flags, and the
percents as their canonical decimal texts), ``entries.parquet`` (list entries, days as ordinals)
and ``subsidiary.parquet``. Each file is written to a temporary name and renamed."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..tables.columns import PERCENTS, Tables, Unsupported

SCALE = 18  # the percents are cast to DECIMAL(38, 18) in Spark: exact for every percent this admits
FILES = ("parties", "stakes", "entries", "subsidiary")


def stakes_table(tables: Tables) -> pa.Table:
    s = tables.stakes
    columns: dict[str, pa.Array] = {
        "row": pa.array(np.arange(len(s), dtype=np.int64)),
        "iri": pa.array(s.iri, pa.string()),
    }
    for c in ("owner", "owned", "start", "end"):
        columns[c] = pa.array(np.asarray(getattr(s, c), dtype=np.int64))
    for c in ("typed", "cwe", "voting_only"):
        columns[c] = pa.array(np.asarray(getattr(s, c), dtype=bool))
    columns["integer"] = pa.array(np.asarray(s.integer, dtype=np.int8))
    for k in PERCENTS:
        texts = s.texts[k]
        for text in set(texts):
            _fits(text)
        columns[k] = pa.array([t or None for t in texts], pa.string())
    return pa.table(columns)


def _fits(text: str) -> None:
    """Refuse a percent DECIMAL(38, 18) would round (the tables engine then runs instead)."""
    if not text:
        return
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(fraction) > SCALE or len(whole) > 38 - SCALE:
        raise Unsupported(f"a percent with more digits than Spark's DECIMAL(38, {SCALE}) holds exactly: {text}")


def write(tables: Tables, directory: Path) -> dict[str, Path]:
    """Write the tables into ``directory`` (made if missing); the paths written, by table."""
    directory.mkdir(parents=True, exist_ok=True)
    e = tables.entries
    data = {
        "parties": pa.table({"id": pa.array(range(len(tables.parties)), pa.int64()), "iri": tables.parties}),
        "stakes": stakes_table(tables),
        "entries": pa.table(
            {
                "party": pa.array(e.party, pa.int64()),
                "list": pa.array(e.list_iri, pa.string()),
                "added": pa.array(e.added, pa.int64()),
                "added_text": pa.array(e.added_text, pa.string()),
                "removed": pa.array(e.removed, pa.int64()),
                "cites": pa.array(e.cites, pa.string()),
            }
        ),
        "subsidiary": pa.table(
            {
                "owned": pa.array([a for a, _ in tables.subsidiary], pa.int64()),
                "owner": pa.array([b for _, b in tables.subsidiary], pa.int64()),
            }
        ),
    }
    written = {}
    for name, table in data.items():
        path = directory / f"{name}.parquet"
        partial = path.with_name(f".{name}.{os.getpid()}.partial.parquet")
        pq.write_table(table, partial)
        partial.replace(path)
        written[name] = path
    return written
