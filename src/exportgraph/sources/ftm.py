"""OpenSanctions / FollowTheMoney entities, one JSON object a line (``*.ftm.json``), read as a stream.

Mapped: ``Company``, ``Organization``, ``LegalEntity`` and ``PublicBody`` to organisations and
``Person`` to people (names, aliases, countries or else nationality, LEI, addresses, incorporation
date; a partial date, a year or a month, is left out rather than made up);
``Address`` entities to the addresses that refer to them; ``Ownership`` (owner, asset, percentage,
start and end dates) to ``eg:OwnershipStake``; ``Sanction`` to a list entry when its program or
authority names a list of the ontology (the Entity List, the MEU List, OFAC's SDN List). Anything
else is skipped with its reason. A line that is not a JSON object stops the import, naming the line.

OpenSanctions' ``topics`` and ``datasets`` are kept: every topic as ``dct:subject`` of the party,
every dataset as a dataset of the entity's source row. A party whose topics say a government list
names it (``LISTED_TOPICS``) gets an entry on a list per dataset, ``opensanctions-<dataset>``
(``eu_fsf``, ``gb_hmt_sanctions``): screening and ``entity`` show it as listed, but no licence
verdict reads those lists (the restriction shapes name the lists exportgraph curates by IRI).
The entry is ``eg:Unverified``; its date added is the best OpenSanctions gives (``_listed_on``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import ids
from ..dates import to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS
from ..numeric import finite
from .common import Triple, dataset_triples, row_source
from .ftm_lists import dataset, entries, full_day

DATASET = "opensanctions-ftm-import"
ORGS = {
    "Company": EG.Company,
    "Organization": EG.Organization,
    "LegalEntity": EG.Organization,
    "PublicBody": EG.GovernmentBody,
    "Person": EG.Person,
}
# a sanction's program or authority, lower case, that names one of the ontology's lists
LISTS = (
    ("entity list", "entity-list"),
    ("military end user", "meu-list"),
    ("military end-user", "meu-list"),
    ("specially designated nationals", "sdn"),
    ("sdn", "sdn"),
)
# OpenSanctions' topics that say a government list names the entity itself: designated for
# sanctions, export controlled (the BIS lists, among others), debarred (excluded by a government or
# development bank). Not "sanction.linked", "sanction.control" or "export.control.linked": a link
# to a listed party, which the 50% rule here derives from stakes; not "sanction.counter" (states'
# lists of their critics), "invest.ban" (securities, not trade), "export.risk" (a risk, not a
# listing), "role.pep" or the others. https://www.opensanctions.org/docs/topics/ and
# followthemoney's types/topic.py (the vocabulary).
LISTED_TOPICS = ("sanction", "export.control", "debarment")


def _node(ftm_id: str) -> URIRef:
    return ids.party(f"ftm {ftm_id}")


def _date(text: str, path: Path, line: int, prop: str) -> Literal | None:
    day = full_day(text, path, line, prop)
    return None if day is None else to_literal(day)


def read(path: Path, codes: set[str]) -> Iterator[tuple[dict, list[Triple] | str]]:
    """(record, its triples) per line, or (record, the reason it is skipped). The file is read
    twice, as a stream: first every line is checked and the addresses and the sanctions' datasets
    and dates are kept (entities refer to them by id, before or after), then the entities are mapped."""
    yield (
        {},
        list(
            dataset_triples(
                DATASET,
                f"OpenSanctions FollowTheMoney entities: {path.name}",
                "https://www.opensanctions.org/docs/entities/",
                "Imported with `exportgraph import ftm`; each entity is one row keyed by its id.",
            )
        ),
    )
    addresses: dict[str, str] = {}
    sanctions: dict[str, dict[str, dt.date | None]] = {}  # entity id -> dataset -> its earliest start
    for line, record in _entities(path):
        props = record["properties"]
        if record["schema"] == "Address":
            addresses[record["id"]] = (props.get("full") or [""])[0]
        elif record["schema"] == "Sanction":
            start = next(
                (
                    day
                    for prop in ("startDate", "listingDate")
                    for text in (props.get(prop) or [])[:1]
                    if (day := full_day(text, path, line, prop)) is not None
                ),
                None,
            )
            for entity in props.get("entity") or []:
                for name in record.get("datasets") or []:
                    known = sanctions.setdefault(entity, {}).get(name)
                    sanctions[entity][name] = min((d for d in (known, start) if d is not None), default=None)
    for line, record in _entities(path):
        yield record, _triples(record, line, path, codes, addresses, sanctions)


def _entities(path: Path) -> Iterator[tuple[int, dict]]:
    """(line, entity) for each non-blank line; an ``InputError`` naming the line for one that is
    not a FollowTheMoney entity."""
    with path.open(encoding="utf-8") as fh:
        lines = enumerate(fh, 1)
        while True:
            try:
                line, text = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", source=str(path)) from None
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
                raise InputError(f"not a JSON object: {exc}", source=str(path), line=line) from None
            if (
                not isinstance(record, dict)
                or not isinstance(record.get("id"), str)
                or not record["id"]
                or not isinstance(record.get("schema"), str)
                or not isinstance(record.get("properties"), dict)
            ):
                raise InputError(
                    "not a FollowTheMoney entity (needs a string id and schema, and properties)",
                    source=str(path),
                    line=line,
                )
            for key, values in record["properties"].items():  # every property is a list of strings
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise InputError(f"property {key!r} is not a list of strings", source=str(path), line=line)
            datasets = record.get("datasets", [])
            if not isinstance(datasets, list) or not all(isinstance(v, str) and v.strip() for v in datasets):
                raise InputError("'datasets' is not a list of dataset names", source=str(path), line=line)
            for key in ("first_seen", "last_seen"):
                if not isinstance(record.get(key, ""), str):
                    raise InputError(f"{key!r} is not a date and time in a string", source=str(path), line=line)
            yield line, record


def _triples(
    record: dict,
    line: int,
    path: Path,
    codes: set[str],
    addresses: dict[str, str],
    sanctions: dict[str, dict[str, dt.date | None]],
) -> list[Triple] | str:
    schema = record["schema"]
    out: list[Triple] = []
    src = row_source(DATASET, str(record["id"]), out)
    if schema == "Address":
        return out  # recorded through the entities that refer to it
    if schema in ORGS:
        return _organisation(record, line, path, out, src, codes, addresses, sanctions)
    if schema == "Ownership":
        return _ownership(record, line, path, out, src)
    if schema == "Sanction":
        return _sanction(record, line, path, out, src)
    return f"schema {schema} is not imported"


def _organisation(
    record: dict,
    line: int,
    path: Path,
    out: list[Triple],
    src: URIRef,
    codes: set[str],
    addresses: dict[str, str],
    sanctions: dict[str, dict[str, dt.date | None]],
) -> list[Triple] | str:
    """A company, organisation, person ... (``ORGS``): names, countries, LEI, founding date,
    addresses, topics and datasets, and its list entries when its topics say a list names it."""
    schema, props = record["schema"], record.get("properties") or {}
    names = [n for n in props.get("name") or [] if n.strip()]
    if not names:
        return "entity without a name"
    node = _node(record["id"])
    out += [
        (node, RDF.type, ORGS[schema]),
        (node, EG.name, Literal(names[0])),
        (node, RDFS.label, Literal(names[0])),
        (node, DCTERMS.source, src),
    ]
    out += [(node, EG.alias, Literal(n)) for n in names[1:] + (props.get("alias") or []) if n.strip()]
    for code in props.get("country") or props.get("jurisdiction") or props.get("nationality") or []:
        if code.upper() in codes:
            out.append((node, EG.country, ids.country(code.upper())))
    for lei in props.get("leiCode") or []:
        out.append((node, EG.lei, Literal(lei)))
    for day in (props.get("incorporationDate") or [])[:1]:
        if (founded := _date(day, path, line, "incorporationDate")) is not None:
            out.append((node, EG.foundingDate, founded))
    out += _addresses(record, node, src, addresses)
    topics = list(dict.fromkeys(t.strip() for t in props.get("topics") or [] if t.strip()))
    out += [(node, DCTERMS.subject, Literal(t)) for t in topics]
    for name in record.get("datasets") or []:
        out += [*dataset(name), (src, EG.dataset, ids.dataset(f"opensanctions {name}"))]
    if listed := [t for t in topics if t in LISTED_TOPICS]:
        out += entries(record, node, src, listed, sanctions.get(record["id"]) or {}, path, line)
    return out


def _addresses(record: dict, node: URIRef, src: URIRef, addresses: dict[str, str]) -> list[Triple]:
    """The entity's addresses (``addressEntity``: the Address entities of the file)."""
    out: list[Triple] = []
    props = record.get("properties") or {}
    for i, ref in enumerate(props.get("addressEntity") or [], 1):
        if addresses.get(ref):
            addr = ids.address(f"ftm {record['id']}", i)
            out += [
                (node, EG.hasAddress, addr),
                (addr, RDF.type, EG.Address),
                (addr, EG.addressText, Literal(addresses[ref])),
                (addr, DCTERMS.source, src),
            ]
    return out


def _ownership(record: dict, line: int, path: Path, out: list[Triple], src: URIRef) -> list[Triple] | str:
    """An ``Ownership``: a stake of its first owner in its first asset, with its share and period."""
    props = record.get("properties") or {}
    owners, assets = props.get("owner") or [], props.get("asset") or []
    if not owners or not assets:
        return "ownership without owner or asset"
    stake = URIRef(f"{ids.stake('ftm ' + owners[0], 'ftm ' + assets[0])}/{ids.slug(record['id'])}")
    out += [
        (stake, RDF.type, EG.OwnershipStake),
        (stake, EG.owner, _node(owners[0])),
        (stake, EG.owned, _node(assets[0])),
        (stake, DCTERMS.source, src),
    ]
    for pct in (props.get("percentage") or [])[:1]:
        out.append((stake, EG.percent, _percent(pct, path, line)))
    for prop, pred in (("startDate", EG.validFrom), ("endDate", EG.validTo)):
        for day in (props.get(prop) or [])[:1]:
            if (when := _date(day, path, line, prop)) is not None:
                out.append((stake, pred, when))
    return out


def _percent(pct: object, path: Path, line: int) -> Literal:
    """An ownership's ``percentage`` as an ``xsd:decimal``: a finite number in 0..100."""
    try:
        value = float(str(pct).strip().rstrip("%"))
    except ValueError:
        raise InputError(
            f"percentage {pct!r} is not a number", source=str(path), line=line, column="percentage"
        ) from None
    finite(value, pct, source=str(path), line=line, column="percentage")  # NaN, inf refused
    if not 0 <= value <= 100:
        raise InputError(
            f"percentage {pct!r} is not between 0 and 100", source=str(path), line=line, column="percentage"
        )
    return Literal(str(value), datatype=XSD.decimal)


def _sanction(record: dict, line: int, path: Path, out: list[Triple], src: URIRef) -> list[Triple] | str:
    """A ``Sanction`` on a list the ontology has: an entry of its first entity on that list."""
    props = record.get("properties") or {}
    entities = props.get("entity") or []
    said = " ".join(props.get("program") or []) + " " + " ".join(props.get("authority") or [])
    short = next((s for key, s in LISTS if key in said.lower()), None)
    if not entities or short is None:
        return "sanction without an entity or on a list the ontology does not have"
    party = _node(entities[0])
    entry = URIRef(f"{ids.listing(short, 'ftm ' + entities[0])}/{ids.slug(record['id'])}")
    out += [
        (entry, RDF.type, EG.ListEntry),
        (entry, EG.party, party),
        (entry, EG.onList, ids.restriction_list(short)),
        (entry, EG.citation, src),
        (entry, DCTERMS.source, src),
    ]
    for prop, pred in (("startDate", EG.dateAdded), ("endDate", EG.dateRemoved)):
        for day in (props.get(prop) or [])[:1]:
            if (when := _date(day, path, line, prop)) is not None:
                out.append((entry, pred, when))
    return out
