"""How a graph comes to be and stays current: loading the ontology, the bundled graph and user
files; the marks a persistent store keeps (initialised, derived); the derivation updates; imports.

Derived facts and the materialised 50% rule are recomputed here and nowhere else: after data is
loaded (``load``), after an import changes something (``after_import``) and when a persistent
store is opened after an import was cut short (``open_persistent``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import paths, snapshot
from .coverage import Coverage
from .errors import InputError
from .numeric import check_rdf
from .store import EmbeddedStore, PersistentStore, Store
from .tables import stamp as stamps

# imports, user files and scenarios load rdflib and the source readers: imported where they are
# used, so that opening the bundled graph for a profile does not load them (a cold start)
if TYPE_CHECKING:
    from . import imports
    from .sources.usercsv import Reader

CSV_ORDER = {"parties": 0, "ownership": 1, "listings": 2, "supply": 3, "judgements": 4}  # what each may name


def load_files(store: Store, files: Sequence[Path]) -> None:
    """Turtle files of the package (the ontology, the bundled graph), each under its path."""
    for path in files:
        store.load(path.read_bytes(), "text/turtle", name=str(path))


def open_bundled(light: bool = False) -> tuple[EmbeddedStore, bool] | None:
    """The ontology and the bundled graph from the snapshot (``snapshot``), and whether their facts
    are derived: ``light``, a working copy on disk of the derived store; otherwise a store in memory
    that the caller derives (after loading its data), exactly as from the Turtle. The first process
    that needs a part of the snapshot makes it. ``None`` when the cache is off."""
    if snapshot.folder() is None:
        return None
    found = snapshot.open_derived() if light else None
    if found is not None:
        return found, True
    store = snapshot.open_bundled()
    if store is None:
        files = paths.ontology_files() + paths.graph_files()
        store = EmbeddedStore()
        load_files(store, files)
        snapshot.save_bundled(files)
    if not light:
        return store, False
    derive(store, Coverage(store))
    snapshot.save_derived(store)
    return store, True


def open_embedded(bundled: bool, light: bool = False) -> tuple[EmbeddedStore, bool]:
    """A store in memory with the ontology and, if ``bundled``, the bundled graph (``open_bundled``,
    or the Turtle when the cache is off), and whether its facts are derived already."""
    opened = open_bundled(light) if bundled else None
    if opened is not None:
        return opened
    store = EmbeddedStore()
    load_files(store, paths.ontology_files() + (paths.graph_files() if bundled else []))
    return store, False


def derive(store: Store, coverage: Coverage) -> None:
    """Run the derivation updates in ``queries/derive/`` in order (idempotent); forget the
    materialised 50% rule, which the next check recomputes for the new data. A remote store
    opened without an update endpoint is read-only: its facts were derived when it was loaded."""
    if not store.writable:
        return
    disk = store.persistent()
    if isinstance(disk, EmbeddedStore):
        stamps.renew_stamp(disk)  # first: tables saved before this derivation are stale even if it is cut short
    for path in sorted((paths.QUERIES / "derive").glob("*.ru")):
        store.update(path.read_text(encoding="utf-8"))
    coverage.reset()


def open_persistent(store: PersistentStore, coverage: Coverage, bundled: bool) -> None:
    """First open: the ontology and the bundled graph (the Entity List as the first generation
    of its source graph, which imports replace), derived facts, then the marks that say so.
    Later opens: remove what a killed import left, and derive again if an import was cut
    short after its commit."""
    from . import imports

    imports.apply_pending(store)
    imports.drop_unnamed(store)
    if not imports.marked(store, imports.INITIALISED):
        store.update("DROP SILENT ALL")  # a first open cut short starts again
        load_files(store, paths.ontology_files())
        for path in paths.graph_files() if bundled else []:  # the Entity List is what imports replace
            key = "entity-list" if path == paths.GENERATED / "entity-list.ttl" else "bundled-" + path.stem
            imports.register(store, key, path.read_bytes(), str(path))
        imports.mark(store, imports.INITIALISED)
    if not imports.marked(store, imports.DERIVED):
        derive(store, coverage)
        imports.mark(store, imports.DERIVED)
    coverage.reset()  # the 50% rule is recomputed for this session's dates
    store.flush()


def after_import(store: Store, coverage: Coverage, summary: imports.Summary) -> None:
    """What an import that changed something needs next: derived facts, the mark that says they
    are current, and the proposed links of new records to listed parties."""
    from . import imports

    imports.say("deriving facts")
    derive(store, coverage)
    imports.mark(store, imports.DERIVED)
    imports.say("looking for records that may be listed parties")
    imports.propose(store, summary)


def check_data_files(data: Iterable[Path], names: dict[str, Path]) -> dict[str, Path]:
    """Each data file exists, and no two CSVs of one file name are loaded (a CSV's rows are named
    after its file name: they would merge). Returns the file names with this load's added."""
    names = dict(names)
    for path in data:
        if not path.is_file():
            raise InputError("no such file", source=str(path))
        if path.suffix.lower() == ".csv":
            other = names.setdefault(path.name, path.resolve())
            if other != path.resolve():
                raise InputError(f"another data file has the same name ({other}); rename one of them", source=str(path))
    return names


def load_rdf(store: Store, path: Path) -> None:
    """One user RDF file, by extension; a NaN or infinite number is refused before anything loads."""
    from .orders import RDF_MEDIA_TYPES

    media = RDF_MEDIA_TYPES.get(path.suffix.lower())
    if media is None:
        raise InputError(
            f"unknown file type {path.suffix!r}; expected .csv or one of " + ", ".join(sorted(RDF_MEDIA_TYPES)),
            source=str(path),
        )
    content = path.read_bytes()
    check_rdf(content, media, str(path))
    store.load(content, media, name=str(path))


def load_csvs(store: Store, csvs: list[Path], reader: Reader) -> None:
    """User CSVs (parties, ownership, listings, supply, judgements), in the order that lets each
    name what the ones before it define; each file's triples go to the store as its own terms."""
    from .imports.readers import store_terms
    from .sources.usercsv import kind_of

    for path in sorted(csvs, key=lambda p: CSV_ORDER[kind_of(p)]):
        triples = sorted(store_terms(reader.read(path), path), key=str)
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        store.load(data, "application/n-triples", name=str(path))


def scenario_copy(store: Store, path: Path) -> EmbeddedStore:
    """A copy of the store in memory with a scenario applied (``scenario.scenario_update``); the
    caller derives its facts again."""
    from .scenario import scenario_update

    if path.suffix.lower() != ".ru" and path.is_file():  # a Turtle scenario's numbers
        check_rdf(path.read_bytes(), "text/turtle", str(path))
    update = scenario_update(path)
    copy = EmbeddedStore()
    copy.load(store.dump(), "application/n-triples", name="base")
    try:
        copy.update(update)
    except InputError as exc:
        raise InputError(str(exc), source=str(path)) from None
    return copy
