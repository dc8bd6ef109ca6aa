"""Columnar tables of the facts the 50% rule reads, derived from an embedded store.

The store stays the system of record; the tables are read from it a property at a time with
``queries/internal/tables/`` (a scan each: joining in SPARQL is several times slower), held per
column (numpy arrays, parties as integer ids) and rebuilt when the data changes. A store on disk
keeps them in ``<store>/tables.npz``, stamped with the data stamp that every derivation renews
(``renew_stamp``), so that a later process opens them instead of reading the store again and a
stale file is never read. The 50% rule runs on them (``coverage_tables``).

The tables hold exactly what the rule's SPARQL reads, or refuse: a stake with two values of one
property, a percent that is not an ``xsd:integer`` or ``xsd:decimal``, a date that is not a day at
midnight, a blank node where a party or stake is named. For such data ``Unsupported`` is raised
and the SPARQL of ``queries/coverage/`` runs instead, so the answer never depends on the engine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from . import queries
from .namespaces import ONTOLOGY_IRI
from .store import EmbeddedStore
from .store.embedded import IRI

XSD = "http://www.w3.org/2001/XMLSchema#"
EG = ONTOLOGY_IRI + "#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NO_START, NO_END = 0, dt.date.max.toordinal() + 1  # a stake without validFrom / validTo
FORMAT = 1  # of tables.npz; a file of another format is read again from the store
STAKE_COLUMNS = ("owner", "owned", "start", "end", "typed", "cwe", "voting_only", "integer")
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


def percent_text(term: object, where: str) -> tuple[str, bool]:
    """A percent's canonical text and whether it is an ``xsd:integer``."""
    if not isinstance(term, ox.Literal) or term.datatype.value not in (XSD + "integer", XSD + "decimal"):
        raise Unsupported(f"{where}: a percent that is not an xsd:integer or xsd:decimal ({term})")
    try:
        value = Decimal(term.value)
    except InvalidOperation:
        raise Unsupported(f"{where}: {term.value!r} is not a number") from None
    if not value.is_finite():
        raise Unsupported(f"{where}: {term.value!r} is not a number")
    integer = term.datatype.value == XSD + "integer"
    return (str(int(value)) if integer else canonical(value)), integer


def day(term: object, where: str) -> int:
    """A date-time at midnight (how the graph writes days) as a proleptic ordinal."""
    if not isinstance(term, ox.Literal) or term.datatype.value != XSD + "dateTime" or term.value[10:] != "T00:00:00":
        raise Unsupported(f"{where}: a date that is not an xsd:dateTime at midnight ({term})")
    try:
        return dt.date.fromisoformat(term.value[:10]).toordinal()
    except ValueError:
        raise Unsupported(f"{where}: {term.value!r} is not a date") from None


def iri(term: object, where: str) -> str:
    if not isinstance(term, ox.NamedNode):
        raise Unsupported(f"{where}: {term} is not an IRI")
    return term.value


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

    @classmethod
    def read(cls, store: EmbeddedStore) -> Tables:
        started = time.perf_counter()
        reader = _Reader(store)
        tables = reader.tables()
        tables.store, tables.seconds = store, time.perf_counter() - started
        return tables

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

    # a store on disk keeps its tables beside it
    def save(self, path: Path, stamp: str) -> None:
        s, e = self.stakes, self.entries
        arrays = {f"stake_{c}": getattr(s, c) for c in STAKE_COLUMNS}
        arrays |= {f"stake_{k}": _blob(s.texts[k]) for k in PERCENTS}
        arrays |= {
            "format": np.array([FORMAT]),
            "stamp": _blob([stamp]),
            "parties": _blob(self.parties),
            "stake_iri": _blob(s.iri),
            "entry_party": np.array(e.party, dtype=np.int64),
            "entry_list": _blob(e.list_iri),
            "entry_added": np.array([-1 if a is None else a for a in e.added], dtype=np.int64),
            "entry_added_text": _blob(e.added_text),
            "entry_removed": np.array([-1 if r is None else r for r in e.removed], dtype=np.int64),
            "entry_cites": _blob(e.cites),
            "labels": _blob([[k, vs] for k, vs in self.list_labels.items()]),
            "subsidiary": np.array(self.subsidiary, dtype=np.int64).reshape(-1, 2),
        }
        partial = path.with_name(path.name + f".{os.getpid()}.partial.npz")
        np.savez(partial, **arrays)
        partial.replace(path)  # atomic: a reader sees the old file or the new one

    @classmethod
    def open(cls, path: Path, stamp: str) -> Tables | None:
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
        except (OSError, KeyError, ValueError):
            return None  # missing, partial or of another layout: read the store again
        tables = cls(parties, stakes, entries, labels, subsidiary)
        tables.seconds, tables.source = time.perf_counter() - started, "file"
        return tables


def _blob(texts: list) -> np.ndarray:
    """A list of strings (or ``None``) as one array of UTF-8 JSON: exact, and read without pickle."""
    return np.frombuffer(json.dumps(texts, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _strings(blob: np.ndarray) -> list:
    return json.loads(blob.tobytes().decode("utf-8"))


class _Reader:
    """Reads the tables from a store, a property at a time."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.parties: list[str] = []
        self.index: dict[str, int] = {}

    def party(self, term: object, where: str) -> int:
        key = iri(term, where)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.parties)
            self.parties.append(key)
        return found

    def values(self, prop: str) -> Iterator[tuple]:
        return self.store.select_terms(queries.text("internal/tables/values"), {"p": IRI(prop)})

    def single(self, prop: str, within: dict[str, int] | None = None) -> dict[str, object]:
        """Each subject's one value of ``prop`` (two values: ``Unsupported``), of ``within`` only."""
        out: dict[str, object] = {}
        for s, v in self.values(prop):
            if not isinstance(s, ox.NamedNode):
                if within is None:
                    continue
                raise Unsupported(f"a stake that is a blank node ({s})")
            if within is not None and s.value not in within:
                continue
            if s.value in out:
                raise Unsupported(f"{s.value}: two values of {prop.rsplit('#', 1)[-1]}")
            out[s.value] = v
        return out

    def tables(self) -> Tables:
        stakes = self.stakes()
        entries = self.entries()
        labels: dict[str, list[str]] = defaultdict(list)
        for lst, label in self.store.select_terms(queries.text("internal/tables/list-labels")):
            labels[iri(lst, "a list")].append(label.value)
        subsidiary = [
            (self.party(a, "a subsidiary link"), self.party(b, "a subsidiary link"))
            for a, b in self.store.select_terms(queries.text("internal/tables/subsidiary-links"))
        ]
        return Tables(self.parties, stakes, entries, labels, subsidiary)

    def stakes(self) -> Stakes:
        owners = self.single(EG + "owner")
        owned = self.single(EG + "owned")
        iris = sorted(s for s in owners if s in owned)
        rows = {s: i for i, s in enumerate(iris)}
        n = len(iris)
        owner_col = np.array([self.party(owners[s], s) for s in iris], dtype=np.int64)
        owned_col = np.array([self.party(owned[s], s) for s in iris], dtype=np.int64)
        texts, integer = {}, np.zeros(n, dtype=np.int8)
        for bit, (kind, prop) in enumerate(zip(PERCENTS, ("percent", "percentMin", "percentMax"), strict=True)):
            col = [""] * n
            for s, v in self.single(EG + prop, rows).items():
                col[rows[s]], is_int = percent_text(v, s)
                integer[rows[s]] |= is_int << bit
            texts[kind] = col
        start = np.full(n, NO_START, dtype=np.int64)
        end = np.full(n, NO_END, dtype=np.int64)
        for column, prop in ((start, "validFrom"), (end, "validTo")):
            for s, v in self.single(EG + prop, rows).items():
                column[rows[s]] = day(v, s)
        flags = {k: np.zeros(n, dtype=bool) for k in ("typed", "cwe", "voting", "equity")}
        for s, v in self.values(EG + "stakeKind"):
            i = rows.get(s.value) if isinstance(s, ox.NamedNode) else None
            kind = v.value.rsplit("#", 1)[-1] if isinstance(v, ox.NamedNode) else ""
            if i is not None and kind in ("ControlWithoutEquity", "Voting", "Equity"):
                flags[{"ControlWithoutEquity": "cwe", "Voting": "voting", "Equity": "equity"}[kind]][i] = True
        for s, v in self.values(RDF_TYPE):
            i = rows.get(s.value) if isinstance(s, ox.NamedNode) else None
            if i is not None and isinstance(v, ox.NamedNode) and v.value == EG + "OwnershipStake":
                flags["typed"][i] = True
        columns: dict[str, np.ndarray] = {
            "owner": owner_col,
            "owned": owned_col,
            "start": start,
            "end": end,
            "integer": integer,
        }
        columns |= {"typed": flags["typed"], "cwe": flags["cwe"], "voting_only": flags["voting"] & ~flags["equity"]}
        return Stakes(iris, columns, texts, len(self.parties) + 1)

    def entries(self) -> Entries:
        e = Entries([], [], [], [], [], [])
        seen: set[tuple[str, str, str]] = set()
        for entry, party, lst, added, removed, cites in self.store.select_terms(
            queries.text("internal/tables/entries")
        ):
            key = (iri(entry, "a list entry"), iri(party, "a list entry's party"), iri(lst, "a list"))
            if key in seen:
                raise Unsupported(f"list entry {key[0]}: two dates of one kind")
            seen.add(key)
            e.party.append(self.party(party, key[0]))
            e.list_iri.append(key[2])
            e.added.append(None if added is None else day(added, key[0]))
            e.added_text.append(None if added is None else added.value[:10])
            e.removed.append(None if removed is None else day(removed, key[0]))
            e.cites.append(None if cites is None else cites.value)
        return e


def stamp(store: EmbeddedStore) -> str | None:
    """The data stamp of a store on disk (renewed by every derivation), or ``None``."""
    rows = store.select(queries.text("internal/tables/stamp"))
    return str(rows[0]["stamp"]) if rows else None


def renew_stamp(store: EmbeddedStore) -> None:
    """Give a store on disk a new data stamp: its saved tables are stale from now on."""
    store.update(queries.text("internal/tables/renew-stamp"), {"stamp": uuid.uuid4().hex})
