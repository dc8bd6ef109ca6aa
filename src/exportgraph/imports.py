"""``exportgraph import KIND FILE --store DIR``: a source file read into a persistent store, whole
or not at all.

The live triples are in the default graph (the derivations, SPARQL updates, read only that). Each
source also keeps a copy of what it asserts in a named graph, one generation per import
(``graph/source/<key>/<time>``); the store's ``graph/meta`` names the current one. An import reads
and checks the whole file first (a malformed record stops it, naming file, line and reason, before
anything is written), writes the new generation in one transaction, then commits with one SPARQL
update: out of the default graph go the old copy's triples that no other source asserts, in come
the new copy's, the new generation becomes current and the import is recorded (``eg:Import``); the
old generation is dropped after. A process killed before the commit leaves a generation that
nothing names, which the next open removes: the store is as it was. Derived facts are recomputed
after the commit; a store whose derivation was cut short is re-derived when it is next opened.

An import of a list replaces the list's previous copy; other sources keep one copy per file name
(two FtM datasets are both kept; a newer copy of one replaces it). Entries the new copy no longer has are kept
with ``eg:dateRemoved`` (the copy's date), so that answers as of an earlier date stay right and
``changes`` can report them. Re-importing an unchanged file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, URIRef

from .errors import InputError
from .ids import slug
from .paths import QUERIES

ID = "https://w3id.org/exportgraph/id/"
META = ID + "graph/meta"
IMPORTS = ID + "graph/imports"
SOURCES = ID + "graph/source/"
STORE_NODE = ox.NamedNode(ID + "store")
EG = "https://w3id.org/exportgraph/ontology#"
INITIALISED, DERIVED = ox.NamedNode(EG + "initialised"), ox.NamedNode(EG + "derived")
SOURCE_GRAPH = ox.NamedNode(EG + "sourceGraph")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LIST_ENTRY, DATE_REMOVED = ox.NamedNode(EG + "ListEntry"), ox.NamedNode(EG + "dateRemoved")
DATE_ADDED = ox.NamedNode(EG + "dateAdded")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
DCT_SOURCE, ROW_SOURCES = "http://purl.org/dc/terms/source", ID + "source/dataset/"


def new_generation(kind: str) -> str:
    return f"{SOURCES}{kind}/{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%fZ')}"


def current(store, kind: str) -> str | None:
    """The current generation of a source's graph, if the source was ever loaded."""
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH <{META}> {{ {STORE_NODE} {SOURCE_GRAPH} ?g }} }}")
    return next((str(r["g"]) for r in rows if str(r["g"]).startswith(f"{SOURCES}{kind}/")), None)


@dataclass(frozen=True)
class EntryChange:
    entry: str
    party: str
    name: str
    what: str  # added, removed, changed
    details: tuple[str, ...] = ()


@dataclass
class Summary:
    kind: str
    file: str
    sha256: str
    read: int = 0
    triples: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False
    changes: list[EntryChange] = field(default_factory=list)
    generation: str | None = None  # the source graph this import wrote
    proposed: list = field(default_factory=list)  # dedupe.Candidate: possible links to listed parties
    new_records: int = 0  # party records in the new copy

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


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


# -- the readers: each yields (subject, predicate, object) as rdflib terms and counts what it reads --

Reader = Callable[[Path, "Summary", Progress, object], Iterable[tuple]]


def _entity_list(path: Path, summary: Summary, progress: Progress, graph) -> Iterator[tuple]:
    from .build import rule_pages
    from .sources import nsfreg
    from .sources.common import CountryIndex

    index = CountryIndex.from_pairs(
        (str(r["code"]), str(r["name"] or ""))
        for r in graph.store.select(
            "SELECT ?code ?name WHERE { ?c a eg:Country ; eg:alpha2 ?code "
            'OPTIONAL { ?c rdfs:label|skos:altLabel ?name FILTER(LANG(?name) IN ("", "en")) } }'
        )
    )
    for t in nsfreg.read("entity-list", path, index, rule_pages()):
        if str(t[1]).endswith("#rowKey"):
            summary.read += 1
            progress.tick()
        yield t


def _records(module_name: str) -> Reader:
    """A reader over ``sources.<module_name>``, whose ``read(path, codes)`` yields (record,
    triples or the reason the record is skipped), the first item being the dataset's own
    description."""

    def reader(path: Path, summary: Summary, progress: Progress, graph) -> Iterator[tuple]:
        from importlib import import_module

        module = import_module(f"exportgraph.sources.{module_name}")
        for record, triples in module.read(path, graph._country_codes()):
            if record:
                summary.read += 1
                progress.tick()
            if isinstance(triples, str):
                summary.skip(triples)
                continue
            yield from triples

    return reader


ROW_KEY = URIRef(EG + "rowKey")


def _user_csv(path: Path, summary: Summary, progress: Progress, graph) -> Iterator[tuple]:
    """A parties, ownership, listings, supply or judgements CSV (by its header, as for ``--data``); party ids
    may come from parties files imported before."""
    from .ids import user_party
    from .sources.usercsv import Reader

    prefix = str(user_party("x"))[:-1]
    known = {
        str(r["p"])
        for r in graph.store.select(
            "SELECT DISTINCT ?p WHERE { { ?p a ?t } UNION { ?p eg:mergedInto ?c } "
            "FILTER(STRSTARTS(STR(?p), ?prefix)) }",
            {"prefix": prefix},
        )
    }
    lists = {
        str(r["name"])
        for r in graph.store.select("SELECT ?name WHERE { ?l a eg:RestrictionList ; eg:shortName ?name }")
    }

    def resolve(ref: str) -> str | None:
        iri = str(user_party(ref))
        return iri if iri in known else graph._resolve_org(ref)

    for t in Reader(resolve, graph._country_codes(), lists, graph._is_record).stream(path):
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


def _to_ox(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    from rdflib import BNode, Literal, URIRef

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


def _entries(triples: set) -> dict[str, dict]:
    """Each list entry of a source graph: its party, the party's name and its other facts."""
    by_subject: dict[str, set] = {}
    for t in triples:
        # which row of the file a fact came from is provenance, not a change: rows move between copies
        if t.predicate.value == DCT_SOURCE and t.object.value.startswith(ROW_SOURCES):
            continue
        by_subject.setdefault(t.subject.value, set()).add((t.predicate.value, t.object))
    out = {}
    for s, facts in by_subject.items():
        if ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", LIST_ENTRY) not in facts:
            continue
        party = next((o.value for p, o in facts if p == EG + "party"), "")
        name = min((o.value for p, o in by_subject.get(party, ()) if p == EG + "name"), default=party)
        out[s] = {"party": party, "name": name, "facts": facts, "party_facts": by_subject.get(party, set())}
    return out


def _closure(old: set, new: set, entries: set[str]) -> set:
    """The old copy's triples about ``entries`` and about what they lead to (their party, its
    addresses, citations, sources), for each node the new copy does not describe itself."""
    by_subject: dict[str, list] = {}
    for t in old:
        by_subject.setdefault(t.subject.value, []).append(t)
    described = {t.subject.value for t in new}
    out, todo, seen = set(), list(entries), set(entries)
    while todo:
        node = todo.pop()
        if node in described and node not in entries:
            continue
        for t in by_subject.get(node, ()):
            out.add(t)
            target = t.object.value if isinstance(t.object, ox.NamedNode) else None
            if target in by_subject and target not in seen:
                seen.add(target)
                todo.append(target)
    return out


def diff(old: set, new: set) -> list[EntryChange]:
    """Entries added, removed (no longer in the new copy) and changed (their facts or their
    party's facts differ; removals recorded earlier are not changes)."""
    before, after = _entries(old), _entries(new)
    out = []
    for e in sorted(after.keys() - before.keys()):
        out.append(EntryChange(e, after[e]["party"], after[e]["name"], "added"))
    for e in sorted(before.keys() - after.keys()):  # (run() keeps these, removed: not reached from there)
        out.append(EntryChange(e, before[e]["party"], before[e]["name"], "removed"))

    def removed(facts: set) -> bool:
        return any(p == DATE_REMOVED.value for p, _ in facts)

    for e in sorted(before.keys() & after.keys()):
        a, b = before[e], after[e]
        if removed(a["facts"]) != removed(b["facts"]):  # taken off the list, or back on it
            out.append(EntryChange(e, b["party"], b["name"], "removed" if removed(b["facts"]) else "added"))
            continue
        lost = {(p, o) for p, o in a["facts"] - b["facts"] if p != DATE_REMOVED.value}
        gained = {(p, o) for p, o in b["facts"] - a["facts"] if p != DATE_REMOVED.value}
        lost |= {("party " + p, o) for p, o in a["party_facts"] - b["party_facts"]}
        gained |= {("party " + p, o) for p, o in b["party_facts"] - a["party_facts"]}
        if lost or gained:
            details = tuple(
                sorted(f"- {p.rsplit('#', 1)[-1]} {o.value}" for p, o in lost)
                + sorted(f"+ {p.rsplit('#', 1)[-1]} {o.value}" for p, o in gained)
            )
            out.append(EntryChange(e, b["party"], b["name"], "changed", details))
    return out


def run(graph, kind: str, path: Path, *, as_of: dt.date, check_only: bool = False) -> Summary:
    """Import ``path`` as ``kind`` into ``graph``'s persistent store (see the module docstring)."""
    store = graph.store
    if kind not in READERS:
        raise InputError(f"unknown import kind {kind!r}; expected one of {', '.join(READERS)}")
    if not getattr(store, "path", None):
        raise InputError("import needs a persistent store to keep what it imports: give --store DIR")
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    apply_pending(store)  # a first copy committed but not applied (an interrupted session) first
    summary = Summary(kind, str(path), _sha256(path))
    progress = Progress(f"{kind} {path.name}")
    # a list has one current copy; other sources one per file (two FtM datasets are both kept)
    key = kind if kind in REPLACED else f"{kind}-{slug(path.stem)}"
    previous = current(store, key)
    if previous is None and not check_only:
        return _first_copy(graph, kind, key, path, summary, progress)
    say(f"reading {path} as {kind}")
    new = store_terms(READERS[kind](path, summary, progress, graph), path)
    progress.done()
    old = store.triples(previous) if previous else set()
    if summary.read == 0 and old:
        raise InputError(
            "the copy holds no records: importing it would take every entry off; refusing", source=str(path)
        )
    # entries the new copy no longer has stay, removed on the copy's date (unless already removed;
    # never before they were added), with what describes them that the new copy lacks: their party
    # (names, aliases, addresses), citations and sources
    gone = _entries(old).keys() - _entries(new).keys()
    new |= _closure(old, new, gone)
    added_on = {t.subject.value: t.object.value for t in old if t.predicate == DATE_ADDED}
    already = {t.subject.value for t in old if t.predicate == DATE_REMOVED}
    for e in gone - already:
        day = max(f"{as_of.isoformat()}T00:00:00", added_on.get(e, ""))
        new.add(ox.Triple(ox.NamedNode(e), DATE_REMOVED, ox.Literal(day, datatype=XSD_DATETIME)))
    summary.changes = diff(old, new)
    summary.triples = len(new)
    summary.unchanged = new == old
    if check_only or summary.unchanged:
        return summary
    generation = summary.generation = new_generation(key)
    say(f"writing {len(new):,} triples")
    store.extend(new, generation)  # one transaction; named by nothing until the commit
    # the commit: one update, one transaction. The live triples are in the default graph, where
    # the derivations (SPARQL updates) read them: the old copy's triples that no other source
    # asserts go, the new copy's come; the new generation becomes current; the import is recorded;
    # derived facts are marked for recomputation.
    swap = ""
    if previous:
        # merged records first get back, from the sources, the facts a merge moved (the clusters
        # are merged again when the facts are derived after the commit)
        swap = (QUERIES / "imports" / "clear-clusters.ru").read_text(encoding="utf-8") + " ; "
        swap += (
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{previous}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{previous}> "
            f'&& STRSTARTS(STR(?g), "{SOURCES}")) }} }} ; '
            f"DELETE DATA {{ GRAPH <{META}> {{ {STORE_NODE} {SOURCE_GRAPH} <{previous}> }} }} ; "
        )
        # what was derived from triples that are now gone must go too: the derived facts that no
        # source asserts are removed here, in the commit, and computed again after it
        swap += (
            f"DROP SILENT GRAPH <{previous}> ; "
            + (QUERIES / "imports" / "clear-derived.ru").read_text(encoding="utf-8")
            + " ; "
        )
    store.update(
        swap
        + f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{generation}> {{ ?s ?p ?o }} }} ; "
        + _commit(generation, kind, path, summary)
    )
    drop_unnamed(store)  # the old generation
    return summary


def _import_record(generation: str, kind: str, path: Path, summary: Summary) -> str:
    """The ``eg:Import`` record of an import, as the text of an INSERT DATA's triples."""
    record = ox.NamedNode(f"{ID}import/{generation[len(SOURCES) :]}")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    facts = [
        (RDF_TYPE, ox.NamedNode(EG + "Import")),
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
    return (
        f"INSERT DATA {{ GRAPH <{META}> {{ {STORE_NODE} {SOURCE_GRAPH} <{generation}> }} }} ; "
        f"INSERT DATA {{ GRAPH <{IMPORTS}> {{ {_import_record(generation, kind, path, summary)} }} }} ; "
        f"DELETE DATA {{ GRAPH <{META}> {{ {STORE_NODE} {DERIVED} {TRUE} }} }}"
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


def _staging(store, generation: str) -> Path:
    """Where a first copy's triples wait as N-Triples, inside the store's directory."""
    return Path(store.path) / f"staging-{slug(generation[len(SOURCES) :])}.nt"


def _first_copy(graph, kind: str, key: str, path: Path, summary: Summary, progress: Progress) -> Summary:
    """The first copy of a source, streamed at any size: the reader's triples go to an N-Triples
    file in the store's directory (a malformed record stops the import there, nothing in the store
    changed), which is bulk-loaded into a new generation graph that nothing names yet. The commit
    is one small update that names it, marked as still to be applied; the triples are then
    bulk-loaded into the live default graph and the mark removed. A process killed before the
    commit leaves an unnamed generation (removed when the store is next opened: the store is as it
    was); killed after it, the next open applies it again (the store is as after the import)."""
    store = graph.store
    generation = summary.generation = new_generation(key)
    staging = _staging(store, generation)
    say(f"reading {path} as {kind}")
    lines = 0
    try:
        with staging.open("w", encoding="utf-8", errors="strict") as out:
            for t in READERS[kind](path, summary, progress, graph):
                s, p, o = store_triple(t, path)
                out.write(f"{s} {p} {o} .\n")
                lines += 1
        progress.done()
        say(f"writing {lines:,} triples")
        store.bulk_load(staging, generation)  # named by nothing until the commit
    except BaseException:  # (a lone surrogate never gets here: store_triple refuses it)
        staging.unlink(missing_ok=True)
        drop_unnamed(store)
        raise
    summary.triples = store.count(generation)
    summary.changes = [
        EntryChange(str(r["e"]), str(r["party"] or ""), str(r["name"] or r["party"] or ""), "added")
        for r in store.select(ENTRIES.format(graph=generation))
    ]
    store.update(
        _commit(generation, kind, path, summary)
        + f" ; INSERT DATA {{ GRAPH <{META}> {{ {STORE_NODE} {APPLYING} <{generation}> }} }}"
    )
    apply_pending(store)
    return summary


# a first copy's list entries, each with its party and the party's name in the same copy
ENTRIES = (
    "SELECT ?e (SAMPLE(?p) AS ?party) (MIN(?n) AS ?name) WHERE {{ GRAPH <{graph}> {{ ?e a eg:ListEntry "
    "OPTIONAL {{ ?e eg:party ?p OPTIONAL {{ ?p eg:name ?n }} }} }} }} GROUP BY ?e ORDER BY ?e"
)
APPLYING = ox.NamedNode(EG + "applying")
BATCH = 100_000  # triples removed per transaction when an unnamed generation is dropped
PROPOSE_MAX = 50_000  # an import of more party records than this proposes no links (run dedupe)


def propose(store, summary: Summary) -> None:
    """Possible links from the records an import brought to listed parties (``dedupe``), for a
    person to judge: an import never merges records by itself."""
    from .dedupe import candidates

    rows = store.select(
        f"SELECT DISTINCT ?p WHERE {{ GRAPH <{summary.generation}> {{ ?p a ?t }} ?p a/rdfs:subClassOf* eg:Party }}"
    )
    summary.new_records = len(rows)
    if 0 < len(rows) <= PROPOSE_MAX:
        summary.proposed = candidates(store, only=[str(r["p"]) for r in rows])


def apply_pending(store) -> None:
    """Bulk-load each committed first copy that is not yet in the live default graph (see
    ``_first_copy``); loading a triple twice changes nothing, so a load cut short is redone."""
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH <{META}> {{ {STORE_NODE} {APPLYING} ?g }} }}")
    for generation in (str(r["g"]) for r in rows):
        say("applying the import")
        staging = _staging(store, generation)
        if staging.is_file():
            store.bulk_load(staging, None)
        else:  # cut short after the staging file was removed: copy from the generation graph
            store.copy_graph(generation, None)
        store.update(f"DELETE DATA {{ GRAPH <{META}> {{ {STORE_NODE} {APPLYING} <{generation}> }} }}")
        staging.unlink(missing_ok=True)


def mark(store, what: ox.NamedNode) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{META}> {{ {STORE_NODE} {what} {TRUE} }} }}")


def marked(store, what: ox.NamedNode) -> bool:
    return store.ask(f"ASK {{ GRAPH <{META}> {{ {STORE_NODE} {what} {TRUE} }} }}")


def drop_unnamed(store) -> None:
    """Remove source generations that ``graph/meta`` does not name: the one an import killed before
    its commit left behind, or the one a commit replaced."""
    named = {
        str(r["g"]) for r in store.select(f"SELECT ?g WHERE {{ GRAPH <{META}> {{ {STORE_NODE} {SOURCE_GRAPH} ?g }} }}")
    }
    for g in store.graphs():
        if g.startswith(SOURCES) and g not in named:
            # in batches: one transaction over a big partial copy would need memory in proportion;
            # nothing names the graph, so a removal cut short is simply taken up again
            while store.ask(f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"):
                store.update(
                    f"DELETE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ SELECT ?s ?p ?o WHERE "
                    f"{{ GRAPH <{g}> {{ ?s ?p ?o }} }} LIMIT {BATCH} }}"
                )
            store.update(f"DROP SILENT GRAPH <{g}>")
    pending = {
        str(r["g"]) for r in store.select(f"SELECT ?g WHERE {{ GRAPH <{META}> {{ {STORE_NODE} {APPLYING} ?g }} }}")
    }
    keep = {_staging(store, g).name for g in pending}
    for leftover in Path(store.path).glob("staging-*.nt"):
        if leftover.name not in keep:
            leftover.unlink()


def register(store, key: str, data: bytes, name: str) -> None:
    """A bundled file, loaded with a new store: live in the default graph, and copied into the
    first generation of its source (``key``), which tells an import what that source asserts."""
    generation = f"{SOURCES}{key}/bundled"
    store.load(data, "text/turtle", name=name)
    store.load(data, "text/turtle", name=name, graph=generation)
    store.update(f"INSERT DATA {{ GRAPH <{META}> {{ {STORE_NODE} {SOURCE_GRAPH} <{generation}> }} }}")
