"""The embedded store: pyoxigraph in memory.

Measured on this project's machine (``shared/reference/tech.md``): it loads about ten times faster
than rdflib's memory store and runs the transitive and aggregate queries 15-100x faster.
Values cross the seam as plain Python: IRIs as ``IRI`` (a ``str``), strings as ``str``, dates as
``datetime.date``, numbers as ``int``/``Decimal``/``float``, booleans as ``bool``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyoxigraph as ox

from ..dates import lexical
from ..errors import InputError
from ..prefixes import PREFIXES
from .graphs import BOOKKEEPING, TRANSIENT

XSD = "http://www.w3.org/2001/XMLSchema#"


class IRI(str):
    """An IRI, kept apart from plain strings so that values round-trip through bindings."""


Value = IRI | str | int | float | Decimal | bool | dt.date | None
# A result row: each value's type depends on the query that produced it (the query's header says
# what it returns), so callers convert where they know; the row itself is typed loosely.
Row = dict[str, Any]
Bindings = dict[str, Value] | list[dict[str, Value]] | None


def to_python(term: object) -> Value:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return IRI("_:" + term.value)
    assert isinstance(term, ox.Literal)
    dtype = term.datatype.value
    text = term.value
    try:
        if dtype in (XSD + "dateTime", XSD + "date"):
            return dt.date.fromisoformat(text[:10])
        if dtype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
            return int(text)
        if dtype == XSD + "decimal":
            return Decimal(text)
        if dtype in (XSD + "double", XSD + "float"):
            return float(text)
        if dtype == XSD + "boolean":
            return text in ("true", "1")
    except (ValueError, ArithmeticError):  # ArithmeticError: decimal.InvalidOperation ("abc"^^xsd:decimal)
        return text
    return text


def to_term(value: Value) -> ox.NamedNode | ox.Literal:
    """The RDF term of a bound value; a value no term can hold is an ``InputError`` (a parameter
    comes from the user: a name, a ``--param``, a query string)."""
    if isinstance(value, IRI):
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise InputError(f"{value!r} is not a valid IRI: {exc}") from None
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, Decimal | float):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.date):
        return ox.Literal(lexical(value), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, str):
        try:
            return ox.Literal(value)
        except ValueError:  # text with a lone UTF-16 surrogate, which no RDF literal can hold
            raise InputError(f"{value!r} is not valid text (a lone UTF-16 surrogate)") from None
    raise TypeError(f"cannot bind {value!r}")


_GROUP_START = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: Bindings) -> str:
    """The query with its parameters bound by a ``VALUES`` block at the start of each WHERE group.

    Every ``WHERE {`` (or ``ASK {``) not on a comment line gets the block, sub-selects included, so
    a parameter means the same inside a sub-select as outside it. ``None`` binds ``UNDEF``. The
    terms are written by pyoxigraph in N-Triples syntax, so they are escaped correctly; no value is
    ever pasted into the query text as it came. (pyoxigraph's own substitutions only bind
    projected variables, which would force every query to return its parameters.)
    """
    if not bindings:
        return sparql
    starts = [
        m.end()
        for m in _GROUP_START.finditer(sparql)
        if not sparql[sparql.rfind("\n", 0, m.start()) + 1 : m.start()].lstrip().startswith("#")
    ]
    if not starts:
        raise InputError("cannot bind parameters: the query has no WHERE clause")
    rows = bindings if isinstance(bindings, list) else [bindings]
    keys = list(rows[0])
    names = " ".join("?" + k for k in keys)
    terms = " ".join("(" + " ".join("UNDEF" if r[k] is None else str(to_term(r[k])) for k in keys) + ")" for r in rows)
    block = f" VALUES ({names}) {{ {terms} }} "
    out, last = [], 0
    for end in starts:
        out += [sparql[last:end], block]
        last = end
    return "".join(out) + sparql[last:]


def parse_rdf(data: bytes, media_type: str, name: str) -> list:
    """All the quads of an RDF document, or an ``InputError`` naming it (nothing half-parsed)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise InputError(f"unsupported RDF media type {media_type}", source=name)
    try:
        return list(ox.parse(data, fmt, base_iri=None))
    except SyntaxError as exc:
        raise InputError(f"not valid {fmt.name}: {exc}", source=name) from None


# graphs whose triples are derived for a moment (the 50% rule of some dates, orders being checked)
# and are not part of the data: ``dump()`` leaves them out
TRANSIENT_GRAPHS = TRANSIENT
# a persistent store's bookkeeping (``imports``): never part of what queries see
BOOKKEEPING_GRAPHS = BOOKKEEPING


class EmbeddedStore:
    """pyoxigraph in memory, or on disk in ``path`` (``--store DIR``); queries see the union of all
    graphs as their default graph."""

    writable = True

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        try:
            self._store = ox.Store(path) if path else ox.Store()
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise InputError(f"the store in {path} is open in another process (one at a time)") from None
            raise InputError(f"cannot open the store in {path}: {exc}") from None

    @classmethod
    def snapshot(cls, path: str) -> EmbeddedStore:
        """A store in memory with every quad, graphs kept, of the database in ``path``, read without
        taking its lock (another process may be writing it): what it holds at this moment."""
        try:
            source = ox.Store.read_only(path)
        except OSError as exc:
            raise InputError(f"cannot open the store in {path}: {exc}") from None
        copy = cls()
        copy._store.bulk_extend(source)
        return copy

    @classmethod
    def over(cls, database: ox.Store) -> EmbeddedStore:
        """A store over an open pyoxigraph database (a snapshot's working copy on disk, or one loaded
        in memory) that behaves as a store in memory does: queries see the union of its graphs, and
        it is not a persistent store for imports."""
        store = cls.__new__(cls)
        store.path, store._store = None, database
        return store

    def save(self, folder: Path) -> None:
        """Every quad, graphs kept, into a new pyoxigraph database in ``folder`` (closed on return)."""
        database = ox.Store(str(folder))
        database.bulk_extend(self._store)
        database.flush()
        del database  # the last reference: the database is closed

    def load(self, data: bytes, media_type: str, *, name: str = "data", graph: str | None = None) -> None:
        """Add RDF to the default graph (or a named graph); a file that does not parse adds nothing."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is not None and not fmt.supports_datasets:  # parsed and written in one transaction, in Rust
            try:
                self._store.load(data, fmt, to_graph=target)
            except SyntaxError as exc:
                raise InputError(f"not valid {fmt.name}: {exc}", source=name) from None
            return
        quads = parse_rdf(data, media_type, name)
        self._store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)

    def load_derived(self, data: bytes, graph: str) -> None:
        """Add N-Triples the package wrote to a graph of derived facts that is dropped whenever it
        may be incomplete (the 50% rule's): on disk through the bulk loader, without a transaction,
        which is about twice as fast; in memory in one transaction."""
        target = ox.NamedNode(graph)
        if self.path:
            self._store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=target)
        else:
            self._store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=target)

    def _dataset(self) -> dict:
        """What a query's default graph is: the union of every graph, except a persistent store's
        bookkeeping (the per-source copies that imports compare, and ``graph/meta``), which would
        show every fact twice."""
        if not self.path:
            return {"use_default_graph_as_union": True}
        graphs: list = [ox.DefaultGraph()]
        graphs += [
            g
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(BOOKKEEPING_GRAPHS)
        ]
        return {"default_graph": graphs}

    def _run(self, sparql: str, bindings: Bindings):
        try:
            return self._store.query(with_values(sparql, bindings), prefixes=PREFIXES, **self._dataset())
        except SyntaxError as exc:
            raise InputError(f"SPARQL syntax error: {exc}") from None

    def select(self, sparql: str, bindings: Bindings = None) -> list[Row]:
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in result]

    def select_terms(self, sparql: str, bindings: Bindings = None) -> Iterator[tuple]:
        """A SELECT's rows as tuples of pyoxigraph terms (``None`` where unbound), in the order of its
        variables, streamed: for the columnar tables (``tables/``), which read millions of rows."""
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        width = len(result.variables)
        return (tuple(sol[i] for i in range(width)) for sol in result)

    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise InputError("expected an ASK query")
        return bool(result)

    def construct(self, sparql: str, bindings: Bindings = None) -> bytes:
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("expected a CONSTRUCT or DESCRIBE query")
        return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""

    def update(self, sparql: str, bindings: Bindings = None) -> None:
        try:
            self._store.update(with_values(sparql, bindings), prefixes=PREFIXES)
        except SyntaxError as exc:
            raise InputError(f"SPARQL update syntax error: {exc}") from None

    def dump(self, media_type: str = "application/n-triples", *, union: bool = False) -> bytes:
        """The data: the triples of every graph but the transient ones (``TRANSIENT_GRAPHS``); with
        ``union=True`` those too (derived coverage and orders included). A dataset format (N-Quads)
        keeps the graphs. A persistent store's bookkeeping (``BOOKKEEPING_GRAPHS``) is never in it."""
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise InputError(f"unsupported RDF media type {media_type}")
        if fmt.supports_datasets:
            return ox.serialize(self._quads(), format=fmt) or b""
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self._quads()
            if union or not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value not in TRANSIENT_GRAPHS
        }
        return ox.serialize(triples, format=fmt) or b""

    def write_nquads(self, fh: BinaryIO) -> None:
        """Every quad but a persistent store's bookkeeping, as N-Quads, streamed into a binary file."""
        ox.serialize(self._quads(), fh, ox.RdfFormat.N_QUADS)

    def _quads(self) -> Iterator[ox.Quad]:
        """Every quad but a persistent store's bookkeeping (``BOOKKEEPING_GRAPHS``), streamed."""
        return (
            q
            for q in self._store
            if not isinstance(q.graph_name, ox.NamedNode) or not q.graph_name.value.startswith(BOOKKEEPING_GRAPHS)
        )

    def __len__(self) -> int:
        if not self.path:
            return len(self._store)
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])

    def persistent(self) -> EmbeddedStore | None:
        """This store if it is on disk (``--store DIR``), where imports can keep their copies."""
        return self if self.path else None

    @property
    def directory(self) -> Path:
        if not self.path:
            raise InputError("import needs a persistent store to keep what it imports: give --store DIR")
        return Path(self.path)

    def graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def extend(self, triples: Iterable[ox.Triple], graph: str) -> None:
        """Add triples (pyoxigraph terms) to a named graph in one transaction: all or nothing."""
        target = ox.NamedNode(graph)
        self._store.extend(ox.Quad(s, p, o, target) for s, p, o in triples)

    def bulk_load(self, path: Path, graph: str | None) -> None:
        """Load an N-Triples file (a gzip-compressed one: ``.gz``) into a named graph (or the default
        graph) with pyoxigraph's bulk loader: fast and in bounded memory, but not one transaction
        (``imports`` makes it safe)."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        try:
            if path.suffix == ".gz":  # (a copy kept by imports)
                with gzip.open(path, "rb") as fh:
                    self._store.bulk_load(cast(BinaryIO, fh), ox.RdfFormat.N_TRIPLES, to_graph=target)
            else:
                self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        except SyntaxError as exc:
            raise InputError(f"not valid N-Triples: {exc}", source=str(path)) from None

    def add_graph(self, graph: str) -> None:
        """Create a named graph, empty (nothing if it is there)."""
        self._store.add_graph(ox.NamedNode(graph))

    def count(self, graph: str) -> int:
        """How many triples a named graph holds."""
        rows = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        return int(next(iter(rows))["n"].value)

    def triples(self, graph: str) -> set[ox.Triple]:
        """The triples of one named graph, as pyoxigraph triples."""
        return {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        }

    def flush(self) -> None:
        if self.path:
            self._store.flush()
