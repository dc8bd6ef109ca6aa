"""Numbers read from user input: finite, or an ``InputError`` naming the file, line and column.

``Decimal`` and ``float`` both read ``NaN``, ``Infinity``, ``inf`` and ``-inf``; no percentage, figure
or bound of this graph is one, and a NaN that gets through fails later, far from its row (a ``Decimal``
NaN raises ``InvalidOperation`` when compared). Every reader of numbers goes through here.

>>> decimal("40.5", source="o.csv", line=2, column="percent")
Decimal('40.5')
>>> decimal("NaN", source="o.csv", line=2, column="percent")
Traceback (most recent call last):
...
exportgraph.errors.InputError: o.csv:2 column 'percent': 'NaN' is not a finite number
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from .errors import InputError

XSD = "http://www.w3.org/2001/XMLSchema#"
# the numeric datatypes whose literals the graph reads as numbers (store.embedded.to_python)
DECIMALS = {XSD + t for t in ("decimal", "double", "float")}
INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_INTEGER = re.compile(r"[+-]?[0-9]+")


def decimal(text: str, *, source: str | None = None, line: int | None = None, column: str | None = None) -> Decimal:
    """``text`` as a finite ``Decimal``; anything else is an ``InputError`` at the place given."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise InputError(f"{text!r} is not a number", source=source, line=line, column=column) from None
    if not value.is_finite():
        raise InputError(f"{text!r} is not a finite number", source=source, line=line, column=column)
    return value


def finite(
    value: float | int, text: object, *, source: str | None = None, line: int | None = None, column: str | None = None
) -> float | int:
    """``value`` (a number already parsed, e.g. from JSON) if finite; else an ``InputError``."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{text!r} is not a finite number", source=source, line=line, column=column)
    return value


def check_rdf(data: bytes, media_type: str, source: str) -> None:
    """Refuse an RDF file with a numeric literal that is not a finite number of its datatype
    (``"NaN"^^xsd:decimal``, ``"INF"^^xsd:double``, ``"abc"^^xsd:integer``): the error names the
    file, the line the value is on (found by its text; none if not found) and the predicate as the
    column. A file that does not parse is left to the store's loader, which reports where."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        return
    try:
        for t in ox.parse(data, format=fmt):
            o = t.object
            if not isinstance(o, ox.Literal):
                continue
            dtype = o.datatype.value
            if dtype in DECIMALS:
                bad = _bad_decimal(o.value, as_float=dtype != XSD + "decimal")
            elif dtype in INTEGERS:
                bad = None if _INTEGER.fullmatch(o.value.strip()) else "an integer"
            else:
                continue
            if bad:
                raise InputError(
                    f"{o.value!r} is not {bad} (subject <{t.subject.value}>)",
                    source=source,
                    line=_line_of(data, o.value),
                    column=_short(t.predicate.value),
                )
    except (SyntaxError, ValueError, OSError):  # not parseable: the loader says where
        return


def _bad_decimal(text: str, *, as_float: bool) -> str | None:
    """What is wrong with a decimal (or, ``as_float``, a double's) lexical form, if anything: a
    double of 1e999 is read as infinity."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return "a number"
    finite = value.is_finite() and (not as_float or math.isfinite(float(value)))
    return None if finite else "a finite number"


def _line_of(data: bytes, lexical: str) -> int | None:
    """The line of the first place the value is written as a literal (Turtle, N-Triples, JSON-LD,
    RDF/XML)."""
    raw = lexical.encode("utf-8", "replace")
    hits = [
        i for i in (data.find(b'"' + raw + b'"'), data.find(b"'" + raw + b"'"), data.find(b">" + raw + b"<")) if i >= 0
    ]
    if not hits and (bare := re.search(rb"(?<![\w.+-])" + re.escape(raw) + rb"(?![\w.])", data)):
        hits = [bare.start()]  # a Turtle number written bare: 1e999
    return data.count(b"\n", 0, min(hits)) + 1 if hits else None


def _short(iri: str) -> str:
    from .namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
