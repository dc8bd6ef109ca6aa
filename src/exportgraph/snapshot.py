"""The bundled graph, kept in the cache folder by the first process that reads it, so that later
processes open it instead of parsing the Turtle (and, for a light session, deriving again).

A snapshot is a folder ``snapshot-<key>`` in ``settings.cache_dir()`` with two parts, each made by
the first process that needs it:

- ``bundled.nq``: the ontology and the bundled graph as N-Quads, in the order the Turtle parser gives
  them. A session in memory (the default) loads it (0.4 s where the Turtle takes 1.4 s) and derives
  the facts itself. The order matters: a store in memory answers in the order its triples came in,
  and a query that takes ``SAMPLE`` of several values (a party with two countries) answers the same
  only if they came in the same order; so the snapshot replays the Turtle path's order exactly.
- ``db/``: the same with the facts derived, as a pyoxigraph database (RocksDB). A ``light`` session
  (a profile, a named query) opens a checkpoint of it (hard links where the file system allows) in
  a working folder of its own, in about 50 ms instead of 1.6 s; it answers in the database's order,
  as a ``--store`` does. Checking orders, exposure and screening write and query much, and run 2-3x
  faster in memory, so they do not use it. The working folder goes with its store (or at exit; if
  the process was killed, the next one that opens a working copy removes it).

The key hashes the package's version, pyoxigraph's, the prefixes the updates use and every file a
snapshot is made of (the ontology, the bundled graph, ``queries/derive/``), so a changed file never
serves an old snapshot. Each part is written into a temporary folder and renamed into place: another
process sees it whole or not at all. Where the cache folder cannot be written, the graph is read
from the Turtle as before, with a warning; a part that does not open is removed and made again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from . import paths, settings
from .prefixes import PREFIXES
from .store import EmbeddedStore
from .store.embedded import parse_rdf
from .version import __version__

FORMAT = "1"  # what a snapshot holds and how it is made: change it when either changes
WORK, BUILD = ".work-", ".build-"  # a process's working copy, a snapshot being written (+ pid)


def sources() -> list[Path]:
    """The files a snapshot is made of: the ontology, the bundled graph, the derivation updates."""
    return paths.ontology_files() + paths.graph_files() + sorted((paths.QUERIES / "derive").glob("*.ru"))


def key() -> str:
    """What the snapshot of these files, this package and this pyoxigraph is called.

    Hashing the 9 MB takes 30 ms of a 0.4 s start, so the key of files whose size, times and inode
    have not changed is remembered (in this process, and in the cache folder's ``key`` file). Only
    for files last changed well before they were hashed (git's rule against "racy clean" entries):
    any later change moves a file's ctime, which no tool sets back, and so misses the memo."""
    files = sources()
    stats = [path.stat() for path in files]
    versions = f"{FORMAT}\0{__version__}\0{ox.__version__}\0{sorted(PREFIXES.items())}"
    lines = [versions] + [
        f"{p}\0{s.st_size}\0{s.st_mtime_ns}\0{s.st_ctime_ns}\0{s.st_ino}" for p, s in zip(files, stats, strict=True)
    ]
    signature = hashlib.sha1("\n".join(lines).encode(), usedforsecurity=False).hexdigest()
    known = _KEYS.get(signature) or _remembered(signature)
    if known:
        return known
    hashed_at = time.time()
    value = _digest(versions, files)
    if all(max(s.st_mtime, s.st_ctime) < hashed_at - RACY_SECONDS for s in stats):
        _KEYS[signature] = value
        _remember(signature, value)
    return value


def _digest(versions: str, files: list[Path]) -> str:
    digest = hashlib.sha1(versions.encode(), usedforsecurity=False)  # telling files apart: the fastest
    for path in files:
        data = path.read_bytes()
        name = path.relative_to(paths.ROOT).as_posix() if path.is_relative_to(paths.ROOT) else str(path)
        digest.update(f"\0{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:24]


_KEYS: dict[str, str] = {}  # signature of the files' stat -> key, in this process
RACY_SECONDS = 3.0  # a file changed this close before it was hashed may change again unseen: no memo


def _remembered(signature: str) -> str | None:
    cache = settings.cache_dir()
    try:
        memo = (cache / "key").read_text(encoding="ascii").split() if cache else []
    except (OSError, ValueError):
        return None
    return memo[1] if len(memo) == 2 and memo[0] == signature else None


def _remember(signature: str, value: str) -> None:
    cache = settings.cache_dir()
    if cache is None:
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{BUILD}{os.getpid()}-", dir=cache)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{signature} {value}\n")
        os.replace(tmp, cache / "key")
    except OSError:
        pass  # no memo: the next process hashes the files again


def folder() -> Path | None:
    """Where the snapshot of the current files is (or would be); ``None`` when the cache is off."""
    cache = settings.cache_dir()
    return None if cache is None else cache / f"snapshot-{key()}"


def open_bundled() -> EmbeddedStore | None:
    """A store in memory with ``bundled.nq`` loaded (not derived), or ``None`` if there is none."""
    where = folder()
    return None if where is None else _open(where / "bundled.nq", _in_memory)


def open_derived() -> EmbeddedStore | None:
    """A working copy on disk of ``db/`` (derived), or ``None`` if there is none."""
    where = folder()
    return None if where is None else _open(where / "db", _working_copy)


def _open(part: Path, how: Callable[[Path], EmbeddedStore]) -> EmbeddedStore | None:
    if not part.exists():
        return None
    try:
        return how(part)
    except (OSError, RuntimeError, SyntaxError, ValueError) as exc:  # RocksDB: RuntimeError
        _warn(f"cannot open the snapshot {part} ({exc}); it is made again")
        if part.is_dir():
            shutil.rmtree(part, ignore_errors=True)
        else:
            part.unlink(missing_ok=True)
        return None


def _in_memory(part: Path) -> EmbeddedStore:
    database = ox.Store()
    database.load(path=str(part), format=ox.RdfFormat.N_QUADS)
    return EmbeddedStore.over(database)


def _working_copy(part: Path) -> EmbeddedStore:
    cache = part.parents[1]
    _sweep(cache)
    work = Path(tempfile.mkdtemp(prefix=f"{WORK}{os.getpid()}-", dir=cache))
    try:
        ox.Store.read_only(str(part)).backup(str(work / "db"))
        store = EmbeddedStore.over(ox.Store(str(work / "db")))
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    weakref.finalize(store, shutil.rmtree, work, True)  # when the store goes, or at exit
    return store


def save_bundled(files: list[Path]) -> None:
    """Keep the Turtle ``files`` as ``bundled.nq``, each file's triples in the parser's order."""

    def write(into: Path) -> None:
        with open(into, "wb") as fh:
            for path in files:
                ox.serialize(parse_rdf(path.read_bytes(), "text/turtle", str(path)), fh, ox.RdfFormat.N_QUADS)

    _save("bundled.nq", write)


def save_derived(store: EmbeddedStore) -> None:
    """Keep ``store`` (the bundled graph with its derived facts, nothing else) as ``db/``."""
    _save("db", store.save)


def _save(name: str, write: Callable[[Path], None]) -> None:
    """Write one part of the snapshot into a temporary folder, then rename it into place, so that it
    is seen whole or not at all. Another process may do the same at the same time: its rename
    replaces a file with one just like it, or fails on the database already in place."""
    where = folder()
    if where is None or (where / name).exists():
        return
    try:
        fresh = not where.is_dir()
        where.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f"{BUILD}{os.getpid()}-", dir=where.parent))
    except OSError as exc:
        _warn(f"cannot write the snapshot in {where.parent} ({exc.strerror or exc}); the Turtle is read instead")
        return
    try:
        write(build / name)
        os.rename(build / name, where / name)
    except OSError as exc:
        if not (where / name).exists():  # not another process's part in place already
            _warn(f"cannot write the snapshot in {where.parent} ({exc.strerror or exc})")
    finally:
        shutil.rmtree(build, ignore_errors=True)
    for old in where.parent.glob("snapshot-*") if fresh else ():  # of files that have changed since
        if old != where:
            shutil.rmtree(old, ignore_errors=True)


def _sweep(cache: Path) -> None:
    """Remove the working copies and unfinished snapshots of processes that have ended."""
    for path in [*cache.glob(WORK + "*"), *cache.glob(BUILD + "*")]:
        pid = path.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)  # a ``key`` being written


def _alive(pid: int) -> bool:
    if os.name == "nt":  # signal 0 there is CTRL_C_EVENT: never sent; the folder stays
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or a platform without signal 0
        return True
    return True


def _warn(message: str) -> None:
    warnings.warn(f"exportgraph: {message}", RuntimeWarning, stacklevel=3)
