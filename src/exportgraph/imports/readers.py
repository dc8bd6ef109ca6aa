"""The readers of ``exportgraph import``: each yields a source file's (subject, predicate, object)
as rdflib terms and counts what it reads; ``store_triple`` turns those into the store's terms."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .. import build, queries
from ..errors import InputError
from ..ids import user_party
from ..namespaces import ONTOLOGY_IRI
from ..sources import nsfreg
from ..sources.common import CountryIndex
from ..sources.usercsv import Reader as CsvReader
from .changes import Summary

if TYPE_CHECKING:
    from ..api import ExportGraph

_STARTED = time.monotonic()


def say(text: str) -> None:
    """A phase of a long job, on standard error, with the seconds since the process started."""
    print(f"exportgraph: {text} ({time.monotonic() - _STARTED:.1f} s)", file=sys.stderr, flush=True)


class Progress:
    """Counts records on the terminal (standard error, only when it is a terminal)."""

    def __init__(self, label: str, every: int = 1000) -> None:
        self.label, self.every, self.n = label, every, 0
        self.tty = sys.stderr.isatty()

    def tick(self, n: int = 1) -> None:
        self.n += n
        if self.tty and self.n % self.every < n:
            print(f"\r{self.label}: {self.n:,} records read", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.tty:
            print(f"\r{self.label}: {self.n:,} records read", file=sys.stderr, flush=True)


Reader = Callable[[Path, Summary, Progress, "ExportGraph"], Iterable[tuple]]


def _entity_list(path: Path, summary: Summary, progress: Progress, graph: ExportGraph) -> Iterator[tuple]:
    index = CountryIndex.from_pairs(
        (str(r["code"]), str(r["name"] or "")) for r in graph.store.select(queries.text("imports/country-names"))
    )
    for t in nsfreg.read("entity-list", path, index, build.rule_pages()):
        if str(t[1]).endswith("#rowKey"):
            summary.read += 1
            progress.tick()
        yield t


def _records(module_name: str) -> Reader:
    """A reader over ``sources.<module_name>``, whose ``read(path, codes)`` yields (record,
    triples or the reason the record is skipped), the first item being the dataset's own
    description."""

    def reader(path: Path, summary: Summary, progress: Progress, graph: ExportGraph) -> Iterator[tuple]:
        module = import_module(f"exportgraph.sources.{module_name}")
        for record, triples in module.read(path, graph.parties.country_codes()):
            if record:
                summary.read += 1
                progress.tick()
            if isinstance(triples, str):
                summary.skip(triples)
                continue
            yield from triples

    return reader


ROW_KEY = URIRef(ONTOLOGY_IRI + "#rowKey")


def _user_csv(path: Path, summary: Summary, progress: Progress, graph: ExportGraph) -> Iterator[tuple]:
    """A parties, ownership, listings, supply or judgements CSV (by its header, as for ``--data``); party ids
    may come from parties files imported before."""
    prefix = str(user_party("x"))[:-1]
    known = {str(r["p"]) for r in graph.store.select(queries.text("imports/user-parties"), {"prefix": prefix})}
    lists = graph.parties.list_names()

    def resolve(ref: str) -> str | None:
        iri = str(user_party(ref))
        return iri if iri in known else graph.parties.resolve_name(ref)

    for t in CsvReader(resolve, graph.parties.country_codes(), lists, graph.parties.is_record).stream(path):
        if t[1] == ROW_KEY:
            summary.read += 1
            progress.tick()
        yield t


READERS: dict[str, Reader] = {
    "entity-list": _entity_list,
    "csl": _records("csl"),
    "ftm": _records("ftm"),
    "gleif": _records("gleif"),
    "bods": _records("bods"),
    "csv": _user_csv,
}
REPLACED = {"entity-list", "csl"}  # kinds whose new copy replaces the old one, whatever the file name


def _to_ox(term: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def store_triple(t: tuple, path: Path) -> ox.Triple:
    """A reader's triple in the store's terms. A value no RDF store can hold (text with a lone
    UTF-16 surrogate, which JSON can write as ``"\\ud800"``; an IRI with a space) is an
    ``InputError`` naming the file, not a crash."""
    if any(isinstance(x, BNode) for x in t):
        raise InputError(
            "a blank node: imports take IRIs and literals only (a bulk load renames blank "
            "nodes, so a later copy could not replace them)",
            source=str(path),
        )
    try:
        s, p, o = map(_to_ox, t)
        return ox.Triple(cast(ox.NamedNode, s), cast(ox.NamedNode, p), o)  # readers write IRIs there
    except ValueError as exc:
        lone = any(0xD800 <= ord(c) <= 0xDFFF for x in t for c in str(x))
        shown = ", ".join(repr(str(x)[:80]) for x in t)
        raise InputError(
            f"{'text with a lone UTF-16 surrogate' if lone else exc}, in the triple {shown}", source=str(path)
        ) from None


def store_terms(triples: Iterable[tuple], path: Path) -> set[ox.Triple]:
    return {store_triple(t, path) for t in triples}
