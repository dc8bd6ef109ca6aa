"""A reader's triples (rdflib terms) written as N-Triples lines without making a store term for
each of them: every IRI (and language tag) is checked by pyoxigraph once, the first time it is
seen, and literals are escaped as text. ``Lines`` also counts the distinct triples and notes, as
the lines go by, what an import reports of its new copy: its list entries (party and name) and the
parties it describes."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyoxigraph as ox
from rdflib import Literal, URIRef

from ..errors import InputError
from .changes import EG, RDF_TYPE
from .readers import store_triple

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NAME, _PARTY, _LIST_ENTRY = EG + "name", EG + "party", EG + "ListEntry"


class Lines:
    """N-Triples lines of a reader's triples, the same terms ``store_triple`` makes (a value no
    store can hold is the same ``InputError``)."""

    def __init__(self, path: Path, party_classes: Iterable[str] = ()) -> None:
        self.path = path
        self._iris: dict[str, str] = {}
        self._tags: set[str] = set()
        self._hashes = array("q")
        self.party_classes = set(party_classes)
        self.parties: set[str] = set()  # subjects typed with a class of party
        self.entries: set[str] = set()  # subjects typed eg:ListEntry
        self.party_of: dict[str, str] = {}  # subject -> its least eg:party
        self.names: dict[str, str] = {}  # subject -> its least name

    def _iri(self, term: object) -> str:
        if not isinstance(term, URIRef):
            raise ValueError(term)
        key = str(term)  # (an rdflib term hashes and compares unlike its text)
        text = self._iris.get(key)
        if text is None:
            ox.NamedNode(key)  # checked once: a ValueError if no store can hold it
            text = self._iris[key] = f"<{key}>"
        return text

    def _object(self, term: object) -> str:
        if not isinstance(term, Literal):
            return self._iri(term)
        value = str(term)
        if not value.isascii():
            value.encode("utf-8")  # a lone surrogate: UnicodeEncodeError (a ValueError)
        text = f'"{value.translate(_ESCAPES)}"'
        if term.language:
            if term.language not in self._tags:  # checked once
                ox.Literal("", language=term.language)
                self._tags.add(term.language)
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^{self._iri(term.datatype)}"
        return text

    def line(self, t: tuple) -> str:
        s, p, o = t
        try:
            text = f"{self._iri(s)} {self._iri(p)} {self._object(o)} .\n"
        except ValueError:
            store_triple(t, self.path)  # the InputError that names the value
            raise InputError(f"a value no RDF store can hold, in {t!r}", source=str(self.path)) from None
        self._hashes.append(hash(text))
        self._note(str(p), s, o)
        return text

    def _note(self, p: str, s: object, o: object) -> None:
        if p == RDF_TYPE:
            if str(o) == _LIST_ENTRY:
                self.entries.add(str(s))
            if str(o) in self.party_classes:
                self.parties.add(str(s))
        elif p in (_NAME, _PARTY):
            into = self.names if p == _NAME else self.party_of
            key, value = str(s), str(o)
            if key not in into or value < into[key]:
                into[key] = value

    def __call__(self, triples: Iterable[tuple]) -> Iterator[str]:
        return (self.line(t) for t in triples)

    def distinct(self) -> int:
        """How many distinct triples the lines hold (a store keeps each once)."""
        return int(np.unique(np.frombuffer(self._hashes, dtype=np.int64)).size) if self._hashes else 0

    def listed(self) -> list[tuple[str, str, str]]:
        """The list entries of the lines, in order: (entry, its party, the party's least name in
        these lines, or the party)."""
        parties = {e: self.party_of.get(e, "") for e in self.entries}
        return [(e, p, self.names.get(p) or p) for e, p in sorted(parties.items())]
