"""The seam between exportgraph and where the triples live.

``Store`` is what the facade needs: load RDF, run a SELECT/ASK/CONSTRUCT with bound values, run an
update. ``EmbeddedStore`` (pyoxigraph, in memory) is the default.
"""

from __future__ import annotations

from typing import Protocol

from .embedded import Bindings, EmbeddedStore, Row, Value


class Store(Protocol):
    def load(self, data: bytes, media_type: str, *, name: str = "data", graph: str | None = None) -> None: ...

    def select(self, sparql: str, bindings: Bindings = None) -> list[Row]: ...

    def ask(self, sparql: str, bindings: dict[str, Value] | None = None) -> bool: ...

    def construct(self, sparql: str, bindings: dict[str, Value] | None = None) -> bytes: ...

    def update(self, sparql: str, bindings: dict[str, Value] | None = None) -> None: ...

    def dump(self, media_type: str = "application/n-triples", *, union: bool = False) -> bytes: ...

    def __len__(self) -> int: ...


__all__ = ["Bindings", "Store", "EmbeddedStore", "Row", "Value"]
