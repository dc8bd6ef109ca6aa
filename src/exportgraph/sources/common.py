"""What the importers share: the triple type, dataset and row provenance, country-name lookup."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from .. import ids
from ..errors import InputError
from ..namespaces import EG, RDF, RDFS, SCHEMA

Triple = tuple[Node, Node, Node]

# Names the source lists use for destinations that ISO's CLDR short names spell otherwise.
COUNTRY_ALIASES = {
    "burma": "MM",
    "crimea region of ukraine": "UA",
    "macau": "MO",
    "the netherlands": "NL",
    "turkey": "TR",
    "united states": "US",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "united kingdom": "GB",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "bolivia": "BO",
    "iran": "IR",
    "russia": "RU",
    "north korea": "KP",
    "south korea": "KR",
    "taiwan": "TW",
    "hong kong": "HK",
    "macao": "MO",
}


def dataset_triples(name: str, label: str, url: str, note: str) -> Iterator[Triple]:
    node = ids.dataset(name)
    yield node, RDF.type, EG.Dataset
    yield node, RDFS.label, Literal(label)
    yield node, SCHEMA.url, Literal(url)
    yield node, EG.note, Literal(note)


def row_source(dataset_name: str, key: str, out: list[Triple]) -> URIRef:
    """Mint the source node of one dataset row, append its triples to ``out``, return it."""
    node = ids.dataset_row(dataset_name, key)
    out.append((node, RDF.type, EG.DatasetRow))
    out.append((node, EG.dataset, ids.dataset(dataset_name)))
    out.append((node, EG.rowKey, Literal(key)))
    out.append((node, RDFS.label, Literal(f"{dataset_name} {key}")))
    return node


class CountryIndex:
    """Looks up ISO alpha-2 codes by code or by any English name the country file gives."""

    def __init__(self, country_codes_csv: Path) -> None:
        self.by_name: dict[str, str] = {}
        self.codes: set[str] = set()
        with country_codes_csv.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = row["ISO3166-1-Alpha-2"].strip()
                if not code:
                    continue
                self.codes.add(code)
                for col in (
                    "CLDR display name",
                    "official_name_en",
                    "UNTERM English Short",
                    "ISO4217-currency_country_name",
                ):
                    if row.get(col):
                        self.by_name.setdefault(row[col].strip().lower(), code)
        for name, code in COUNTRY_ALIASES.items():
            self.by_name.setdefault(name, code)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> CountryIndex:
        """An index from (code, English name) pairs, e.g. the countries already in the graph."""
        index = cls.__new__(cls)
        index.by_name, index.codes = {}, set()
        for code, name in pairs:
            index.codes.add(code)
            if name:
                index.by_name.setdefault(name.strip().lower(), code)
        for name, code in COUNTRY_ALIASES.items():
            index.by_name.setdefault(name, code)
        return index

    def code(self, text: str, *, source: str | None = None, line: int | None = None, column: str | None = None) -> str:
        t = text.strip()
        if t.upper() in self.codes:
            return t.upper()
        found = self.by_name.get(t.lower())
        if found is None:
            raise InputError(f"unknown country {text!r}", source=source, line=line, column=column)
        return found


def csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header of a CSV and its non-blank rows as (line, {column: stripped value}).

    A row with the wrong number of columns, or text that is not CSV or not UTF-8, is an
    ``InputError`` naming the file and line. The whole file is read before any row is used, so
    nothing half-loads.
    """
    header, rows = iter_csv_rows(path)
    return header, list(rows)


def iter_csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header of a CSV and its non-blank rows as (line, {column: stripped value}), read as a
    stream for files of any size. A row with the wrong number of columns, text that is not CSV, or
    bytes that are not UTF-8 (on the line they are on) are an ``InputError`` naming the file and
    line, when the iterator reaches them: a caller must keep nothing of a file that raises."""
    try:
        fh = path.open("rb")
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL byte
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", source=str(path)) from None

    def decoded() -> Iterator[str]:  # line by line: a newline byte is never inside a UTF-8 character
        for i, raw in enumerate(fh, 1):
            try:
                yield raw.decode("utf-8-sig" if i == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text: {exc.reason}", source=str(path), line=i) from None

    reader = csv.reader(decoded())
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        fh.close()
        raise InputError(f"not valid CSV: {exc}", source=str(path), line=reader.line_num) from None
    except InputError:
        fh.close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        with fh:
            try:
                for values in reader:
                    if not any(v.strip() for v in values):
                        continue
                    if len(values) != len(header):
                        raise InputError(
                            f"expected {len(header)} columns, found {len(values)}",
                            source=str(path),
                            line=reader.line_num,
                        )
                    yield reader.line_num, {h: v.strip() for h, v in zip(header, values, strict=True)}
            except csv.Error as exc:
                raise InputError(f"not valid CSV: {exc}", source=str(path), line=reader.line_num) from None

    return header, rows()


MAX_JSON_DEPTH = 32  # a record of any format read here is at most eight levels deep


def json_events(fh, path: Path, what: str) -> Iterator[tuple]:
    """ijson's (prefix, event, value) triples of a binary file, stopped with an ``InputError`` at
    nesting deeper than ``MAX_JSON_DEPTH``: ijson's prefixes take memory quadratic in the depth
    (100 kB of brackets would take tens of GB). Numbers are read as floats: ijson's C parser
    crashes on an integer of 4,300 digits. ``what`` names the format in the message."""
    import ijson

    def shallow(events: Iterator[tuple]) -> Iterator[tuple]:
        depth = 0
        for event, value in events:
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise InputError(f"not {what}: JSON nested over {MAX_JSON_DEPTH} deep", source=str(path))
            elif event in ("end_map", "end_array"):
                depth -= 1
            yield event, value

    return ijson.parse(shallow(ijson.basic_parse(fh, use_float=True)))
