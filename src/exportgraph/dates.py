"""Dates in and out of the graph.

The graph writes days as ``xsd:dateTime`` at midnight without a time zone, because OWL 2 has no
``xsd:date``; users write and read ``YYYY-MM-DD``.

>>> to_literal(parse_date("2025-03-25")).n3()
'"2025-03-25T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from rdflib import Literal


def parse_date(text: str, *, source: str | None = None, line: int | None = None, column: str | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` date, or an ``InputError`` naming where the bad value was."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(
            f"{text!r} is not a date (expected YYYY-MM-DD)", source=source, line=line, column=column
        ) from None


def to_literal(day: dt.date) -> Literal:
    from rdflib import Literal  # deferred: rdflib takes 0.1 s to import, and the store needs only ``lexical``
    from rdflib.namespace import XSD

    return Literal(lexical(day), datatype=XSD.dateTime)


def lexical(day: dt.date) -> str:
    """The lexical form the graph uses, for SPARQL substitutions."""
    return f"{day.isoformat()}T00:00:00"


def from_lexical(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])
