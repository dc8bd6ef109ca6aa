"""The columns: stakes, list entries, lists' labels and subsidiary links, parties as integer ids."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import numpy as np
import pyoxigraph as ox

from .. import queries
from ..store import EmbeddedStore
from ..store.embedded import IRI

XSD = "http://www.w3.org/2001/XMLSchema#"
NO_START, NO_END = 0, dt.date.max.toordinal() + 1  # a stake without validFrom / validTo
PERCENTS = ("pc", "pmin", "pmax")


class Unsupported(Exception):
    """Data the tables do not represent exactly (the message says what); the SPARQL runs instead."""


@dataclass(frozen=True)
class Percent:
    value: Decimal
    text: str  # as SPARQL's STR() writes it (the canonical form)
    integer: bool  # an xsd:integer (a sum of integers stays one)


HUNDRED = Percent(Decimal(100), "100", True)


def canonical(value: Decimal) -> str:
    """The canonical lexical form of an ``xsd:decimal`` (what STR() gives): no exponent, no trailing
    zeros, no trailing point.

    >>> canonical(Decimal("20.50")), canonical(Decimal("100.0")), canonical(Decimal("0.0"))
    ('20.5', '100', '0')
    """
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class Index:
    """Row numbers grouped by a key column (CSR): ``rows(k)`` are the rows whose key is ``k``."""

    def __init__(self, keys: np.ndarray, size: int) -> None:
        self.order = np.argsort(keys, kind="stable").astype(np.int64)
        self.offsets = np.searchsorted(keys[self.order], np.arange(size + 1))

    def rows(self, key: int) -> np.ndarray:
        if key + 1 >= len(self.offsets):  # a party no stake names (listed only, say)
            return self.order[:0]
        return self.order[self.offsets[key] : self.offsets[key + 1]]


class Stakes:
    """One row per stake: ``iri``; ``owner``/``owned`` (party ids); ``start``/``end`` (first and last
    day as ordinals); ``typed`` (an eg:OwnershipStake), ``cwe`` (control without equity),
    ``voting_only`` (votes known, equity not); the percents' canonical texts (``pc``, ``pmin``,
    ``pmax``; "" when absent) and ``integer`` (a bit per percent: an xsd:integer)."""

    def __init__(self, iris: list[str], columns: dict[str, np.ndarray], texts: dict[str, list[str]], parties: int):
        self.iri = iris
        self.owner, self.owned = columns["owner"], columns["owned"]
        self.start, self.end = columns["start"], columns["end"]
        self.typed, self.cwe, self.voting_only = columns["typed"], columns["cwe"], columns["voting_only"]
        self.integer = columns["integer"]
        self.texts = texts
        self.by_owner = Index(self.owner, parties)
        self.by_owned = Index(self.owned, parties)
        self._percents: dict[tuple[str, int], Percent | None] = {}

    def __len__(self) -> int:
        return len(self.iri)

    def percent(self, kind: str, i: int) -> Percent | None:
        """Stake ``i``'s ``pc``, ``pmin`` or ``pmax``, or ``None``."""
        key = (kind, i)
        if key not in self._percents:
            text = self.texts[kind][i]
            bit = 1 << PERCENTS.index(kind)
            self._percents[key] = Percent(Decimal(text), text, bool(self.integer[i] & bit)) if text else None
        return self._percents[key]

    def holding(self, on: int) -> np.ndarray:
        """Whether each stake counts on day ``on`` at all (not control only, inside its period)."""
        return ~self.cwe & (self.start <= on) & (on <= self.end)

    @cached_property
    def links(self) -> tuple[np.ndarray, np.ndarray]:
        """Whether each stake, when it holds, makes its owner the parent (exact or minimum above 50),
        or may (no exact percent, and the maximum above 50 or unknown): 06-parent-links.ru."""
        low = np.array([_number(a or b) for a, b in zip(self.texts["pc"], self.texts["pmin"], strict=True)])
        high = np.array([_number(b) if b else 101.0 for b in self.texts["pmax"]])
        exact = np.array([bool(a) for a in self.texts["pc"]], dtype=bool)
        sure = low > 50
        return sure, ~sure & ~exact & (high > 50)


def _number(text: str) -> float:
    """A percent compared with 50: exact for any percent the tables hold (a float holds every
    decimal of up to 15 digits; one closer to 50 than that is decided with a Decimal)."""
    if not text:
        return 0.0
    value = float(text)
    if abs(value - 50) < 1e-9:
        value = 50.0 if Decimal(text) == 50 else (51.0 if Decimal(text) > 50 else 49.0)
    return value


@dataclass
class Entries:
    """One row per list entry on a list the Affiliates rule names."""

    party: list[int]
    list_iri: list[str]
    added: list[int | None]
    added_text: list[str | None]  # YYYY-MM-DD
    removed: list[int | None]
    cites: list[str | None]

    @cached_property
    def by_party(self) -> dict[int, list[int]]:
        rows: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(self.party):
            rows[p].append(i)
        return rows

    def holds(self, i: int, on: int) -> bool:
        added, removed = self.added[i], self.removed[i]
        return (added is None or added <= on) and (removed is None or removed > on)


class Tables:
    """The stakes, the list entries, the lists' labels and the subsidiary links of one store."""

    def __init__(
        self,
        parties: list[str],
        stakes: Stakes,
        entries: Entries,
        list_labels: dict[str, list[str]],
        subsidiary: list[tuple[int, int]],
    ) -> None:
        self.parties = parties
        self.index = {p: i for i, p in enumerate(parties)}
        self.stakes, self.entries = stakes, entries
        self.list_labels, self.subsidiary = list_labels, subsidiary
        self.store: EmbeddedStore | None = None  # where labels are looked up
        self._names: dict[int, tuple[str, str]] = {}
        self.seconds = 0.0  # how long reading (or opening) them took
        self.source = "store"  # or "file"

    def labels(self, parties: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Each party's label as the coverage writes it (in N-Triples syntax, and its text): its
        least eg:name, else its IRI as a string. Looked up once per party, in batches."""
        assert self.store is not None
        wanted = [p for p in set(parties) if p not in self._names]
        text = queries.text("internal/tables/names")
        for start in range(0, len(wanted), 20_000):
            batch = wanted[start : start + 20_000]
            for p in batch:
                self._names[p] = (str(ox.Literal(self.parties[p])), self.parties[p])
            for party, name in self.store.select_terms(text, [{"p": IRI(self.parties[p])} for p in batch]):
                if name is not None:
                    self._names[self.index[party.value]] = (str(name), name.value)
        return self._names
