"""The seam between exportgraph and where the triples live.

``Store`` is what a reader needs: load RDF, run a SELECT/ASK/CONSTRUCT with bound values, run an
update, dump, flush. ``PersistentStore`` adds what ``imports`` needs of a store on disk: named
graphs written, bulk-loaded, copied, counted and read back, and a directory for staging files.
``EmbeddedStore`` (pyoxigraph, in memory or on disk) is the default; ``store.remote.RemoteStore``
talks to a SPARQL endpoint and is a ``Store`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from .embedded import Bindings, EmbeddedStore, Row, Value


class Store(Protocol):
    writable: bool  # whether updates can be sent (a remote store without an update endpoint cannot)

    def load(self, data: bytes, media_type: str, *, name: str = "data", graph: str | None = None) -> None: ...

    def select(self, sparql: str, bindings: Bindings = None) -> list[Row]: ...

    def ask(self, sparql: str, bindings: Bindings = None) -> bool: ...

    def construct(self, sparql: str, bindings: Bindings = None) -> bytes: ...

    def update(self, sparql: str, bindings: Bindings = None) -> None: ...

    def dump(self, media_type: str = "application/n-triples", *, union: bool = False) -> bytes: ...

    def write_nquads(self, fh: BinaryIO) -> None:
        """The data with its graphs, as N-Quads, streamed into a binary file."""
        ...

    def flush(self) -> None:
        """Make what was written durable (nothing to do for a store in memory or on a server)."""
        ...

    def persistent(self) -> PersistentStore | None:
        """This store, if it keeps what it holds on disk with the bookkeeping imports need."""
        ...

    def __len__(self) -> int: ...


class PersistentStore(Store, Protocol):
    """A store on disk that ``exportgraph import`` can write to (``imports``)."""

    @property
    def directory(self) -> Path:
        """Where the store keeps its files (imports stage theirs there too)."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def extend(self, triples: Iterable[ox.Triple], graph: str) -> None:
        """Add triples to a named graph in one transaction."""
        ...

    def bulk_load(self, path: Path, graph: str | None) -> None:
        """Load an N-Triples file (``.gz``: compressed) into a named graph (or the default graph),
        fast, not one transaction."""
        ...

    def add_graph(self, graph: str) -> None:
        """Create a named graph, empty."""
        ...

    def count(self, graph: str) -> int:
        """How many triples a named graph holds."""
        ...

    def triples(self, graph: str) -> set[ox.Triple]:
        """The triples of one named graph."""
        ...


__all__ = ["Bindings", "Store", "PersistentStore", "EmbeddedStore", "Row", "Value"]
