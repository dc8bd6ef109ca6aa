"""Named SPARQL queries: one question per ``.rq`` file in ``queries/``, with a ``#+`` YAML header.

The header says what the query answers (``summary``), its parameters (``params``: name, type,
example), the columns it returns (``returns``) and the regulation it serves (``source``). Parameters
are bound by the store (SEP-0007 substitutions), never formatted into the text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

from .dates import parse_date
from .errors import InputError
from .model import QueryResult
from .paths import QUERIES
from .store import Store
from .store.embedded import IRI, Value

PARAM_TYPES = ("iri", "string", "date", "integer", "decimal")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    example: str | None = None
    required: bool = True


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    source: str | None
    text: str
    has_header: bool = True
    needs: tuple[str, ...] = ()  # derived facts to materialise first: "coverage" (the 50% rule on asOf)

    def bind(self, values: dict[str, object]) -> dict[str, Value]:
        """Typed bindings for the declared parameters; unknown or missing ones are input errors.

        A file without a ``#+`` header declares nothing, so it takes any parameter: a value that
        looks like an IRI is bound as one, a ``YYYY-MM-DD`` value as a date, anything else as a string.
        """
        if not self.has_header:
            return {k: convert(v, _guess_type(str(v)), f"parameter {k!r}") for k, v in values.items()}
        declared = {p.name: p for p in self.params}
        unknown = set(values) - set(declared)
        if unknown:
            raise InputError(
                f"query {self.name!r} has no parameter {sorted(unknown)[0]!r}; it takes {sorted(declared) or 'none'}"
            )
        out: dict[str, Value] = {}
        for p in self.params:
            if p.name not in values or values[p.name] is None:
                if p.required:
                    raise InputError(f"query {self.name!r} needs parameter {p.name!r} ({p.type})")
                continue
            out[p.name] = convert(values[p.name], p.type, f"parameter {p.name!r}")
        return out


def _guess_type(text: str) -> str:
    if text.startswith(("http://", "https://", "urn:")):
        return "iri"
    return "date" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else "string"


def convert(value: object, kind: str, where: str) -> Value:

    if kind == "iri":
        return IRI(str(value))
    if kind == "date":
        return value if isinstance(value, dt.date) else parse_date(str(value), column=where)
    try:
        if kind == "integer":
            return int(cast(Any, value))  # a number or its text; anything else is an input error
        if kind == "decimal":
            number = Decimal(str(value))
            if not number.is_finite():  # NaN, Infinity: no bound of a query
                raise InputError(f"{where}: {value!r} is not a finite decimal")
            return number
    except (ValueError, InvalidOperation):
        raise InputError(f"{where}: {value!r} is not a {kind}") from None
    return str(value)


def parse(path: Path, name: str | None = None, *, strict: bool = True) -> NamedQuery:
    """Read one ``.rq``; with ``strict=False`` (a user's own file) the header may be missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read query: {exc.strerror}", source=str(path)) from None
    header = "\n".join(line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+"))
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"bad #+ header: {exc}", source=str(path)) from None
    if not strict and not meta:
        return NamedQuery(name or path.stem, path, "", (), (), None, text, has_header=False)
    if not isinstance(meta, dict) or "summary" not in meta:
        raise InputError("the #+ header needs a summary", source=str(path))
    params = []
    for p in meta.get("params") or []:
        if p.get("type") not in PARAM_TYPES:
            raise InputError(
                f"parameter {p.get('name')!r} has type {p.get('type')!r}; expected one of {PARAM_TYPES}",
                source=str(path),
            )
        params.append(
            Param(
                p["name"],
                p["type"],
                None if p.get("example") is None else str(p["example"]),
                bool(p.get("required", True)),
            )
        )
    return NamedQuery(
        name or path.stem,
        path,
        str(meta["summary"]).strip(),
        tuple(params),
        tuple(meta.get("returns") or ()),
        meta.get("source"),
        text,
        needs=tuple(meta.get("needs", "").split()),
    )


INTERNAL = ("internal/", "imports/")  # the package's own texts: loaded by name, not offered to users


def catalogue(folder: Path = QUERIES) -> dict[str, NamedQuery]:
    """Every named query, keyed by its path below ``queries/`` without ``.rq`` (``hygiene/x``).

    The package's own texts (``internal/``, ``imports/``) are left out: :func:`load` reads them.
    """
    out = {}
    for path in sorted(folder.rglob("*.rq")):
        name = path.relative_to(folder).with_suffix("").as_posix()
        if not name.startswith(INTERNAL):
            out[name] = parse(path, name)
    return out


_NAME = re.compile(r"[\w.-]+(?:/[\w.-]+)*")


def _in_catalogue(name: str, folder: Path) -> bool:
    """Whether ``catalogue(folder)`` has a query called ``name``, without reading the others: its file
    exists below ``folder`` spelled exactly so (a case-insensitive file system would also find
    ``Chips.rq`` for ``chips.rq``), and it is not one of the package's own texts."""
    if not _NAME.fullmatch(name) or name.startswith(INTERNAL) or ".." in name.split("/"):
        return False
    here = folder
    for part in f"{name}.rq".split("/"):
        try:
            if part not in os.listdir(here):
                return False
        except OSError:
            return False
        here = here / part
    return here.is_file()


class Catalogue(Mapping[str, NamedQuery]):
    """``catalogue(folder)``, read as it is used: looking a query up by name reads its file only;
    listing or counting them reads every header (the YAML of a hundred files, tens of ms that a
    cold ``exportgraph entity`` does not need)."""

    def __init__(self, folder: Path = QUERIES) -> None:
        self.folder = folder
        self._one: dict[str, NamedQuery | None] = {}
        self._all: dict[str, NamedQuery] | None = None

    def _every(self) -> dict[str, NamedQuery]:
        if self._all is None:
            self._all = catalogue(self.folder)
        return self._all

    def _lookup(self, name: str) -> NamedQuery | None:
        if self._all is not None:
            return self._all.get(name)
        if name not in self._one:
            path = self.folder / f"{name}.rq"
            self._one[name] = parse(path, name) if _in_catalogue(name, self.folder) else None
        return self._one[name]

    def __getitem__(self, name: str) -> NamedQuery:
        found = self._lookup(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())


@cache
def load(name: str) -> NamedQuery:
    """One query or update of the package by its name below ``queries/`` (``internal/party-names``).

    A ``.rq`` (query) or ``.ru`` (update); each carries a ``#+`` header with its summary.
    """
    for suffix in (".rq", ".ru"):
        path = QUERIES / f"{name}{suffix}"
        if path.is_file():
            return parse(path, name)
    raise LookupError(f"no query or update named {name!r} under {QUERIES}")


def text(name: str) -> str:
    """The SPARQL text of :func:`load`'s query or update."""
    return load(name).text


class Runner:
    """Runs the named queries on one store: the catalogue, bound parameters, the 50% rule of the
    query's date materialised first when its header ``needs: coverage``."""

    def __init__(self, store: Store, ensure_coverage: Callable[[list[dt.date]], object]) -> None:
        self.store = store
        self._ensure_coverage = ensure_coverage
        self.catalogue = Catalogue()  # read lazily: a query by name reads its file only

    def run(self, name: str, params: Mapping[str, object] | None = None) -> QueryResult:
        """The named query (or a ``.rq`` file path) with parameters by the names it declares."""
        if name.endswith(".rq"):
            q = parse(Path(name), strict=False)
        elif name in self.catalogue:
            q = self.catalogue[name]
        else:
            raise InputError(f"no query named {name!r}; known: " + ", ".join(sorted(self.catalogue)))
        bindings = q.bind(dict(params or {}))
        if "coverage" in q.needs:
            self._ensure_coverage([cast(dt.date, bindings["asOf"])])
        rows = self.store.select(q.text, bindings)
        columns = q.returns or tuple(rows[0]) if rows else q.returns
        return QueryResult(tuple(columns), rows)

    def __call__(self, name: str, /, **params: object) -> QueryResult:
        """``run`` with keyword parameters: ``runner("party-facts", party=IRI(...))``."""
        return self.run(name, params)

    def internal(self, name: str, bindings: dict[str, Value] | None = None) -> list[dict[str, Any]]:
        """The rows of one of the package's own queries (``queries/internal/<name>.rq``)."""
        return self.store.select(text(f"internal/{name}"), bindings)

    def hygiene(self) -> list[str]:
        """Every error string of every ``queries/hygiene/*.rq``; empty means the data is clean."""
        return [
            str(r["error"])
            for name, q in sorted(self.catalogue.items())
            if name.startswith("hygiene/")
            for r in self.store.select(q.text)
        ]
