"""``exportgraph import``: read a source file, compare it with the source's current copy, write the
new copy as a new generation and commit it in one update (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import queries
from ..dates import lexical
from ..errors import InputError
from ..ids import slug
from ..namespaces import ID
from ..store import PersistentStore, Store
from ..store.embedded import XSD
from ..store.graphs import SOURCES
from .changes import DATE_ADDED, DATE_REMOVED, EG, RDF_TYPE, EntryChange, Summary, _closure, _entries, diff
from .generations import (
    DERIVED,
    apply_pending,
    current,
    drop_unnamed,
    materialise,
    new_generation,
    read_copy,
    sparql,
    staging,
    write_copy,
)
from .ntriples import Lines
from .readers import READERS, REPLACED, Progress, say, store_terms

if TYPE_CHECKING:
    from ..api import ExportGraph

XSD_DATETIME = ox.NamedNode(XSD + "dateTime")
PROPOSE_MAX = 50_000  # an import of more party records than this proposes no links (run dedupe)


def _persistent(graph: ExportGraph, kind: str, path: Path) -> PersistentStore:
    """The store an import writes to, once the kind, the store and the file are known good."""
    if kind not in READERS:
        raise InputError(f"unknown import kind {kind!r}; expected one of {', '.join(READERS)}")
    store = graph.store.persistent()
    if store is None:
        raise InputError("import needs a persistent store to keep what it imports: give --store DIR")
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    return store


def run(graph: ExportGraph, kind: str, path: Path, *, as_of: dt.date, check_only: bool = False) -> Summary:
    """Import ``path`` as ``kind`` into ``graph``'s persistent store (see the package docstring)."""
    store = _persistent(graph, kind, path)
    apply_pending(store)  # a first copy committed but not applied (an interrupted session) first
    summary = Summary(kind, str(path), _sha256(path))
    progress = Progress(f"{kind} {path.name}")
    # a list has one current copy; other sources one per file (two FtM datasets are both kept)
    key = kind if kind in REPLACED else f"{kind}-{slug(path.stem)}"
    previous = current(store, key)
    if previous is None and not check_only:
        return _first_copy(graph, store, kind, key, path, summary, progress)
    say(f"reading {path} as {kind}")
    new = store_terms(READERS[kind](path, summary, progress, graph), path)
    progress.done()
    old = read_copy(store, previous) if previous else set()
    if summary.read == 0 and old:
        raise InputError(
            "the copy holds no records: importing it would take every entry off; refusing", source=str(path)
        )
    new |= _kept(old, new, as_of)
    summary.changes = diff(old, new)
    summary.triples = len(new)
    summary.unchanged = new == old
    if check_only or summary.unchanged:
        return summary
    generation = summary.generation = new_generation(key)
    summary.parties = typed_parties(new, party_classes(store))
    say(f"writing {len(new):,} triples")
    write_copy(store, generation, ox.serialize(new, format=ox.RdfFormat.N_TRIPLES) or b"")  # named by nothing yet
    # what the commit's SPARQL reads of the copies kept as files: of the old copy, what the new one
    # lacks (the rest is in the new generation's graph, and goes back in with it)
    materialise(store, old - new)
    store.extend(new, generation)  # one transaction; named by nothing until the commit
    store.update(_swap(previous, generation, kind, path, summary))
    drop_unnamed(store)  # the old generation; the copies loaded for the commit emptied again
    return summary


def party_classes(store: Store) -> set[str]:
    """eg:Party and its subclasses."""
    return {str(r["c"]) for r in store.select(queries.text("imports/party-classes"))}


def typed_parties(triples: set[ox.Triple], classes: set[str]) -> list[str]:
    """The records ``triples`` type with a class of party."""
    return sorted(
        {
            t.subject.value
            for t in triples
            if t.predicate.value == RDF_TYPE
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.NamedNode)
            and t.object.value in classes
        }
    )


def _kept(old: set, new: set, as_of: dt.date) -> set:
    """Entries the new copy no longer has stay, removed on the copy's date (unless already removed;
    never before they were added), with what describes them that the new copy lacks: their party
    (names, aliases, addresses), citations and sources."""
    gone = _entries(old).keys() - _entries(new).keys()
    kept = _closure(old, new, gone)
    added_on = {t.subject.value: t.object.value for t in old if t.predicate == DATE_ADDED}
    already = {t.subject.value for t in old if t.predicate == DATE_REMOVED}
    for e in gone - already:
        day = max(lexical(as_of), added_on.get(e, ""))
        kept.add(ox.Triple(ox.NamedNode(e), DATE_REMOVED, ox.Literal(day, datatype=XSD_DATETIME)))
    return kept


def _swap(previous: str | None, generation: str, kind: str, path: Path, summary: Summary) -> str:
    """The commit: one update, one transaction. The live triples are in the default graph, where
    the derivations (SPARQL updates) read them: the old copy's triples that no other source
    asserts go, the new copy's come; the new generation becomes current; the import is recorded;
    derived facts are marked for recomputation."""
    steps = []
    if previous:
        steps += [
            # merged records first get back, from the sources, the facts a merge moved (the
            # clusters are merged again when the facts are derived after the commit)
            queries.text("imports/clear-clusters"),
            sparql("imports/retire-generation", previous=previous),
            # what was derived from triples that are now gone must go too: the derived facts that
            # no source asserts are removed here, in the commit, and computed again after it
            queries.text("imports/clear-derived"),
        ]
    steps += [sparql("imports/apply-generation", generation=generation), _commit(generation, kind, path, summary)]
    return " ;\n".join(steps)


def _import_record(generation: str, kind: str, path: Path, summary: Summary) -> str:
    """The ``eg:Import`` record of an import, as the text of an INSERT DATA's triples."""
    record = ox.NamedNode(f"{ID}import/{generation[len(SOURCES) :]}")
    integer = ox.NamedNode(XSD + "integer")
    facts = [
        (ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EG + "Import")),
        (ox.NamedNode(EG + "importKind"), ox.Literal(kind)),
        (ox.NamedNode(EG + "fileName"), ox.Literal(path.name)),
        (ox.NamedNode(EG + "fileSha256"), ox.Literal(summary.sha256)),
        (ox.NamedNode(EG + "recordsRead"), ox.Literal(str(summary.read), datatype=integer)),
        (ox.NamedNode(EG + "triplesImported"), ox.Literal(str(summary.triples), datatype=integer)),
        (
            ox.NamedNode("http://www.w3.org/ns/prov#startedAtTime"),
            ox.Literal(dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"), datatype=XSD_DATETIME),
        ),
    ]
    # the text holds only constant IRIs, generation IRIs made of a slug and a time, and terms
    # that pyoxigraph writes in N-Triples syntax (escaped): nothing a file says as it came
    return " ".join(f"{record} {p} {o} ." for p, o in facts)


def _commit(generation: str, kind: str, path: Path, summary: Summary) -> str:
    """The update operations that make ``generation`` current: named in ``graph/meta``, the
    import recorded, derived facts marked for recomputation."""
    return " ;\n".join(
        [
            sparql("imports/name-generation", generation=generation),
            sparql("imports/record-import", record=_import_record(generation, kind, path, summary)),
            sparql("imports/unmark", mark=DERIVED.value),
        ]
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return digest.hexdigest()


def _stage(
    graph: ExportGraph, store: PersistentStore, kind: str, path: Path, summary: Summary, progress: Progress
) -> Lines:
    """The reader's triples, written as N-Triples to the generation's staging file and kept,
    compressed, as its copy (``Lines``: what the copy holds); a malformed record (or anything
    else) stops it there, with nothing left behind."""
    generation = summary.generation
    assert generation is not None
    staged = staging(store, generation)
    say(f"reading {path} as {kind}")
    lines = Lines(path, party_classes(store))
    try:
        with staged.open("w", encoding="utf-8", errors="strict") as out:
            out.writelines(lines(READERS[kind](path, summary, progress, graph)))
            out.flush()
            os.fsync(out.fileno())
        progress.done()
        summary.triples = lines.distinct()
        say(f"writing {summary.triples:,} triples")
        write_copy(store, generation, staged)  # named by nothing until the commit
        store.add_graph(generation)  # empty: the copy is the file
    except BaseException:  # (a lone surrogate never gets here: Lines refuses it)
        staged.unlink(missing_ok=True)
        drop_unnamed(store)
        raise
    return lines


def _first_copy(
    graph: ExportGraph, store: PersistentStore, kind: str, key: str, path: Path, summary: Summary, progress: Progress
) -> Summary:
    """The first copy of a source, streamed at any size, each triple loaded once: the reader's
    triples go to an N-Triples file in the store's directory (a malformed record stops the import
    there, nothing in the store changed), kept compressed as the new generation's copy, which
    nothing names yet. The commit is one small update that names it, marked as still to be
    applied; the triples are then bulk-loaded into the live default graph and the mark removed. A
    process killed before the commit leaves an unnamed generation (removed when the store is next
    opened: the store is as it was); killed after it, the next open applies it again (the store is
    as after the import)."""
    generation = summary.generation = new_generation(key)
    lines = _stage(graph, store, kind, path, summary, progress)
    summary.parties = sorted(lines.parties)
    summary.changes = [EntryChange(e, party, name, "added") for e, party, name in lines.listed()]
    store.update(
        _commit(generation, kind, path, summary) + " ;\n" + sparql("imports/mark-applying", generation=generation)
    )
    apply_pending(store)
    return summary


def propose(store: Store, summary: Summary) -> None:
    """Possible links from the records an import brought to listed parties (``dedupe``), for a
    person to judge: an import never merges records by itself."""
    from ..dedupe import candidates  # deferred: rapidfuzz and the screening tables, only when proposing

    parties = summary.parties or []  # (noted as the new copy was written)
    summary.new_records = len(parties)
    if 0 < len(parties) <= PROPOSE_MAX:
        summary.proposed = candidates(store, only=parties)
