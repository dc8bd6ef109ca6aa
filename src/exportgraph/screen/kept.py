"""The screening index kept beside a persistent store (``--store DIR``): built once for what the
store holds, and read by later processes instead of being built again.

The file, ``screen-index-<stamp>.pickle`` in the store's directory, is named after what the index
is built from: the current generation of every source (``graph/meta``), the mark that derived
facts are current, and the code and tables that build it (this package's modules, ``names.toml``,
the Python version). An import names a new generation, so the next screening finds no file of its
stamp and builds the index again; a stale file is never read, and is removed when a new one is
written or the data changes (``forget``). A store whose derived facts are not marked current (an
import cut short) keeps nothing. The file is the package's own pickle: as trusted as the store's
directory it lives in.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from pathlib import Path

from .. import queries
from ..namespaces import ONTOLOGY_IRI
from ..store import Store
from ..store.embedded import IRI
from .index import DEFAULT_THRESHOLD, Index

FORMAT = "1"
PREFIX = "screen-index-"
DERIVED = ONTOLOGY_IRI + "#derived"
BUILT_FROM = sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parents[1] / "names.toml"]


def stamp(store: Store) -> str | None:
    """What identifies the names of a persistent store the index is built from; None for a store
    in memory or on a server, and for one whose derived facts are not current."""
    if store.persistent() is None or not store.ask(queries.text("imports/marked"), {"mark": IRI(DERIVED)}):
        return None
    generations = sorted(str(r["g"]) for r in store.select(queries.text("imports/source-graphs")))
    h = hashlib.sha256()
    for part in (FORMAT, f"{sys.version_info[0]}.{sys.version_info[1]}", *generations):
        h.update(part.encode() + b"\n")
    for path in BUILT_FROM:
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:32]


def _path(store: Store, stamp: str) -> Path:
    persistent = store.persistent()
    assert persistent is not None
    return persistent.directory / f"{PREFIX}{stamp}.pickle"


def load(store: Store, stamp: str) -> Index | None:
    """The index kept for this stamp, if there is one."""
    path = _path(store, stamp)
    if not path.is_file():
        return None
    gc.disable()  # millions of small objects: the collector would walk them again and again
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
    finally:
        gc.enable()
    return index if isinstance(index, Index) else None


def save(store: Store, stamp: str, index: Index) -> None:
    """Keep the index for this stamp (written whole, then renamed), and remove any other. A store
    whose directory cannot be written keeps nothing: the index is built again next time."""
    path = _path(store, stamp)
    forget(store)
    index.blocks(DEFAULT_THRESHOLD)  # kept with the index: what screening at the default needs
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        with part.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)


def forget(store: Store) -> None:
    """Remove every kept index of a persistent store (the data changed without a new generation)."""
    persistent = store.persistent()
    if persistent is not None:
        for old in persistent.directory.glob(f"{PREFIX}*"):
            old.unlink(missing_ok=True)
