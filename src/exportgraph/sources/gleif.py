"""GLEIF's Legal Entity Identifier data, who is who (Level 1) and who consolidates whom (Level 2),
read as a stream.

Forms, told apart by the file's content: the golden-copy CSV files (Level 1 LEI-CDF records and
Level 2 relationship records, with the published column names such as ``Entity.LegalName`` and
``Relationship.StartNode.NodeID``; other columns are ignored, the ``csv`` module reads row by row);
the golden-copy JSON files (``{"records": [...]}`` and ``{"relations": [...]}``, values wrapped as
``{"$": ...}``) and the GLEIF API's JSON (``{"data": ...}`` of ``lei-records`` or
``relationship-records``), read with ``ijson``; and GLEIF's RDF in Turtle (the ontologies of
GLEIF-IT/lei-rdf: ``gleif-L1:hasLegalName``, ``gleif-L2:DirectConsolidation`` with ``hasChild`` and
``hasParent``), read with pyoxigraph's streaming parser, keeping only the GLEIF facts used here.
Every form is first made into rows with the golden-copy CSV's column names, so that one mapping
serves them all and an error names the same column whatever the form.

An LEI record becomes an organisation (``ids.party("lei <LEI>")``; a resident government entity a
government body) with its legal name, its other and transliterated names as aliases, the LEI, the
legal address country (``eg:country``), the headquarters country (``eg:headquarteredIn``, which the
advanced-computing rules read), the legal jurisdiction's country (``eg:incorporatedIn``), the legal
and (when it differs) the headquarters address, and the entity's creation date. Records GLEIF marks
``ANNULLED`` or ``DUPLICATE`` are skipped. A country code outside ISO 3166-1 stops the import; a
user-assigned one (``XK``, Kosovo) stays in the address text only.

Consolidation is not a percentage. A relationship record becomes an ``eg:OwnershipStake`` (owner:
the parent, the end node; owned: the child, the start node) of kind ``eg:AccountingConsolidation``
with no ``eg:percent`` unless the record has a quantifier in ``PERCENTAGE``. The 50% rule counts
such a stake as unknown: the child of a listed parent is possibly covered, a case for review.

- ``IS_DIRECTLY_CONSOLIDATED_BY`` is a stake.
- ``IS_ULTIMATELY_CONSOLIDATED_BY`` is a stake only when the file's active direct relationships do
  not already lead from the child up to that parent: the 50% rule follows direct stakes up a chain,
  and a second stake over the same chain would count the parent twice. Otherwise it is skipped.
- ``IS_INTERNATIONAL_BRANCH_OF`` is skipped: a branch is part of its head office, the same legal
  person, not a holding; so are the fund relationships (managed by, sub-fund of, feeder to).

The relationship period (``RELATIONSHIP_PERIOD``; accounting and filing periods do not say when the
link held) gives ``eg:validFrom`` and ``eg:validTo`` (taken as the last day). An ``INACTIVE``
relationship without an end date cannot be placed in time and is skipped rather than given a
made-up end. A relationship does not type or name its parties: their LEI records do.

A malformed record (a bad LEI, date, relationship type, status or country code; a row of the wrong
width; text that is not UTF-8) stops the import, naming the file and the line (for JSON the record
number, for RDF the node).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import count
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS
from .common import Triple, dataset_triples, row_source
from .gleif_files import (
    CATEGORY,
    DIRECT,
    END,
    LEI,
    NAME,
    REGISTRATION,
    START,
    STATUS,
    TYPE,
    ULTIMATE,
    Record,
    read_csv,
    read_json,
)
from .gleif_rdf import read_turtle

DATASET = "gleif-lei-import"
_FUND = "fund relationship (managed by, sub-fund of, feeder to): not ownership"
NOT_HELD = {
    "IS_INTERNATIONAL_BRANCH_OF": "international branch: part of its head office, not a holding",
    "IS_FUND-MANAGED_BY": _FUND,
    "IS_SUBFUND_OF": _FUND,
    "IS_FEEDER_TO": _FUND,
}
WITHDRAWN = {"ANNULLED", "DUPLICATE"}  # registered in error, or a second LEI of the same entity
ADDRESS = (
    "FirstAddressLine",
    "AddressNumber",
    "AdditionalAddressLine.1",
    "AdditionalAddressLine.2",
    "AdditionalAddressLine.3",
    "City",
    "Region",
    "PostalCode",
    "Country",
)
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_USER_ASSIGNED = re.compile(r"^(AA|Q[M-Z]|X[A-Z]|ZZ)$")  # ISO 3166-1 codes left to users, e.g. XK
_OTHER_NAME = re.compile(r"^Entity\.(Transliterated)?OtherEntityNames\.(Transliterated)?OtherEntityName\.\d+$")


def _error(message: str, path: Path, rec: Record, column: str | None = None) -> InputError:
    if isinstance(rec.where, int):
        return InputError(message, source=str(path), line=rec.where, column=column)
    return InputError(f"<{rec.where}>: {message}", source=str(path), column=column)


def read(path: Path, codes: set[str]) -> Iterator[tuple[dict, list[Triple] | str]]:
    """(record, its triples) per record, or (record, the reason it is skipped)."""
    yield (
        {},
        list(
            dataset_triples(
                DATASET,
                f"GLEIF LEI data: {path.name}",
                "https://www.gleif.org/en/lei-data/gleif-golden-copy",
                "Imported with `exportgraph import gleif`; each LEI record is one row keyed by its LEI, each "
                "relationship record one keyed by child, relationship type and parent.",
            )
        ),
    )
    parents: dict[str, set[str]] = {}  # child -> parents, by the file's active direct consolidations
    ultimate: list[tuple[Record, list[Triple]]] = []
    for rec in _records(path):
        if LEI in rec:
            yield rec, _entity(rec, path, codes)
            continue
        result = _relationship(rec, path)
        if isinstance(result, list) and rec[TYPE].upper() == ULTIMATE:
            ultimate.append((rec, result))
            continue
        if isinstance(result, list) and rec[STATUS].upper() == "ACTIVE":
            parents.setdefault(rec[START], set()).add(rec[END])
        yield rec, result
    for rec, result in ultimate:
        if _reaches(parents, rec[START], rec[END]):
            yield rec, "ultimate parent already reached through direct parents in the file"
        else:
            yield rec, result


def _reaches(parents: dict[str, set[str]], child: str, target: str) -> bool:
    seen, todo = {child}, [child]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p == target:
                return True
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return False


# -- the mapping, one for every form --------------------------------------------------------------


def _lei(rec: Record, column: str, path: Path) -> str:
    lei = rec.get(column, "")
    if not _LEI.match(lei) or int("".join(str(int(c, 36)) for c in lei)) % 97 != 1:
        raise _error(
            f"{lei!r} is not an LEI (ISO 17442: 20 characters ending in valid check digits)", path, rec, column
        )
    return lei


def _country(code: str, rec: Record, column: str, path: Path, codes: set[str]) -> URIRef | None:
    if not code:
        return None
    if code.upper() in codes:
        return ids.country(code.upper())
    if _USER_ASSIGNED.match(code.upper()):
        return None
    raise _error(f"unknown country code {code!r} (expected ISO 3166-1 alpha-2)", path, rec, column)


def _day(rec: Record, column: str, path: Path) -> Literal | None:
    """The day of a GLEIF date or date-time (``2017-10-02T19:50:30.804Z``), as written."""
    text = rec.get(column, "")
    if not text:
        return None
    if len(text) == 10 or text[10:11] == "T":
        try:
            return to_literal(parse_date(text[:10]))
        except InputError:
            pass
    raise _error(f"{text!r} is not a date (expected YYYY-MM-DD or an ISO 8601 date-time)", path, rec, column)


def _entity(rec: Record, path: Path, codes: set[str]) -> list[Triple] | str:
    lei = _lei(rec, LEI, path)
    if rec.get(REGISTRATION, "").upper() in WITHDRAWN:
        return "LEI registration annulled or a duplicate"
    name = rec.get(NAME, "")
    if not name:
        raise _error("LEI record without a legal name", path, rec, NAME)
    out: list[Triple] = []
    src = row_source(DATASET, lei, out)
    node = ids.party(f"lei {lei}")
    kind = EG.GovernmentBody if rec.get(CATEGORY, "").upper() == "RESIDENT_GOVERNMENT_ENTITY" else EG.Organization
    out += [
        (node, RDF.type, kind),
        (node, EG.name, Literal(name)),
        (node, RDFS.label, Literal(name)),
        (node, EG.lei, Literal(lei)),
        (node, DCTERMS.source, src),
    ]
    others = dict.fromkeys(v for k, v in rec.items() if _OTHER_NAME.match(k) and v and v != name)
    out += [(node, EG.alias, Literal(n)) for n in others]
    for column, pred in (
        ("Entity.LegalAddress.Country", EG.country),
        ("Entity.HeadquartersAddress.Country", EG.headquarteredIn),
        ("Entity.LegalJurisdiction", EG.incorporatedIn),
    ):
        code = rec.get(column, "").split("-")[0]  # a jurisdiction may be a subdivision: US-DE
        if (country := _country(code, rec, column, path, codes)) is not None:
            out.append((node, pred, country))
    texts: list[str] = []
    for prefix in ("Entity.LegalAddress.", "Entity.HeadquartersAddress."):
        text = ", ".join(v for part in ADDRESS if (v := rec.get(prefix + part, "")))
        if not text or text in texts:
            continue
        texts.append(text)
        addr = ids.address(f"lei {lei}", len(texts))
        out += [
            (node, EG.hasAddress, addr),
            (addr, RDF.type, EG.Address),
            (addr, EG.addressText, Literal(text)),
            (addr, DCTERMS.source, src),
        ]
        country = _country(rec.get(prefix + "Country", ""), rec, prefix + "Country", path, codes)
        if country is not None:
            out.append((addr, EG.addressCountry, country))
    if (founded := _day(rec, "Entity.EntityCreationDate", path)) is not None:
        out.append((node, EG.foundingDate, founded))
    return out


def _relationship(rec: Record, path: Path) -> list[Triple] | str:
    rtype = rec.get(TYPE, "").upper()
    if rtype not in (DIRECT, ULTIMATE) and rtype not in NOT_HELD:
        raise _error(
            f"unknown relationship type {rtype!r} (expected {DIRECT}, {ULTIMATE}, " + ", ".join(NOT_HELD) + ")",
            path,
            rec,
            TYPE,
        )
    if any(rec.get(f"Relationship.{n}.NodeIDType", "").upper() not in ("", "LEI") for n in ("StartNode", "EndNode")):
        return "a party named by another identifier than an LEI"
    child, parent = _lei(rec, START, path), _lei(rec, END, path)
    if child == parent:
        raise _error("an entity related to itself", path, rec, END)
    if rtype in NOT_HELD:
        return NOT_HELD[rtype]
    if rec.get(REGISTRATION, "").upper() in WITHDRAWN:
        return "relationship record annulled or a duplicate"
    status = rec.get(STATUS, "").upper()
    if status == "NULL":
        return "relationship status not stated (NULL)"
    if status not in ("ACTIVE", "INACTIVE"):
        raise _error(f"unknown relationship status {status!r} (expected ACTIVE or INACTIVE)", path, rec, STATUS)
    start = end = None
    for i in count(1):
        base = f"Relationship.Period.{i}."
        if not any(base + k in rec for k in ("startDate", "endDate", "periodType")):
            break
        if rec.get(base + "periodType", "").upper() == "RELATIONSHIP_PERIOD":
            start, end = _day(rec, base + "startDate", path), _day(rec, base + "endDate", path)
            if start is not None and end is not None and str(start) > str(end):
                raise _error("the relationship period ends before it starts", path, rec, base + "endDate")
            break
    if status == "INACTIVE" and end is None:
        return "inactive relationship without an end date"
    out: list[Triple] = []
    src = row_source(DATASET, f"{child} {rtype} {parent}", out)
    stake = URIRef(
        f"{ids.stake('lei ' + parent, 'lei ' + child)}/"
        + ("direct" if rtype == DIRECT else "ultimate")
        + "-consolidation"
    )
    out += [
        (stake, RDF.type, EG.OwnershipStake),
        (stake, EG.owner, ids.party(f"lei {parent}")),
        (stake, EG.owned, ids.party(f"lei {child}")),
        (stake, EG.stakeKind, EG.AccountingConsolidation),
        (stake, DCTERMS.source, src),
    ]
    out += [(stake, pred, day) for pred, day in ((EG.validFrom, start), (EG.validTo, end)) if day is not None]
    if (percent := _percent(rec, path)) is not None:
        out.append((stake, EG.percent, Literal(percent, datatype=XSD.decimal)))
    return out


def _percent(rec: Record, path: Path) -> str | None:
    """The first quantifier in PERCENTAGE (or without units), 0 to 100."""
    for i in count(1):
        base = f"Relationship.Quantifiers.{i}."
        if base + "QuantifierAmount" not in rec:
            return None
        amount, units = rec[base + "QuantifierAmount"], rec.get(base + "QuantifierUnits", "").upper()
        if amount and units in ("", "PERCENTAGE"):
            try:
                ok = Decimal(amount).is_finite() and 0 <= Decimal(amount) <= 100
            except InvalidOperation:
                ok = False
            if not ok:
                raise _error(
                    f"percentage {amount!r} is not a number from 0 to 100", path, rec, base + "QuantifierAmount"
                )
            return format(Decimal(amount).normalize(), "f")  # "5E1", "6_0": written as xsd:decimal reads them
    return None  # count(1) never ends: not reached


# -- the forms, each made into rows of the golden-copy CSV's columns ------------------------------


def _records(path: Path) -> Iterator[Record]:
    try:
        with path.open("rb") as fh:
            head = fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if head[:1] in (b"{", b"["):
        return read_json(path)
    if (
        path.suffix.lower() in (".ttl", ".turtle")
        or head[:1] in (b"@", b"#", b"<")
        or head[:6].upper() == b"PREFIX"
        or head[:4].upper() == b"BASE"
    ):
        return read_turtle(path)
    return read_csv(path)
