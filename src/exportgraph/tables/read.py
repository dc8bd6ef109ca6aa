"""Reading the tables from a store: a scan per property (``queries/internal/tables/``), joined by
subject here; the data stamp that says whether tables saved beside a store on disk are current."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import numpy as np
import pyoxigraph as ox

from .. import queries
from ..namespaces import ONTOLOGY_IRI
from ..store import EmbeddedStore
from ..store.embedded import IRI
from .columns import NO_END, NO_START, PERCENTS, XSD, Entries, Stakes, Tables, Unsupported, canonical

EG = ONTOLOGY_IRI + "#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def read(store: EmbeddedStore) -> Tables:
    """The tables of a store's data (``Unsupported`` for data they do not hold exactly)."""
    started = time.perf_counter()
    tables = Reader(store).tables()
    tables.store, tables.seconds = store, time.perf_counter() - started
    return tables


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


class Reader:
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
                if within is not None:
                    continue  # not one of the stakes (each named by an IRI)
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
