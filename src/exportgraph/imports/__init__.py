"""``exportgraph import KIND FILE --store DIR``: a source file read into a persistent store, whole
or not at all.

The live triples are in the default graph (the derivations, SPARQL updates, read only that). Each
source also keeps a copy of what it asserts, one generation per import
(``graph/source/<key>/<time>``); the store's ``graph/meta`` names the current one. An imported copy
is kept as its N-Triples file, compressed, in the store's directory, and its generation's graph
stays empty: each triple is stored once, in the default graph. The commit of a later import loads
the copies into their graphs, reads them in SPARQL and empties them again (``generations``).

An import reads and checks the whole file first (a malformed record stops it, naming file, line and
reason, before anything is written), writes the new generation, then commits with one SPARQL
update: out of the default graph go the old copy's triples that no other source asserts, in come
the new copy's, the new generation becomes current and the import is recorded (``eg:Import``); the
old generation is dropped after. A process killed before the commit leaves a generation that
nothing names, which the next open removes: the store is as it was. Derived facts are recomputed
after the commit; a store whose derivation was cut short is re-derived when it is next opened.

An import of a list replaces the list's previous copy; other sources keep one copy per file name
(two FtM datasets are both kept; a newer copy of one replaces it). Entries the new copy no longer
has are kept with ``eg:dateRemoved`` (the copy's date), so that answers as of an earlier date stay
right and ``changes`` can report them. Re-importing an unchanged file changes nothing.

The package: ``readers`` (one per kind of file), ``ntriples`` (their triples as N-Triples lines),
``changes`` (what a new copy adds, removes and changes), ``generations`` (the store's bookkeeping:
generations, their copies, marks, pending first copies) and ``commit`` (``run``: read, compare,
write, commit). The SPARQL is in ``queries/imports/``.
"""

from __future__ import annotations

from ..store.graphs import IMPORTS, META, SOURCES
from .changes import EntryChange, Summary, diff
from .commit import PROPOSE_MAX, propose, run
from .generations import (
    APPLYING,
    DERIVED,
    INITIALISED,
    SOURCE_GRAPH,
    STORE_NODE,
    apply_pending,
    copy_file,
    current,
    dematerialise,
    drop_unnamed,
    mark,
    marked,
    materialise,
    new_generation,
    read_copy,
    register,
)
from .readers import READERS, REPLACED, Progress, Reader, say, store_terms, store_triple

__all__ = [
    "APPLYING",
    "DERIVED",
    "IMPORTS",
    "INITIALISED",
    "META",
    "PROPOSE_MAX",
    "READERS",
    "REPLACED",
    "SOURCES",
    "SOURCE_GRAPH",
    "STORE_NODE",
    "EntryChange",
    "Progress",
    "Reader",
    "Summary",
    "apply_pending",
    "copy_file",
    "current",
    "dematerialise",
    "diff",
    "drop_unnamed",
    "mark",
    "marked",
    "materialise",
    "new_generation",
    "propose",
    "read_copy",
    "register",
    "run",
    "say",
    "store_terms",
    "store_triple",
]
