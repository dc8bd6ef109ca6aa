"""GLEIF's golden-copy files read as records: a row of the golden-copy CSV's columns per LEI or
relationship record, from the CSV itself, the golden-copy JSON or the GLEIF API's JSON (``gleif``
turns the records into triples; ``gleif_rdf`` reads GLEIF's RDF)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .common import iter_csv_rows, json_events

LEI, NAME, CATEGORY = "LEI", "Entity.LegalName", "Entity.EntityCategory"
START, END = "Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID"
TYPE, STATUS = "Relationship.RelationshipType", "Relationship.RelationshipStatus"
REGISTRATION = "Registration.RegistrationStatus"
DIRECT, ULTIMATE = "IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY"
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


def read_csv(path: Path) -> Iterator[Record]:
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


def read_json(path: Path) -> Iterator[Record]:
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


class _ApiItem:
    """A GLEIF API item, read by key paths (``at("attributes", "entity", "category")``)."""

    def __init__(self, item: dict, n: int, path: Path) -> None:
        self.item, self.n, self.path = item, n, path

    def at(self, *keys: str | int) -> object:
        node: object = self.item
        for k in keys:
            if isinstance(k, int):
                node = node[k] if isinstance(node, list) and k < len(node) else None
            else:
                node = node.get(k) if isinstance(node, dict) else None
        return node

    def text(self, *keys: str | int) -> str:
        return _scalar(self.at(*keys), self.path, self.n, ".".join(map(str, keys)))

    def many(self, *keys: str | int) -> range:
        found = self.at(*keys)
        return range(len(found) if isinstance(found, list) else 0)


_API_ADDRESS_PARTS = (
    ("addressNumber", "AddressNumber"),
    ("city", "City"),
    ("region", "Region"),
    ("postalCode", "PostalCode"),
    ("country", "Country"),
)


def _api_entity(api: _ApiItem) -> dict[str, str]:
    """A ``lei-records`` item as the golden-copy CSV's columns."""
    a = ("attributes",)
    e = (*a, "entity")
    text, many = api.text, api.many
    row = {
        LEI: text(*a, "lei"),
        NAME: text(*e, "legalName", "name"),
        CATEGORY: text(*e, "category"),
        "Entity.LegalJurisdiction": text(*e, "jurisdiction"),
        "Entity.EntityCreationDate": text(*e, "creationDate"),
        REGISTRATION: text(*a, "registration", "status"),
    }
    for key, column in (
        ("otherNames", "Entity.OtherEntityNames.OtherEntityName"),
        ("transliteratedOtherNames", "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName"),
    ):
        row |= {f"{column}.{i + 1}": text(*e, key, i, "name") for i in many(*e, key)}
    for key, column in (
        ("legalAddress", "Entity.LegalAddress."),
        ("headquartersAddress", "Entity.HeadquartersAddress."),
    ):
        row |= {
            column + ("FirstAddressLine" if i == 0 else f"AdditionalAddressLine.{i}"): text(*e, key, "addressLines", i)
            for i in many(*e, key, "addressLines")
        }
        row |= {column + part: text(*e, key, name) for name, part in _API_ADDRESS_PARTS}
    return row


def _api_relationship(api: _ApiItem) -> dict[str, str]:
    """A ``relationship-records`` item as the golden-copy CSV's columns."""
    a = ("attributes",)
    r = (*a, "relationship")
    text = api.text
    row = {
        START: text(*r, "startNode", "id"),
        "Relationship.StartNode.NodeIDType": text(*r, "startNode", "type"),
        END: text(*r, "endNode", "id"),
        "Relationship.EndNode.NodeIDType": text(*r, "endNode", "type"),
        TYPE: text(*r, "type"),
        STATUS: text(*r, "status"),
        REGISTRATION: text(*a, "registration", "status"),
    }
    for i in api.many(*r, "periods"):
        row |= {
            f"Relationship.Period.{i + 1}.{column}": text(*r, "periods", i, key)
            for key, column in (("startDate", "startDate"), ("endDate", "endDate"), ("type", "periodType"))
        }
    return row


def _from_api(item: dict, n: int, path: Path) -> Record:
    """A ``lei-records`` or ``relationship-records`` item of the GLEIF API."""
    if item.get("type") == "lei-records":
        return Record(_api_entity(_ApiItem(item, n, path)), n)
    if item.get("type") == "relationship-records":
        return Record(_api_relationship(_ApiItem(item, n, path)), n)
    raise InputError(
        f"an API item of type {item.get('type')!r}; expected lei-records or relationship-records",
        source=str(path),
        line=n,
    )
