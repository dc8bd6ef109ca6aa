"""Tables saved beside a store on disk (``tables.npz``): numpy columns and UTF-8 JSON (no pickle),
with the data stamp they were read under; written to a temporary name and renamed, so a reader
sees the old file or the new one."""

from __future__ import annotations

import json
import os
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from .columns import PERCENTS, Entries, Stakes, Tables

FORMAT = 1  # of tables.npz; a file of another format is read again from the store
STAKE_COLUMNS = ("owner", "owned", "start", "end", "typed", "cwe", "voting_only", "integer")


def save(tables: Tables, path: Path, stamp: str) -> None:
    s, e = tables.stakes, tables.entries
    arrays = {f"stake_{c}": getattr(s, c) for c in STAKE_COLUMNS}
    arrays |= {f"stake_{k}": _blob(s.texts[k]) for k in PERCENTS}
    arrays |= {
        "format": np.array([FORMAT]),
        "stamp": _blob([stamp]),
        "parties": _blob(tables.parties),
        "stake_iri": _blob(s.iri),
        "entry_party": np.array(e.party, dtype=np.int64),
        "entry_list": _blob(e.list_iri),
        "entry_added": np.array([-1 if a is None else a for a in e.added], dtype=np.int64),
        "entry_added_text": _blob(e.added_text),
        "entry_removed": np.array([-1 if r is None else r for r in e.removed], dtype=np.int64),
        "entry_cites": _blob(e.cites),
        "labels": _blob([[k, vs] for k, vs in tables.list_labels.items()]),
        "subsidiary": np.array(tables.subsidiary, dtype=np.int64).reshape(-1, 2),
    }
    partial = path.with_name(path.name + f".{os.getpid()}.partial.npz")
    np.savez(partial, **arrays)
    partial.replace(path)  # atomic: a reader sees the old file or the new one


def open_saved(path: Path, stamp: str) -> Tables | None:
    """The tables saved in ``path`` if they carry ``stamp`` (else ``None``: read the store)."""
    started = time.perf_counter()
    try:
        with np.load(path, allow_pickle=False) as f:
            if int(f["format"][0]) != FORMAT or _strings(f["stamp"]) != [stamp]:
                return None
            parties = _strings(f["parties"])
            columns = {c: f[f"stake_{c}"] for c in STAKE_COLUMNS}
            texts = {k: _strings(f[f"stake_{k}"]) for k in PERCENTS}
            stakes = Stakes(_strings(f["stake_iri"]), columns, texts, len(parties))
            added = [None if a < 0 else int(a) for a in f["entry_added"]]
            entries = Entries(
                [int(p) for p in f["entry_party"]],
                _strings(f["entry_list"]),
                added,
                _strings(f["entry_added_text"]),
                [None if r < 0 else int(r) for r in f["entry_removed"]],
                _strings(f["entry_cites"]),
            )
            labels: dict[str, list[str]] = defaultdict(list, _strings(f["labels"]))
            subsidiary = [(int(a), int(b)) for a, b in f["subsidiary"]]
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # missing, partial or of another layout: read the store again
    tables = Tables(parties, stakes, entries, labels, subsidiary)
    tables.seconds, tables.source = time.perf_counter() - started, "file"
    return tables


def _blob(texts: list) -> np.ndarray:
    """A list of strings (or ``None``) as one array of UTF-8 JSON: exact, and read without pickle."""
    return np.frombuffer(json.dumps(texts, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _strings(blob: np.ndarray) -> list:
    return json.loads(blob.tobytes().decode("utf-8"))
