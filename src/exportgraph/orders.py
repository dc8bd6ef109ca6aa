"""Reading orders for checking: a CSV file, rows as dicts, or an RDF file of ``eg:Order``s.

The orders are loaded into their own graph (``ORDERS_GRAPH``) in the ontology's terms, built as
pyoxigraph terms (never pasted into text). Whatever cannot be resolved becomes an
``eg:inputProblem`` of its order, never a silent gap. Names are resolved by a callable the caller
passes in (:data:`NameResolver`), so this module needs nothing of the facade.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from . import ids, queries
from .contract import ORDER_COLUMNS
from .dates import lexical, parse_date
from .errors import AmbiguousError, InputError
from .namespaces import DCTERMS, EG, RDF, XSD
from .numeric import check_rdf
from .parties import prefer_names
from .sources.common import csv_rows
from .store import Store, graphs
from .store.embedded import IRI

ORDERS_GRAPH = graphs.ORDERS
COLUMNS = list(ORDER_COLUMNS)
RDF_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".trig": "application/trig",
}
ROLES = {"seller": EG.seller, "buyer": EG.buyer, "consignee": EG.consignee, "end_user": EG.endUser}

NameResolver = Callable[[str], "str | None"]
"""The party with a name or alias (its IRI), ``None`` if none has it; raises ``AmbiguousError``
when the name is several parties'."""

Listed = list[tuple[str, str, dt.date]]
OrdersInput = str | Path | list[dict[str, str]]
"""Orders as ``check`` takes them: a CSV file, an RDF file of ``eg:Order``s, or rows as dicts."""
"""The orders loaded: (order IRI, order id, date) per order, in their order."""

Rows = list[tuple[int, dict[str, str]]]
"""Orders as (line number, row with the keys of ``COLUMNS``)."""


def read_csv(path: Path) -> Rows:
    """The rows of an orders CSV with their line numbers; a malformed file is an ``InputError``."""
    header, lines = csv_rows(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            "orders CSV lacks the columns " + ", ".join(missing) + "; expected " + ",".join(COLUMNS),
            source=str(path),
            line=1,
        )
    rows: Rows = []
    seen: dict[str, int] = {}
    for line, row in lines:
        oid = row["order_id"] or f"line-{line}"
        if oid in seen:
            raise InputError(
                f"order id {oid!r} repeats the one on line {seen[oid]}", source=str(path), line=line, column="order_id"
            )
        seen[oid] = line
        row["order_id"] = oid
        rows.append((line, row))
    return rows


def rows_from_dicts(orders: Iterable[Mapping[str, object]]) -> Rows:
    """Orders given as dicts with the CSV's keys, as :func:`read_csv` gives them."""
    rows = [(i, {c: str(o.get(c) or "").strip() for c in COLUMNS}) for i, o in enumerate(orders, 1)]
    for line, row in rows:
        row["order_id"] = row["order_id"] or f"line-{line}"
    return rows


def key(text: str) -> str:
    """A name reduced to lower-case letters and digits, for forgiving matches."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


_key = key  # (the name the tests know)


class Resolver:
    """Finds what an order names: parties (user ids, names, aliases), items, ECCNs, countries,
    end uses. Lookups are batched and cached, so a large file costs a few queries."""

    def __init__(self, store: Store, resolve_name: NameResolver) -> None:
        self.store = store
        self.resolve_name = resolve_name
        self.countries = {
            str(r["code"]): str(r["c"])
            for r in store.select("SELECT ?c ?code WHERE { ?c a eg:Country ; eg:alpha2 ?code }")
        }
        self.end_uses = {
            str(r["code"]): str(r["u"])
            for r in store.select("SELECT ?u ?code WHERE { ?u a eg:EndUse ; skos:notation ?code }")
        }
        self.eccns = {
            key(str(r["code"])): str(r["e"])
            for r in store.select("SELECT ?e ?code WHERE { ?e a eg:ECCN ; skos:notation ?code }")
        }
        self.items: dict[str, set[str]] = {}
        self.item_names: dict[str, str] = {}
        for r in store.select(
            "SELECT ?i ?n ?label WHERE { ?i a/rdfs:subClassOf* eg:Item ; eg:name ?label ; eg:name|eg:alias ?n }"
        ):
            self.items.setdefault(key(str(r["n"])), set()).add(str(r["i"]))
            self.item_names[str(r["i"])] = str(r["label"])
        self.parties: dict[str, str | list[str] | None] = {}

    def prepare_parties(self, refs: Iterable[str]) -> None:
        """Look up many party references at once: user ids first, then exact names and aliases."""
        todo = sorted({r for r in refs if r and r not in self.parties})
        for chunk in _chunks(todo, 2000):
            # a user's party merged into its cluster's party (queries/derive/00-clusters.ru) is that party
            found = {
                str(r["p"]): str(r["c"] or r["p"])
                for r in self.store.select(
                    "SELECT DISTINCT ?p ?c WHERE { { ?p a ?type } UNION { ?p eg:mergedInto ?c } }",
                    [{"p": IRI(str(ids.user_party(x)))} for x in chunk],
                )
            }
            for x in chunk:
                if str(ids.user_party(x)) in found:
                    self.parties[x] = found[str(ids.user_party(x))]
        todo = [x for x in todo if x not in self.parties]
        for chunk in _chunks(todo, 2000):
            rows: dict[str, list[dict]] = {}
            for r in self.store.select(
                "SELECT ?query ?party ?p ?listed WHERE { ?party ?p ?query . "
                "FILTER(?p IN (eg:name, eg:alias)) ?party a/rdfs:subClassOf* eg:Party "
                "BIND(EXISTS { ?e eg:party ?party ; eg:onList ?l } AS ?listed) }",
                [{"query": x} for x in chunk],
            ):
                rows.setdefault(str(r["query"]), []).append(
                    {
                        "party": str(r["party"]),
                        "kind": "name" if str(r["p"]) == str(EG.name) else "alias",
                        "listed": r["listed"],
                    }
                )
            for x, hits in rows.items():
                found_parties = sorted({r["party"] for r in prefer_names(hits)})
                self.parties[x] = found_parties if len(found_parties) > 1 else found_parties[0]

    def party(self, ref: str) -> tuple[str | None, str | None]:
        """(IRI, problem): a party by user id, exact name or alias, or name ignoring case."""
        if ref not in self.parties:
            try:
                self.parties[ref] = self.resolve_name(ref)
            except AmbiguousError as exc:
                self.parties[ref] = [c[0] for c in exc.candidates]
        found = self.parties[ref]
        if found is None:
            return None, f"no party with id or name {ref!r} in the graph"
        if isinstance(found, list):
            return None, f"{ref!r} names {len(found)} parties; give a party id"
        return found, None

    def item(self, text: str) -> tuple[str | None, str | None, str | None]:
        """(item IRI, ECCN IRI, problem) for a chip name (matched forgivingly) or an ECCN code."""
        k = key(text)
        if not k:
            return None, None, "no item given"
        if k in self.eccns:
            return None, self.eccns[k], None
        for test in (lambda x: x == k, lambda x: x.endswith(k), lambda x: x.startswith(k), lambda x: k in x):
            found = set().union(*(v for x, v in self.items.items() if test(x)))
            if len(found) == 1:
                return next(iter(found)), None, None
            if found:
                names = sorted(self.item_names.get(i, i) for i in found)
                return None, None, f"item {text!r} matches {len(found)} items ({', '.join(names[:5])})"
        return None, None, f"no item or ECCN {text!r} in the graph"


def _chunks(seq: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _iri(value: object) -> ox.NamedNode:
    return ox.NamedNode(str(value))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(XSD.integer))


def _leg_parts(text: str) -> tuple[str, str | None]:
    """An intermediary is a party id or name, optionally ``@CC`` for the country the leg passes
    through; a bare two-letter code is a transit country without a named party."""
    text = text.strip()
    if "@" in text:
        ref, cc = text.rsplit("@", 1)
        return ref.strip(), cc.strip().upper()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return "", text.upper()
    return text, None


class _Order:
    """The triples of one order as they are built, and the problems found on the way."""

    def __init__(self, node: str) -> None:
        self.node = _iri(node)
        self.triples: list[ox.Triple] = []
        self.problems: list[str] = []

    def add(self, prop: object, obj: ox.NamedNode | ox.Literal, subject: ox.NamedNode | None = None) -> None:
        self.triples.append(ox.Triple(subject or self.node, _iri(prop), obj))


def _order_day(row: dict[str, str], line: int, default_day: dt.date, source: str, order: _Order) -> dt.date:
    if row["date"]:
        try:
            return parse_date(row["date"], source=source, line=line, column="date")
        except InputError:
            order.problems.append(f"bad date {row['date']!r} (expected YYYY-MM-DD); checked as of {default_day}")
    return default_day


def _item(row: dict[str, str], resolver: Resolver, order: _Order) -> None:
    if row["item"]:
        order.add(EG.orderItemText, ox.Literal(row["item"]))
    item, eccn, problem = resolver.item(row["item"])
    if item:
        order.add(EG.item, _iri(item))
    if eccn:
        order.add(EG.itemEccn, _iri(eccn))
    if problem:
        order.problems.append(problem)
    if row["quantity"]:
        if re.fullmatch(r"[0-9]{1,18}", row["quantity"]):  # (isdigit takes "²"; int() 4,300 digits at most)
            order.add(EG.quantity, _integer(int(row["quantity"])))
        else:
            order.problems.append(f"quantity {row['quantity'][:40]!r} is not a whole number (up to 18 digits)")


def _parties(row: dict[str, str], resolver: Resolver, order: _Order) -> None:
    for column, prop in ROLES.items():
        if row.get(column):
            party, problem = resolver.party(row[column])
            if party:
                order.add(prop, _iri(party))
            else:
                order.problems.append(f"{column.replace('_', ' ')}: {problem}")


def _legs(oid: str, row: dict[str, str], resolver: Resolver, order: _Order) -> None:
    for index, text in enumerate((x for x in row["intermediaries"].split(";") if x.strip()), start=1):
        ref, cc = _leg_parts(text)
        leg = _iri(ids.leg(oid, index))
        order.add(EG.leg, leg)
        order.add(RDF.type, _iri(EG.ShipmentLeg), leg)
        order.add(EG.legIndex, _integer(index), leg)
        if cc:
            if cc in resolver.countries:
                order.add(EG.legCountry, _iri(resolver.countries[cc]), leg)
            else:
                order.problems.append(f"intermediary {index}: unknown country code {cc!r}")
        if ref:
            party, problem = resolver.party(ref)
            if party:
                order.add(EG.legParty, _iri(party), leg)
            else:
                order.problems.append(f"intermediary {index}: {problem}")


def _destination_and_use(row: dict[str, str], resolver: Resolver, order: _Order) -> None:
    dest = row["destination"].upper()
    if dest in resolver.countries:
        order.add(EG.destination, _iri(resolver.countries[dest]))
    else:
        order.problems.append(
            f"unknown destination country code {row['destination']!r}" if dest else "no destination given"
        )
    if row["end_use"]:
        use = resolver.end_uses.get(row["end_use"].lower())
        if use:
            order.add(EG.declaredEndUse, _iri(use))
        else:
            order.problems.append(
                f"unknown end use {row['end_use']!r}; expected one of " + ", ".join(sorted(resolver.end_uses))
            )


def order_triples(rows: Rows, resolver: Resolver, default_day: dt.date, source: str) -> tuple[list[ox.Triple], Listed]:
    """The orders as triples in the ontology's terms, and (IRI, order id, date) per order."""
    refs = [row[c] for _, row in rows for c in ROLES if row.get(c)]
    refs += [_leg_parts(x)[0] for _, row in rows for x in row["intermediaries"].split(";") if x.strip()]
    resolver.prepare_parties(refs)
    triples: list[ox.Triple] = []
    listed: Listed = []
    for line, row in rows:
        oid = row["order_id"]
        order = _Order(str(ids.order(oid)))
        day = _order_day(row, line, default_day, source, order)
        listed.append((order.node.value, oid, day))
        order.add(RDF.type, _iri(EG.Order))
        order.add(EG.orderId, ox.Literal(oid))
        order.add(EG.orderDate, ox.Literal(lexical(day), datatype=_iri(XSD.dateTime)))
        order.add(DCTERMS.source, _iri(ids.user_row(Path(source).name, line, "order")))
        _item(row, resolver, order)
        _parties(row, resolver, order)
        _legs(oid, row, resolver, order)
        _destination_and_use(row, resolver, order)
        for p in order.problems:
            order.add(EG.inputProblem, ox.Literal(p))
        triples += order.triples
    return triples, listed


def orders_to_ntriples(rows: Rows, resolver: Resolver, default_day: dt.date, source: str) -> tuple[bytes, Listed]:
    """:func:`order_triples` as N-Triples (what every store loads), and (IRI, order id, date) per order."""
    triples, listed = order_triples(rows, resolver, default_day, source)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", listed


def load(store: Store, orders: OrdersInput, default_day: dt.date, resolve_name: NameResolver) -> Listed:
    """Load orders into ``ORDERS_GRAPH``: a CSV file, an RDF file of ``eg:Order``s, or rows as dicts."""
    if isinstance(orders, list):
        rows, source = rows_from_dicts(orders), "orders"
    else:
        path = Path(orders)
        if path.suffix.lower() != ".csv":
            return load_rdf(store, path, default_day)
        rows, source = read_csv(path), str(path)
    data, listed = orders_to_ntriples(rows, Resolver(store, resolve_name), default_day, source)
    store.load(data, "application/n-triples", name=source, graph=ORDERS_GRAPH)
    return listed


def load_rdf(store: Store, path: Path, default_day: dt.date) -> Listed:
    """Load an RDF file of ``eg:Order``s into ``ORDERS_GRAPH``: dates normalised (an order without
    one is checked as of ``default_day``), a date that is none an input problem."""
    media = RDF_MEDIA_TYPES.get(path.suffix.lower())
    if media is None or not path.is_file():
        raise InputError("expected an orders .csv or an RDF file of eg:Order", source=str(path))
    data = path.read_bytes()
    check_rdf(data, media, str(path))
    store.load(data, media, name=str(path), graph=ORDERS_GRAPH)
    store.update(queries.text("check/rdf-order-dates"))
    store.update(queries.text("internal/order-default-date"), {"asOf": default_day})
    rows = store.select(queries.text("internal/orders-loaded"))
    if not rows:
        raise InputError("no eg:Order in the file", source=str(path))
    return [
        (str(r["o"]), str(r["id"] or r["o"]), r["day"] if isinstance(r["day"], dt.date) else default_day) for r in rows
    ]
