"""OpenSanctions / FollowTheMoney entities, one JSON object a line (``*.ftm.json``), read as a stream.

Mapped: ``Company``, ``Organization``, ``LegalEntity`` and ``PublicBody`` to organisations and
``Person`` to people (names, aliases, countries or else nationality, LEI, addresses, incorporation
date; a partial date, a year or a month, is left out rather than made up);
``Address`` entities to the addresses that refer to them; ``Ownership`` (owner, asset, percentage,
start and end dates) to ``eg:OwnershipStake``; ``Sanction`` to a list entry when its program or
authority names a list of the ontology (the Entity List, the MEU List, OFAC's SDN List). Anything
else is skipped with its reason. A line that is not a JSON object stops the import, naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS
from ..numeric import finite
from .common import Triple, dataset_triples, row_source

DATASET = "opensanctions-ftm-import"
ORGS = {"Company": EG.Company, "Organization": EG.Organization, "LegalEntity": EG.Organization,
        "PublicBody": EG.GovernmentBody, "Person": EG.Person}
# a sanction's program or authority, lower case, that names one of the ontology's lists
LISTS = (("entity list", "entity-list"), ("military end user", "meu-list"), ("military end-user", "meu-list"),
         ("specially designated nationals", "sdn"), ("sdn", "sdn"))


def _node(ftm_id: str) -> URIRef:
    return ids.party(f"ftm {ftm_id}")


def _date(text: str, path: Path, line: int, prop: str) -> Literal | None:
    """A full date; FtM's partial dates (a year, a month) are left out rather than made up."""
    if len(text.strip()) < 10:
        return None
    return to_literal(parse_date(text.strip()[:10], source=str(path), line=line, column=prop))


def read(path: Path, codes: set[str]) -> Iterator[tuple[dict, list[Triple] | str]]:
    """(record, its triples) per line, or (record, the reason it is skipped). The file is read
    twice, as a stream: first every line is checked and the addresses are kept (entities refer to
    them by id, before or after), then the entities are mapped."""
    yield {}, list(dataset_triples(DATASET, f"OpenSanctions FollowTheMoney entities: {path.name}",
                                   "https://www.opensanctions.org/docs/entities/",
                                   "Imported with `exportgraph import ftm`; each entity is one row keyed by its id."))
    addresses = {record["id"]: (record["properties"].get("full") or [""])[0]
                 for _, record in _entities(path) if record["schema"] == "Address"}
    for line, record in _entities(path):
        yield record, _triples(record, line, path, codes, addresses)


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
            if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"] \
                    or not isinstance(record.get("schema"), str) or not isinstance(record.get("properties"), dict):
                raise InputError("not a FollowTheMoney entity (needs a string id and schema, and properties)",
                                 source=str(path), line=line)
            for key, values in record["properties"].items():  # every property is a list of strings
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise InputError(f"property {key!r} is not a list of strings", source=str(path), line=line)
            yield line, record


def _triples(record: dict, line: int, path: Path, codes: set[str], addresses: dict[str, str]) -> list[Triple] | str:
    schema, props, out = record["schema"], record.get("properties") or {}, []
    src = row_source(DATASET, str(record["id"]), out)
    if schema == "Address":
        return out  # recorded through the entities that refer to it
    if schema in ORGS:
        names = [n for n in props.get("name") or [] if n.strip()]
        if not names:
            return "entity without a name"
        node = _node(record["id"])
        out += [(node, RDF.type, ORGS[schema]), (node, EG.name, Literal(names[0])),
                (node, RDFS.label, Literal(names[0])), (node, DCTERMS.source, src)]
        out += [(node, EG.alias, Literal(n)) for n in names[1:] + (props.get("alias") or []) if n.strip()]
        for code in props.get("country") or props.get("jurisdiction") or props.get("nationality") or []:
            if code.upper() in codes:
                out.append((node, EG.country, ids.country(code.upper())))
        for lei in props.get("leiCode") or []:
            out.append((node, EG.lei, Literal(lei)))
        for day in (props.get("incorporationDate") or [])[:1]:
            if (founded := _date(day, path, line, "incorporationDate")) is not None:
                out.append((node, EG.foundingDate, founded))
        for i, ref in enumerate(props.get("addressEntity") or [], 1):
            if addresses.get(ref):
                addr = ids.address(f"ftm {record['id']}", i)
                out += [(node, EG.hasAddress, addr), (addr, RDF.type, EG.Address),
                        (addr, EG.addressText, Literal(addresses[ref])), (addr, DCTERMS.source, src)]
        return out
    if schema == "Ownership":
        owners, assets = props.get("owner") or [], props.get("asset") or []
        if not owners or not assets:
            return "ownership without owner or asset"
        stake = URIRef(f"{ids.stake('ftm ' + owners[0], 'ftm ' + assets[0])}/{ids.slug(record['id'])}")
        out += [(stake, RDF.type, EG.OwnershipStake), (stake, EG.owner, _node(owners[0])),
                (stake, EG.owned, _node(assets[0])), (stake, DCTERMS.source, src)]
        for pct in (props.get("percentage") or [])[:1]:
            try:
                value = float(str(pct).strip().rstrip("%"))
            except ValueError:
                raise InputError(f"percentage {pct!r} is not a number", source=str(path), line=line,
                                 column="percentage") from None
            finite(value, pct, source=str(path), line=line, column="percentage")  # NaN, inf refused
            if not 0 <= value <= 100:
                raise InputError(f"percentage {pct!r} is not between 0 and 100", source=str(path), line=line,
                                 column="percentage")
            out.append((stake, EG.percent, Literal(str(value), datatype=XSD.decimal)))
        for prop, pred in (("startDate", EG.validFrom), ("endDate", EG.validTo)):
            for day in (props.get(prop) or [])[:1]:
                if (value := _date(day, path, line, prop)) is not None:
                    out.append((stake, pred, value))
        return out
    if schema == "Sanction":
        entities = props.get("entity") or []
        said = " ".join(props.get("program") or []) + " " + " ".join(props.get("authority") or [])
        short = next((s for key, s in LISTS if key in said.lower()), None)
        if not entities or short is None:
            return "sanction without an entity or on a list the ontology does not have"
        party = _node(entities[0])
        entry = URIRef(f"{ids.listing(short, 'ftm ' + entities[0])}/{ids.slug(record['id'])}")
        out += [(entry, RDF.type, EG.ListEntry), (entry, EG.party, party),
                (entry, EG.onList, ids.restriction_list(short)), (entry, EG.citation, src),
                (entry, DCTERMS.source, src)]
        for prop, pred in (("startDate", EG.dateAdded), ("endDate", EG.dateRemoved)):
            for day in (props.get(prop) or [])[:1]:
                if (value := _date(day, path, line, prop)) is not None:
                    out.append((entry, pred, value))
        return out
    return f"schema {schema} is not imported"
