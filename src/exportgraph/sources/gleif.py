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
from ..namespaces import DCTERMS, EG, GLEIF_BASE, GLEIF_L1, GLEIF_L2, RDF, RDFS
from .common import Triple, dataset_triples, iter_csv_rows, json_events, row_source

DATASET = "gleif-lei-import"
LEI, NAME, CATEGORY = "LEI", "Entity.LegalName", "Entity.EntityCategory"
START, END = "Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID"
TYPE, STATUS = "Relationship.RelationshipType", "Relationship.RelationshipStatus"
REGISTRATION = "Registration.RegistrationStatus"
DIRECT, ULTIMATE = "IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY"
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
# elements the CDF allows more than once, which JSON gives as an object when there is one
REPEATED = {
    "OtherEntityName",
    "TransliteratedOtherEntityName",
    "AdditionalAddressLine",
    "RelationshipPeriod",
    "RelationshipQuantifier",
}
_PERIOD = re.compile(r"^Relationship\.RelationshipPeriods\.RelationshipPeriod\.(\d+)\.(\w)(\w*)$")
_QUANTIFIER = re.compile(r"^Relationship\.RelationshipQuantifiers\.RelationshipQuantifier\.(\d+)\.(\w+)$")
NOT_GLEIF_JSON = "not GLEIF JSON: expected an object with a records, relations or data list"


class Record(dict):
    """One LEI or relationship record as a row of the golden-copy CSV's columns; ``where`` is its
    line (CSV), record number (JSON) or node (RDF)."""

    def __init__(self, fields, where: int | str) -> None:
        super().__init__(fields)
        self.where = where


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
        return _json(path)
    if (
        path.suffix.lower() in (".ttl", ".turtle")
        or head[:1] in (b"@", b"#", b"<")
        or head[:6].upper() == b"PREFIX"
        or head[:4].upper() == b"BASE"
    ):
        return _turtle(path)
    return _csv(path)


def _csv(path: Path) -> Iterator[Record]:
    header, rows = iter_csv_rows(path)
    if not ({LEI, NAME} <= set(header) or {START, END, TYPE, STATUS} <= set(header)):
        raise InputError(
            "not a GLEIF golden-copy CSV: expected the Level 1 columns (LEI, "
            "Entity.LegalName, ...) or the relationship record columns "
            "(Relationship.StartNode.NodeID, Relationship.EndNode.NodeID, "
            "Relationship.RelationshipType, Relationship.RelationshipStatus, ...)",
            source=str(path),
            line=1,
        )
    for line, row in rows:
        yield Record(row, line)


def _json(path: Path) -> Iterator[Record]:
    import ijson

    prefix, end, n = _json_prefix(path), object(), 0
    with path.open("rb") as fh:
        items = ijson.items(json_events(fh, path, "GLEIF JSON"), prefix)
        while True:
            try:
                item = next(items, end)
            except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a 4,300-digit number
                raise InputError(
                    f"not valid JSON (in or after record {n + 1}): {exc}", source=str(path), line=n + 1
                ) from None
            if item is end:
                return
            n += 1
            yield _from_json(item, n, path)


def _json_prefix(path: Path) -> str:
    """Where the records are: ``records.item``, ``relations.item``, ``data.item`` or ``data``."""
    import ijson

    with path.open("rb") as fh:
        events = json_events(fh, path, "GLEIF JSON")
        try:
            first = next(events, None)
            if first is None or first[1] != "start_map":
                raise InputError(NOT_GLEIF_JSON, source=str(path))
            for prefix, event, value in events:
                if prefix == "" and event == "map_key" and value in ("records", "relations", "data"):
                    _, kind, _ = next(events)
                    if kind == "start_array":
                        return f"{value}.item"
                    if kind == "start_map" and value == "data":
                        return "data"
                    raise InputError(f"{value!r} is not a list of records", source=str(path))
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"not valid JSON: {exc}", source=str(path)) from None
    raise InputError(NOT_GLEIF_JSON, source=str(path))


def _scalar(value: object, path: Path, n: int, key: str) -> str:
    if isinstance(value, (dict, list)):
        raise InputError(f"{key or 'the record'} is not a single value", source=str(path), line=n)
    return "" if value is None else str(value).strip()


def _flatten(node: object, key: str, out: dict[str, str], path: Path, n: int) -> None:
    """A golden-copy JSON record as CSV columns: ``{"$": v}`` is the value, ``@type`` and
    ``@xml:lang`` are ``.type`` and ``.xmllang``, the n-th of a repeated element is ``.n``."""
    if not isinstance(node, dict):
        out[key] = _scalar(node, path, n, key)
        return
    for k, v in node.items():
        if k == "$":
            out[key] = _scalar(v, path, n, key)
            continue
        name = k[1:].replace("xml:lang", "xmllang") if k.startswith("@") else k
        sub = f"{key}.{name}" if key else name
        if isinstance(v, list) or (k in REPEATED and isinstance(v, dict)):
            for i, item in enumerate(v if isinstance(v, list) else [v], 1):
                _flatten(item, f"{sub}.{i}", out, path, n)
        else:
            _flatten(v, sub, out, path, n)


def _csv_name(key: str) -> str:
    if m := _PERIOD.match(key):
        return f"Relationship.Period.{m[1]}.{m[2].lower()}{m[3]}"
    if m := _QUANTIFIER.match(key):
        return f"Relationship.Quantifiers.{m[1]}.{m[2]}"
    return key


def _from_json(item: object, n: int, path: Path) -> Record:
    if not isinstance(item, dict):
        raise InputError("a record is not a JSON object", source=str(path), line=n)
    if "attributes" in item:
        return _from_api(item, n, path)
    body = item.get("RelationshipRecord", item)
    if not isinstance(body, dict) or not ("LEI" in body or "Relationship" in body):
        raise InputError(
            "neither an LEI record (LEI, Entity, ...) nor a relationship record "
            "(RelationshipRecord: Relationship, ...)",
            source=str(path),
            line=n,
        )
    flat: dict[str, str] = {}
    _flatten(body, "", flat, path, n)
    return Record({_csv_name(k): v for k, v in flat.items()}, n)


def _from_api(item: dict, n: int, path: Path) -> Record:
    """A ``lei-records`` or ``relationship-records`` item of the GLEIF API."""

    def at(*keys):
        node = item
        for k in keys:
            if isinstance(k, int):
                node = node[k] if isinstance(node, list) and k < len(node) else None
            else:
                node = node.get(k) if isinstance(node, dict) else None
        return node

    def text(*keys) -> str:
        return _scalar(at(*keys), path, n, ".".join(map(str, keys)))

    def many(*keys) -> range:
        return range(len(at(*keys) or []) if isinstance(at(*keys), list) else 0)

    a, row = ("attributes",), {}
    if item.get("type") == "lei-records":
        e = (*a, "entity")
        row = {
            LEI: text(*a, "lei"),
            NAME: text(*e, "legalName", "name"),
            CATEGORY: text(*e, "category"),
            "Entity.LegalJurisdiction": text(*e, "jurisdiction"),
            "Entity.EntityCreationDate": text(*e, "creationDate"),
            REGISTRATION: text(*a, "registration", "status"),
        }
        for api, column in (
            ("otherNames", "Entity.OtherEntityNames.OtherEntityName"),
            ("transliteratedOtherNames", "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName"),
        ):
            row |= {f"{column}.{i + 1}": text(*e, api, i, "name") for i in many(*e, api)}
        for api, column in (
            ("legalAddress", "Entity.LegalAddress."),
            ("headquartersAddress", "Entity.HeadquartersAddress."),
        ):
            row |= {
                column + ("FirstAddressLine" if i == 0 else f"AdditionalAddressLine.{i}"): text(
                    *e, api, "addressLines", i
                )
                for i in many(*e, api, "addressLines")
            }
            row |= {
                column + part: text(*e, api, key)
                for key, part in (
                    ("addressNumber", "AddressNumber"),
                    ("city", "City"),
                    ("region", "Region"),
                    ("postalCode", "PostalCode"),
                    ("country", "Country"),
                )
            }
        return Record(row, n)
    if item.get("type") == "relationship-records":
        r = (*a, "relationship")
        row = {
            START: text(*r, "startNode", "id"),
            "Relationship.StartNode.NodeIDType": text(*r, "startNode", "type"),
            END: text(*r, "endNode", "id"),
            "Relationship.EndNode.NodeIDType": text(*r, "endNode", "type"),
            TYPE: text(*r, "type"),
            STATUS: text(*r, "status"),
            REGISTRATION: text(*a, "registration", "status"),
        }
        for i in many(*r, "periods"):
            row |= {
                f"Relationship.Period.{i + 1}.{column}": text(*r, "periods", i, key)
                for key, column in (("startDate", "startDate"), ("endDate", "endDate"), ("type", "periodType"))
            }
        return Record(row, n)
    raise InputError(
        f"an API item of type {item.get('type')!r}; expected lei-records or relationship-records",
        source=str(path),
        line=n,
    )


# GLEIF's RDF: what each fact of lei-rdf's L1 and L2 ontologies is in the golden-copy CSV's columns
B, L1, L2 = str(GLEIF_BASE), str(GLEIF_L1), str(GLEIF_L2)
OTHER_NAMES = (
    L1 + "hasPreviousLegalName",
    L1 + "hasOtherEntityNames",
    L1 + "hasTradingOrOperatingName",
    L1 + "hasAlternativeLanguageLegalName",
)
TRANSLITERATED = (L1 + "hasPreferredASCIITransliteratedLegalName", L1 + "hasAutoASCIITransliteratedLegalName")
ADDRESSES = {
    L1 + "hasLegalAddress": "Entity.LegalAddress.",
    L1 + "hasHeadquartersAddress": "Entity.HeadquartersAddress.",
}
LINES = (B + "hasAddressLine2", B + "hasAddressLine3", B + "hasAddressLine4", B + "hasAdditionalAddressLine")
ADDRESS_PARTS = {
    B + "hasAddressNumber": "AddressNumber",
    B + "hasCity": "City",
    B + "hasSubdivision": "Region",
    B + "hasRegion": "Region",
    B + "hasPostalCode": "PostalCode",
    B + "hasCountry": "Country",
}
RELATIONSHIPS = {
    L2 + "DirectConsolidation": DIRECT,
    L2 + "UltimateConsolidation": ULTIMATE,
    L2 + "InternationalBranchRelationship": "IS_INTERNATIONAL_BRANCH_OF",
    L2 + "FundManagementRelationship": "IS_FUND-MANAGED_BY",
    L2 + "SubFundRelationship": "IS_SUBFUND_OF",
    L2 + "FeederMasterFundRelationship": "IS_FEEDER_TO",
}
GOVERNMENT = {
    L1 + "ResidentGovernmentEntity",
    L1 + "CentralGovernment",
    L1 + "StateGovernment",
    L1 + "LocalGovernment",
    L1 + "SocialSecurity",
}
RDF_TYPE = str(RDF.type)
KEPT = {
    RDF_TYPE,
    L1 + "hasLegalName",
    L1 + "LEI",
    L1 + "identifiesAndRecords",
    B + "hasRegistrationStatus",
    B + "hasLegalJurisdiction",
    B + "hasEntityCreationDate",
    B + "hasAddressLine1",
    B + "hasFirstAddressLine",
    L2 + "hasChild",
    L2 + "hasParent",
    L2 + "hasRelationshipStatus",
    L2 + "hasRelationshipPeriod",
    B + "hasStart",
    B + "hasEnd",
    B + "records",
    *OTHER_NAMES,
    *TRANSLITERATED,
    *ADDRESSES,
    *LINES,
    *ADDRESS_PARTS,
}


def _local(term) -> str:
    """A literal's text, or the last segment of an IRI (``.../ISO3166-1-CountryCodes-Adjunct/CH``)."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        return term.value.strip()
    return re.split(r"[/#]", term.value)[-1]


def _where(node: str) -> str:
    """A node as ``str(term)`` writes it (``<iri>``, ``_:b0``), without the brackets."""
    return node[1:-1] if node.startswith("<") else node


def _enum(term, kind: str) -> str:
    """``gleif-L2:RelationshipStatusActive`` as the CDF writes it: ``ACTIVE``."""
    name = _local(term).removeprefix(kind)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _turtle(path: Path) -> Iterator[Record]:
    import pyoxigraph as ox

    facts: dict[str, dict[str, list]] = {}
    try:
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value in KEPT:
                if isinstance(t.object, ox.Triple) or isinstance(t.subject, ox.Triple):
                    raise InputError(
                        f"an RDF 1.2 triple term in a GLEIF fact ({t.predicate.value}): not GLEIF's RDF",
                        source=str(path),
                    )
                facts.setdefault(str(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)
    except SyntaxError as exc:
        raise InputError(f"not valid Turtle: {exc.msg}", source=str(path), line=exc.lineno) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None

    def one(node: str, pred: str) -> str:
        values = sorted(_local(v) for v in facts.get(node, {}).get(pred, []))
        return values[0] if values else ""

    def all_(node: str, pred: str) -> list[str]:
        return sorted(_local(v) for v in facts.get(node, {}).get(pred, []))

    registered: dict[str, str] = {}  # entity or relationship node -> its registry record's node
    for node, f in facts.items():
        for target in f.get(L1 + "identifiesAndRecords", []) + f.get(B + "records", []):
            registered[str(target)] = node
    found = 0
    for node in sorted(n for n, f in facts.items() if L1 + "hasLegalName" in f):
        reg = registered.get(node, "")
        lei = one(reg, L1 + "LEI") or re.split(r"[/#]", _where(node))[-1].removeprefix("L-")
        row = {
            LEI: lei,
            NAME: one(node, L1 + "hasLegalName"),
            "Entity.LegalJurisdiction": one(node, B + "hasLegalJurisdiction"),
            "Entity.EntityCreationDate": one(node, B + "hasEntityCreationDate"),
            REGISTRATION: _enum(facts[reg][B + "hasRegistrationStatus"][0], "RegistrationStatus")
            if B + "hasRegistrationStatus" in facts.get(reg, {})
            else "",
            CATEGORY: "RESIDENT_GOVERNMENT_ENTITY"
            if GOVERNMENT & {t.value for t in facts[node].get(RDF_TYPE, [])}
            else "",
        }
        for column, preds in (
            ("Entity.OtherEntityNames.OtherEntityName", OTHER_NAMES),
            ("Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName", TRANSLITERATED),
        ):
            names = [v for p in preds for v in all_(node, p)]
            row |= {f"{column}.{i}": v for i, v in enumerate(names, 1)}
        for pred, prefix in ADDRESSES.items():
            for addr in facts[node].get(pred, [])[:1]:
                a = str(addr)
                row[prefix + "FirstAddressLine"] = one(a, B + "hasAddressLine1") or one(a, B + "hasFirstAddressLine")
                lines = [v for p in LINES for v in all_(a, p)]
                row |= {f"{prefix}AdditionalAddressLine.{i}": v for i, v in enumerate(lines, 1)}
                for p, part in ADDRESS_PARTS.items():
                    row[prefix + part] = row.get(prefix + part) or one(a, p)
        found += 1
        yield Record(row, _where(node))
    for node in sorted(n for n, f in facts.items() if L2 + "hasChild" in f and L2 + "hasParent" in f):
        f, reg = facts[node], registered.get(node, "")
        kinds = sorted(t.value for t in f.get(RDF_TYPE, []))
        ends = {}
        for side, pred in ((START, L2 + "hasChild"), (END, L2 + "hasParent")):
            target = str(f[pred][0])
            ends[side] = one(registered.get(target, ""), L1 + "LEI") or _local(f[pred][0]).removeprefix("L-")
        row = {
            **ends,
            TYPE: next(
                (RELATIONSHIPS[k] for k in kinds if k in RELATIONSHIPS),
                re.split(r"[/#]", kinds[0])[-1] if kinds else "",
            ),
            STATUS: _enum(f[L2 + "hasRelationshipStatus"][0], "RelationshipStatus")
            if L2 + "hasRelationshipStatus" in f
            else "",
            REGISTRATION: _enum(facts[reg][B + "hasRegistrationStatus"][0], "RegistrationStatus")
            if B + "hasRegistrationStatus" in facts.get(reg, {})
            else "",
        }
        for period in f.get(L2 + "hasRelationshipPeriod", [])[:1]:
            row |= {
                "Relationship.Period.1.startDate": one(str(period), B + "hasStart"),
                "Relationship.Period.1.endDate": one(str(period), B + "hasEnd"),
                "Relationship.Period.1.periodType": "RELATIONSHIP_PERIOD",
            }
        found += 1
        yield Record(row, _where(node))
    if not found:
        raise InputError(
            "no GLEIF legal entities (gleif-L1:hasLegalName) or relationships "
            "(gleif-L2:hasChild, gleif-L2:hasParent) in the file",
            source=str(path),
        )
