"""The trade.gov Consolidated Screening List, in its published JSON (``{"results": [...]}`` or a
list of records) and CSV forms, read as a stream (``ijson`` for JSON, the ``csv`` module for CSV).

Each record's ``source`` names its list. The Entity List, the MEU List, the Unverified List and
OFAC's SDN List map to the ontology's lists; every other source list (DPL, ISN, DTC, FSE, SSI,
CMIC, ...) becomes a list of its own, named and located by the record (``source``,
``source_list_url``), so that nothing is dropped. A record becomes a party (``ids.party`` of its
name, so the same party as on the bundled lists), its aliases and addresses, and one list entry with
the dates (``start_date``, ``end_date``), the Federal Register notice, the licence requirement and
policy, and the remarks. Vessels and aircraft are skipped and counted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal, URIRef

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS, SCHEMA
from .common import Triple, dataset_triples, json_events, row_source
from .fedreg import citation_triples, license_scope, parse_citations

DATASET = "trade-gov-csl-import"
# the abbreviation in a record's source, e.g. "Entity List (EL) - Bureau of Industry and Security"
KNOWN = {"EL": "entity-list", "MEU": "meu-list", "UVL": "unverified-list", "SDN": "sdn"}
_ABBREV = re.compile(r"\(([A-Z][A-Z0-9-]*)\)")
CSV_COLUMNS = ("source", "name", "start_date")  # the least a CSV must have
MULTI = ("alt_names", "programs", "citizenships", "nationalities")
SCALARS = (
    "_id",
    "id",
    "entity_number",
    "type",
    "source",
    "name",
    "federal_register_notice",
    "start_date",
    "end_date",
    "license_requirement",
    "license_policy",
    "remarks",
    "source_list_url",
)


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """(record number from 1, record) for JSON or CSV, by the file's first character."""
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        import ijson

        prefix = "results.item" if head[:1] == b"{" else "item"
        with path.open("rb") as fh:
            try:
                events = json_events(fh, path, "a Consolidated Screening List")
                for i, record in enumerate(ijson.items(events, prefix), 1):
                    if not isinstance(record, dict):
                        raise InputError("a record is not a JSON object", source=str(path), line=i)
                    yield i, record
            except (ijson.JSONError, ValueError) as exc:  # ValueError: bytes not UTF-8, a number of 4,300 digits
                raise InputError(f"not valid JSON: {exc}", source=str(path)) from None
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            yield from _csv_records(reader, path)
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text after line {reader.line_num}: {exc.reason}", source=str(path)) from None
        except csv.Error as exc:
            raise InputError(f"not valid CSV: {exc}", source=str(path), line=reader.line_num) from None


def _csv_records(reader: csv.DictReader, path: Path) -> Iterator[tuple[int, dict]]:
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"not a Consolidated Screening List CSV: no column {', '.join(missing)}", source=str(path), line=1
        )
    for row in reader:
        if None in row:
            raise InputError(
                f"{len(row[None]) + len(reader.fieldnames or [])} columns where the header has "
                f"{len(reader.fieldnames or [])}",
                source=str(path),
                line=reader.line_num,
            )
        record = {k: (v or "").strip() for k, v in row.items()}
        for k in MULTI:
            record[k] = [x.strip() for x in record.get(k, "").split(";") if x.strip()]
        record["addresses"] = [{"address": a.strip()} for a in record.get("addresses", "").split(";") if a.strip()]
        yield reader.line_num, record


def _list_of(record: dict, out: list[Triple], src: URIRef) -> tuple[str, URIRef]:
    source = str(record.get("source") or "").strip()
    m = _ABBREV.search(source)
    abbrev = m.group(1) if m else ids.slug(source).upper()
    if abbrev in KNOWN:
        return KNOWN[abbrev], ids.restriction_list(KNOWN[abbrev])
    short = "csl-" + ids.slug(abbrev)
    node = ids.restriction_list(short)
    out += [
        (node, RDF.type, EG.RestrictionList),
        (node, RDFS.label, Literal(source)),
        (node, EG.shortName, Literal(short)),
        (node, DCTERMS.source, src),
    ]
    if record.get("source_list_url"):
        out.append((node, SCHEMA.url, Literal(str(record["source_list_url"]))))
    return short, node


def read(path: Path, codes: set[str]) -> Iterator[tuple[dict, list[Triple] | str]]:
    """(record, its triples) per record, or (record, the reason it is skipped)."""
    yield (
        {},
        list(
            dataset_triples(
                DATASET,
                f"trade.gov Consolidated Screening List: {path.name}",
                "https://www.trade.gov/consolidated-screening-list",
                "Imported with `exportgraph import csl`; each record is one row.",
            )
        ),
    )
    for n, record in _records(path):
        yield record, _triples(record, n, path, codes)


def _check_types(record: dict, path: Path, n: int) -> None:
    """A JSON record's fields as the CSL writes them: text (or a number, or null), lists of text,
    and addresses as objects of those; anything else (a list for a name, a number for the
    aliases) is an ``InputError`` naming the record, not a name made of brackets or a crash."""

    def scalar(v) -> bool:
        return v is None or isinstance(v, str | int | float)

    for k, v in record.items():
        if k in MULTI and not (v is None or isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise InputError(f"{k!r} is not a list of text", source=str(path), line=n)
        if k == "addresses" and not (
            v is None
            or isinstance(v, list)
            and all(isinstance(a, dict) and all(scalar(x) for x in a.values()) for a in v)
        ):
            raise InputError("'addresses' is not a list of objects of text", source=str(path), line=n)
        if k in SCALARS and not scalar(v):
            raise InputError(f"{k!r} is not text", source=str(path), line=n)


def _triples(record: dict, n: int, path: Path, codes: set[str]) -> list[Triple] | str:
    _check_types(record, path, n)
    name = str(record.get("name") or "").strip()
    if not name:
        raise InputError("record without a name", source=str(path), line=n)
    if not str(record.get("source") or "").strip():
        raise InputError("record without a source list", source=str(path), line=n)
    kind = str(record.get("type") or "").strip().lower()
    if kind in ("vessel", "aircraft"):
        return f"{kind} records are not imported"
    out: list[Triple] = []
    key = str(record.get("entity_number") or record.get("_id") or record.get("id") or f"record-{n}")
    src = row_source(DATASET, key, out)
    short, list_node = _list_of(record, out, src)
    party = ids.party(name)
    out += [
        (party, RDF.type, EG.Person if kind == "individual" else EG.Party),
        (party, EG.name, Literal(name)),
        (party, RDFS.label, Literal(name)),
        (party, DCTERMS.source, src),
    ]
    out += [(party, EG.alias, Literal(a)) for a in record.get("alt_names") or [] if a and a != name]
    _addresses(record, n, path, codes, key, name, party, src, out)
    entry = URIRef(f"{ids.listing(short, name)}/csl-{ids.slug(key)}")
    out += [
        (entry, RDF.type, EG.ListEntry),
        (entry, EG.party, party),
        (entry, EG.onList, list_node),
        (entry, RDFS.label, Literal(f"{name} ({short})")),
        (entry, DCTERMS.source, src),
    ]
    _entry_facts(record, n, path, short, entry, src, out)
    return out


def _addresses(
    record: dict,
    n: int,
    path: Path,
    codes: set[str],
    key: str,
    name: str,
    party: URIRef,
    src: URIRef,
    out: list[Triple],
) -> None:
    """The record's addresses, with their countries (the party's too), added to ``out``."""
    for i, a in enumerate(record.get("addresses") or [], 1):
        parts = [str(a.get(k) or "").strip() for k in ("address", "city", "state", "postal_code", "country")]
        text = ", ".join(p for p in parts if p)
        if not text:
            continue
        addr = ids.address(f"csl {key} {name}", i)
        out += [
            (party, EG.hasAddress, addr),
            (addr, RDF.type, EG.Address),
            (addr, EG.addressText, Literal(text)),
            (addr, DCTERMS.source, src),
        ]
        code = str(a.get("country") or "").strip().upper()
        if not code and len(a) == 1:  # the CSV form writes the country last: "street, city, CN"
            tail = text.rsplit(",", 1)[-1].strip()
            code = tail if len(tail) == 2 and tail in codes else ""
        if code:
            if code not in codes:
                raise InputError(f"unknown country code {code!r} in an address", source=str(path), line=n)
            out += [(addr, EG.addressCountry, ids.country(code)), (party, EG.country, ids.country(code))]


def _entry_facts(record: dict, n: int, path: Path, short: str, entry: URIRef, src: URIRef, out: list[Triple]) -> None:
    """The list entry's dates, citations (the record itself when it names none), licence
    requirement, review policy and remarks, added to ``out``."""
    for field, pred in (("start_date", EG.dateAdded), ("end_date", EG.dateRemoved)):
        if record.get(field):
            day = parse_date(str(record[field])[:10], source=str(path), line=n, column=field)
            out.append((entry, pred, to_literal(day)))
    for c in parse_citations(str(record.get("federal_register_notice") or "")):
        out += citation_triples(entry, c)
    if not any(p == EG.citation for _, p, _ in out):
        out.append((entry, EG.citation, src))  # the record itself is the citation
    for field, pred in (
        ("license_requirement", EG.licenseRequirement),
        ("license_policy", EG.reviewPolicy),
        ("remarks", EG.note),
    ):
        if record.get(field):
            out.append((entry, pred, Literal(str(record[field]))))
    if short == "entity-list" and record.get("license_requirement"):
        out.append((entry, EG.licenseScope, license_scope(str(record["license_requirement"]))))
