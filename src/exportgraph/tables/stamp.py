"""The data stamp of a store on disk (``graph/meta``): renewed by every derivation, carried by the
tables saved beside the store, which are read only while the two agree. No numpy here: the stamp
is renewed on paths (opening, importing) that need not load the tables."""

from __future__ import annotations

import uuid

from .. import queries
from ..store import EmbeddedStore


def stamp(store: EmbeddedStore) -> str | None:
    """The data stamp of a store on disk (renewed by every derivation), or ``None``."""
    rows = store.select(queries.text("internal/tables/stamp"))
    return str(rows[0]["stamp"]) if rows else None


def renew_stamp(store: EmbeddedStore) -> None:
    """Give a store on disk a new data stamp: its saved tables are stale from now on."""
    store.update(queries.text("internal/tables/renew-stamp"), {"stamp": uuid.uuid4().hex})
