"""A persistent store's bookkeeping for imports: the generations of each source's copy (named
graphs under ``graph/source/``), which one is current (``graph/meta``), the first copies still to
be applied, the store's marks, and the removal of generations that nothing names.

An imported copy is kept once in the store, in the live default graph; the copy the next import
compares with is its N-Triples file, compressed, in the store's directory (``copy_file``), and its
generation's graph is empty. A later import's commit reads, in SPARQL, what the sources assert:
for it what it reads of the copies is loaded into their graphs (``materialise``) and emptied again
after (``dematerialise``; also when the store is next opened, if a process was killed between).
The bundled files' copies stay in their graphs (they are small).

The SPARQL is in ``queries/imports/``. Queries take their values as bindings; the updates that need
an IRI where SPARQL allows no variable (``INSERT DATA``, ``DROP GRAPH``) have it filled in by
:func:`sparql`: only IRIs the package made (a slug and a time) or read from the store's own graph
list, and its constant marks.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox

from .. import queries
from ..ids import slug
from ..namespaces import ID, ONTOLOGY_IRI
from ..store import PersistentStore, Store
from ..store.embedded import IRI
from ..store.graphs import IMPORTS, META, SOURCES
from .readers import say

EG = ONTOLOGY_IRI + "#"
STORE_NODE = ox.NamedNode(str(ID) + "store")
INITIALISED, DERIVED = ox.NamedNode(EG + "initialised"), ox.NamedNode(EG + "derived")
SOURCE_GRAPH, APPLYING = ox.NamedNode(EG + "sourceGraph"), ox.NamedNode(EG + "applying")
BATCH = 100_000  # triples removed per transaction when an unnamed generation is dropped (drop-batch.ru)

__all__ = ["IMPORTS", "META", "SOURCES", "STORE_NODE", "INITIALISED", "DERIVED", "SOURCE_GRAPH", "APPLYING"]

_PLACEHOLDER = re.compile(r"\$([a-z]+)\b")


def sparql(name: str, **fill: str) -> str:
    """The update ``queries/<name>.ru`` with its ``$placeholders`` filled in: an IRI (a
    ``str``, written ``<$name>`` in the file) or terms pyoxigraph wrote in N-Triples syntax."""
    text = queries.text(name)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    wanted = set(_PLACEHOLDER.findall(body))
    if wanted != set(fill):
        raise ValueError(f"{name} takes {sorted(wanted)}, given {sorted(fill)}")
    return _PLACEHOLDER.sub(lambda m: fill.get(m.group(1), m.group(0)), text)


def new_generation(kind: str) -> str:
    return f"{SOURCES}{kind}/{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%fZ')}"


def named(store: Store) -> set[str]:
    """The current generation of every source (what ``graph/meta`` names)."""
    return {str(r["g"]) for r in store.select(queries.text("imports/source-graphs"))}


def current(store: Store, kind: str) -> str | None:
    """The current generation of a source's graph, if the source was ever loaded."""
    rows = store.select(queries.text("imports/source-graphs"))
    return next((str(r["g"]) for r in rows if str(r["g"]).startswith(f"{SOURCES}{kind}/")), None)


def pending(store: Store) -> list[str]:
    """The first copies committed but not yet applied to the live default graph."""
    return [str(r["g"]) for r in store.select(queries.text("imports/pending-graphs"))]


def staging(store: PersistentStore, generation: str) -> Path:
    """Where a first copy's triples wait as N-Triples, inside the store's directory."""
    return store.directory / f"staging-{slug(generation[len(SOURCES) :])}.nt"


def copy_file(store: PersistentStore, generation: str) -> Path:
    """Where an imported generation's copy is kept: its N-Triples, gzip-compressed."""
    return store.directory / f"copy-{slug(generation[len(SOURCES) :])}.nt.gz"


def write_copy(store: PersistentStore, generation: str, source: Path | bytes) -> None:
    """A generation's copy file, from a staged N-Triples file or the text: written whole under
    another name, then renamed (a copy file is complete or absent)."""
    target = copy_file(store, generation)
    partial = target.with_suffix(".partial")
    with gzip.open(partial, "wb", compresslevel=1) as out:
        if isinstance(source, bytes):
            out.write(source)
        else:
            with source.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    with partial.open("rb") as fh:
        os.fsync(fh.fileno())
    partial.replace(target)


def read_copy(store: PersistentStore, generation: str) -> set[ox.Triple]:
    """What a generation's copy holds: from its file, or (a bundled file's) from its graph."""
    path = copy_file(store, generation)
    if not path.is_file():
        return store.triples(generation)
    return set(_read(path))


def apply_pending(store: PersistentStore) -> None:
    """Bulk-load each committed first copy that is not yet in the live default graph (see
    ``commit._first_copy``); loading a triple twice changes nothing, so a load cut short is redone."""
    for generation in pending(store):
        say("applying the import")
        staged = staging(store, generation)
        # (the copy file was written whole before the commit: it is there if the staged file is not)
        store.bulk_load(staged if staged.is_file() else copy_file(store, generation), None)
        store.update(sparql("imports/applied", generation=generation))
        staged.unlink(missing_ok=True)


def materialise(store: PersistentStore, old: set[ox.Triple]) -> None:
    """Load into each current copy kept as a file, in its (empty) generation graph, what the
    commit's SPARQL reads of it (``queries/imports/``): the triples of ``old`` it asserts
    (``retire-generation``: what no other source asserts goes; ``old`` is what the old copy holds
    and the new one does not), those of the properties ``clear-derived`` clears, and the
    judgements' records and every triple that names one (``clear-clusters``)."""
    files = {g: copy_file(store, g) for g in named(store) if copy_file(store, g).is_file()}
    wanted = _derived_properties() | {EG + "record"}
    for generation, path in files.items():
        store.extend((t for t in _read(path) if t in old or t.predicate.value in wanted), generation)
    records = {str(r["x"]) for r in store.select(queries.text("imports/judged-records"))}
    if records:  # (a second pass: which records a judgement names is known once every copy is read)
        for generation, path in files.items():
            store.extend((t for t in _read(path) if _names(t, records)), generation)


def _read(path: Path) -> Iterator[ox.Triple]:
    with gzip.open(path, "rb") as fh:
        yield from (q.triple for q in ox.parse(cast(BinaryIO, fh), ox.RdfFormat.N_TRIPLES))


def _names(t: ox.Triple, records: set[str]) -> bool:
    return any(isinstance(x, ox.NamedNode) and x.value in records for x in (t.subject, t.object))


def _derived_properties() -> set[str]:
    """The properties ``queries/imports/clear-derived.ru`` clears (its ``VALUES ?p``)."""
    found = re.search(r"VALUES \?p \{([^}]*)\}", queries.text("imports/clear-derived"))
    assert found is not None
    return {EG + name for name in re.findall(r"eg:(\w+)", found.group(1))}


def dematerialise(store: PersistentStore) -> None:
    """Empty again the generation graphs whose copy is kept as a file (the graph stays, empty)."""
    for generation in store.graphs():
        if generation.startswith(SOURCES) and copy_file(store, generation).is_file():
            _empty(store, generation)


def _empty(store: PersistentStore, graph: str) -> None:
    # in batches: one transaction over a big copy would need memory in proportion; a removal cut
    # short is simply taken up again
    while store.ask(queries.text("imports/graph-has-triples"), {"graph": IRI(graph)}):
        store.update(sparql("imports/drop-batch", graph=graph))


def mark(store: Store, what: ox.NamedNode) -> None:
    store.update(sparql("imports/mark", mark=what.value))


def marked(store: Store, what: ox.NamedNode) -> bool:
    return store.ask(queries.text("imports/marked"), {"mark": IRI(what.value)})


def drop_unnamed(store: PersistentStore) -> None:
    """Remove source generations that ``graph/meta`` does not name: the one an import killed before
    its commit left behind, or the one a commit replaced."""
    current_ones = named(store)
    for g in store.graphs():
        if g.startswith(SOURCES) and g not in current_ones:
            _empty(store, g)  # nothing names the graph
            store.update(sparql("imports/drop-graph", graph=g))
    dematerialise(store)
    keep = {staging(store, g).name for g in pending(store)} | {copy_file(store, g).name for g in current_ones}
    for leftover in [*store.directory.glob("staging-*.nt"), *store.directory.glob("copy-*")]:
        if leftover.name not in keep:
            leftover.unlink()


def register(store: Store, key: str, data: bytes, name: str) -> None:
    """A bundled file, loaded with a new store: live in the default graph, and copied into the
    first generation of its source (``key``), which tells an import what that source asserts."""
    generation = f"{SOURCES}{key}/bundled"
    store.load(data, "text/turtle", name=name)
    store.load(data, "text/turtle", name=name, graph=generation)
    store.update(sparql("imports/name-generation", generation=generation))
