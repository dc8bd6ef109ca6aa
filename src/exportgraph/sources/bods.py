"""Beneficial Ownership Data Standard (BODS) statements, 0.2 to 0.4, read as a stream: a JSON array
of statements (``ijson``) or one statement a line (JSON Lines), told apart by the first character.

Entity statements (0.4: entity records) become organisations, person statements people: names,
aliases, the country of the jurisdiction or of the nationalities (when the graph knows it), the LEI
(an identifier of scheme ``XI-LEI``), addresses other than a place of birth, the founding date.
Each node is ``ids.party("bods <id>")`` of the statement id (0.4: the record id), so a reference
to a statement further down the file names the same node and the order of the file does not matter.

Each direct interest of an ownership-or-control statement (0.4: relationship record) becomes an
``eg:OwnershipStake`` of the interested party (owner) in the subject (owned), with its dates
(``eg:validFrom``, ``eg:validTo``) and share: ``exact`` as ``eg:percent``, else ``minimum`` and
``maximum`` as ``eg:percentMin`` and ``eg:percentMax``. A bound the source calls exclusive (0.2 and
0.3: the ``exclusiveMinimum``/``exclusiveMaximum`` flags; 0.4: the bound given as
``exclusiveMinimum``/``exclusiveMaximum``) is kept as the number: "more than 50%" counts as at least
50% and "less than 50%" as up to 50%, which errs towards covered or towards review, never towards a
pass. A shareholding is ``eg:Equity``, voting rights ``eg:Voting``, an unknown or unpublished
interest (or none stated) has no kind, and every other interest (board appointment, other influence
or control, trusts, contracts, ...) is ``eg:ControlWithoutEquity``, which the 50% rule leaves out.
Voting rights stated beside a shareholding in the same statement are not made a second stake: the
rule adds up stakes, and "25-50% of the shares and 25-50% of the votes" is not 50% of anything.
A start or end date of only a year or a month stands for its first or its last day, so that the
period is never shorter than the source says; a relationship record closed (0.4) without an end
date ends on the closing statement's date.

Updates: a 0.2/0.3 statement that a later statement of the file names in ``replacesStatements`` is
skipped, and references to it name its replacement's node; in 0.4 only the latest statement of
each record (by ``statementDate``, then place in the file) is read. That needs a first pass over
the file that keeps only statement ids. An indirect interest whose statement names its chain
(``componentStatementIDs``, ``componentRecords``) is skipped: the rule reads direct stakes, and
the chain's component statements are imported link by link. One without its chain becomes a stake
of unknown size and kind (the rule then asks for review). Skipped with their reason: a statement
whose interested party or subject is unspecified, one with only chained indirect interests, a
replaced or superseded one, an entity or person without a name. Anything malformed (JSON, a
statement that is not an object or lacks its id or type, a bad date, a share that is not a number
in 0..100 or whose minimum exceeds its maximum, text that is not UTF-8) stops the import, naming
the file and the statement (JSON Lines: the line).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import ids
from ..namespaces import DCTERMS, EG, RDF, RDFS
from . import bods_statements as st
from .bods_statements import Where
from .common import Triple, dataset_triples, row_source

DATASET = "bods-import"
STATEMENT_KINDS = {
    "entityStatement": "entity",
    "personStatement": "person",
    "ownershipOrControlStatement": "relationship",
}
ENTITY_TYPES = {"registeredEntity": EG.Company, "state": EG.GovernmentBody, "stateBody": EG.GovernmentBody}
VOTING = {"votingRights", "voting-rights"}
UNKNOWN_INTEREST = {"", "unknownInterest", "unpublishedInterest"}
SHARE_KEYS = ("exact", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_JSON_TYPES: dict[type, str] = {str: "a string", dict: "an object", list: "a list"}


def read(path: Path, codes: set[str]) -> Iterator[tuple[dict, list[Triple] | str]]:
    """(statement, its triples) per statement, or (statement, the reason it is skipped)."""
    yield (
        {},
        list(
            dataset_triples(
                DATASET,
                f"Beneficial Ownership Data Standard statements: {path.name}",
                "https://standard.openownership.org/",
                "Imported with `exportgraph import bods`; each statement is one row keyed by its statement id.",
            )
        ),
    )
    successor, latest = st.index(path)
    for where, statement in st.statements(path):
        yield statement, _triples(where, statement, codes, successor, latest)


def _decimal(value: float | int) -> Literal:
    return Literal(format(Decimal(str(value)).normalize(), "f"), datatype=XSD.decimal)


def _share(interest: dict, where: Where) -> tuple[float | None, float | None, float | None]:
    """(exact, minimum, maximum) of an interest's share; exclusive bounds kept as their number."""
    share = st.get(interest, "share", dict, where) or {}
    values: dict[str, float] = {}
    for key in SHARE_KEYS:
        value = share.get(key)
        if value is None or (key.startswith("exclusive") and isinstance(value, bool)):  # 0.2/0.3 flags
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error(f"share {key} {value!r} is not a number")
        if isinstance(value, float) and not math.isfinite(value):  # JSON Lines may write NaN, Infinity
            raise where.error(f"share {key} {value!r} is not a finite number")
        if not 0 <= value <= 100:
            raise where.error(f"share {key} {value!r} is not between 0 and 100")
        values[key] = value
    low = values.get("minimum", values.get("exclusiveMinimum"))
    high = values.get("maximum", values.get("exclusiveMaximum"))
    if low is not None and high is not None and low > high:
        raise where.error(f"share minimum {low!r} is above its maximum {high!r}")
    return values.get("exact"), low, high


def _triples(
    where: Where, statement: dict, codes: set[str], successor: dict[str, str], latest: dict[str, tuple[str, int]]
) -> list[Triple] | str:
    if st.is_04(statement):
        sid, kind, key = statement["statementId"], statement["recordType"], statement["recordId"]
        details = statement["recordDetails"]
        if latest[key][1] != where.n:
            return "superseded by a later statement of the same record"
        refs: dict[str, str] = {}
    else:
        sid, kind, key, details = (
            statement["statementID"],
            statement["statementType"],
            statement["statementID"],
            statement,
        )
        if st.current(sid, successor) != sid:
            return "replaced by a later statement of the file"
        kind = STATEMENT_KINDS.get(kind, kind)
        refs = successor
    out: list[Triple] = []
    if kind == "entity":
        return _entity(where, sid, key, details, codes, out)
    if kind == "person":
        return _person(where, sid, key, details, codes, out)
    if kind == "relationship":
        return _relationship(where, sid, statement, details, refs, out)
    return f"statement type {kind} is not imported"


def _party(
    where: Where,
    sid: str,
    key: str,
    kind: URIRef,
    names: list[str],
    countries: list[str],
    details: dict,
    codes: set[str],
    out: list[Triple],
) -> list[Triple]:
    src = row_source(DATASET, sid, out)
    node = st.node(key)
    out += [
        (node, RDF.type, kind),
        (node, EG.name, Literal(names[0])),
        (node, RDFS.label, Literal(names[0])),
        (node, DCTERMS.source, src),
    ]
    out += [(node, EG.alias, Literal(n)) for n in dict.fromkeys(names[1:]) if n != names[0]]
    for code in countries:
        if code.upper().split("-")[0] in codes:
            out.append((node, EG.country, ids.country(code.upper().split("-")[0])))
    for i, address in enumerate(st.objects(details, "addresses", where), 1):
        text = ", ".join(
            t
            for t in (st.get(address, "address", str, where), st.get(address, "postCode", str, where))
            if t and t.strip()
        )
        if not text or address.get("type") == "placeOfBirth":
            continue
        addr = ids.address(f"bods {key}", i)
        out += [
            (node, EG.hasAddress, addr),
            (addr, RDF.type, EG.Address),
            (addr, EG.addressText, Literal(text)),
            (addr, DCTERMS.source, src),
        ]
        code = (st.get(address, "country", str, where) or "").strip().upper()
        if code in codes:
            out.append((addr, EG.addressCountry, ids.country(code)))
    return out


def _entity(where: Where, sid: str, key: str, details: dict, codes: set[str], out: list[Triple]) -> list[Triple] | str:
    name = (st.get(details, "name", str, where) or "").strip()
    if not name:
        return "entity without a name"
    entity_type = details.get("entityType")
    if isinstance(entity_type, dict):  # 0.4: {"type": ..., "subtype": ...}
        entity_type = entity_type.get("type")
    jurisdiction = (
        st.get(details, "incorporatedInJurisdiction", dict, where) or st.get(details, "jurisdiction", dict, where) or {}
    )
    code = (st.get(jurisdiction, "code", str, where) or "").strip()
    kind = ENTITY_TYPES.get(entity_type, EG.Organization) if isinstance(entity_type, str) else EG.Organization
    out = _party(
        where,
        sid,
        key,
        kind,
        [name, *st.texts(details, "alternateNames", where)],
        [code] if code else [],
        details,
        codes,
        out,
    )
    node = st.node(key)
    for identifier in st.objects(details, "identifiers", where):
        lei = st.get(identifier, "id", str, where)
        if identifier.get("scheme") == "XI-LEI" and lei and lei.strip():
            out.append((node, EG.lei, Literal(lei.strip().upper())))
    founded = st.get(details, "foundingDate", str, where)
    if founded and len(founded.strip()) >= 10:  # a year or a month alone is left out rather than made up
        if (day := st.day(details, "foundingDate", where)) is not None:
            out.append((node, EG.foundingDate, day))
    return out


def _person(where: Where, sid: str, key: str, details: dict, codes: set[str], out: list[Triple]) -> list[Triple] | str:
    names = []
    for name in st.objects(details, "names", where):
        full = (st.get(name, "fullName", str, where) or "").strip() or " ".join(
            t.strip()
            for t in (st.get(name, "givenName", str, where), st.get(name, "familyName", str, where))
            if t and t.strip()
        )
        if full:
            names.append(full)
    if not names:
        return "person without a name"
    countries = [(st.get(c, "code", str, where) or "").strip() for c in st.objects(details, "nationalities", where)]
    return _party(where, sid, key, EG.Person, names, [c for c in countries if c], details, codes, out)


def _reference(details: dict, key: str, where: Where) -> str | None:
    """The statement or record a relationship names as its subject or interested party; None when
    the source says it is unspecified."""
    value = details.get(key)
    if isinstance(value, str) and value.strip():  # 0.4: a record id
        return value
    if not isinstance(value, dict):
        raise where.error(f"no {key}")
    for field in ("describedByEntityStatement", "describedByPersonStatement"):
        ref = st.get(value, field, str, where)
        if ref and ref.strip():
            return ref
    return None  # 0.2/0.3 "unspecified" (or nothing named); 0.4 an unspecified record


def _indirect(interest: dict) -> bool:
    return (interest.get("directOrIndirect") or interest.get("interestLevel")) == "indirect"


def _relationship(
    where: Where, sid: str, statement: dict, details: dict, successor: dict[str, str], out: list[Triple]
) -> list[Triple] | str:
    subject, party = _reference(details, "subject", where), _reference(details, "interestedParty", where)
    if party is None:
        return "interested party unspecified"
    if subject is None:
        return "subject unspecified"
    owner, owned = st.current(party, successor), st.current(subject, successor)
    interests = st.objects(details, "interests", where)

    # an indirect interest whose chain the file gives (its component statements or records) is
    # imported link by link; one without its chain is kept as a stake of unknown size and kind,
    # which the 50% rule counts as unknown: a case for review, never a pass
    chained = any(
        isinstance(d, dict) and (d.get("componentStatementIDs") or d.get("componentRecords"))
        for d in (details, statement)
    )
    direct = [(i, x) for i, x in enumerate(interests, 1) if not (_indirect(x) and chained)]
    if interests and not direct:
        return "only indirect interests, whose chain the file gives link by link"
    kinds = [(st.get(x, "type", str, where) or "").strip() for _, x in direct or [(1, {})]]
    closed = statement.get("recordStatus") == "closed" and len(str(statement.get("statementDate") or "")) >= 10
    src = row_source(DATASET, sid, out)
    for (i, interest), kind in zip(direct or [(1, {})], kinds, strict=True):
        if kind in VOTING and "shareholding" in kinds:
            continue
        stake = URIRef(f"{ids.stake('bods ' + owner, 'bods ' + owned)}/{ids.slug(f'{sid}-{i}')}")
        out += [
            (stake, RDF.type, EG.OwnershipStake),
            (stake, EG.owner, st.node(owner)),
            (stake, EG.owned, st.node(owned)),
            (stake, DCTERMS.source, src),
        ]
        out += _interest(where, stake, interest, kind, statement if closed else None)
    return out


def _interest(where: Where, stake: URIRef, interest: dict, kind: str, closed: dict | None) -> list[Triple]:
    """A stake's kind, share and period from its interest; ``closed``: the statement of a closed
    record, whose date ends an interest without an end date."""
    out: list[Triple] = []
    if _indirect(interest):  # held through a chain the file does not give: size and kind unknown
        out.append((stake, EG.note, Literal("an indirect interest whose chain the file does not give")))
    elif kind == "shareholding":
        out.append((stake, EG.stakeKind, EG.Equity))
    elif kind in VOTING:
        out.append((stake, EG.stakeKind, EG.Voting))
    elif kind not in UNKNOWN_INTEREST:
        out.append((stake, EG.stakeKind, EG.ControlWithoutEquity))
    exact, low, high = _share(interest, where)
    if _indirect(interest):
        exact = low = high = None
    if exact is not None:
        out.append((stake, EG.percent, _decimal(exact)))
    else:
        out += [
            (stake, pred, _decimal(v)) for pred, v in ((EG.percentMin, low), (EG.percentMax, high)) if v is not None
        ]
    start = st.day(interest, "startDate", where)
    end = st.day(interest, "endDate", where, last=True)
    if end is None and closed is not None:
        end = st.day(closed, "statementDate", where)
    if start is not None and end is not None and start.toPython() > end.toPython():
        raise where.error(f"startDate {interest.get('startDate')!r} is after the end {end.toPython():%Y-%m-%d}")
    out += [(stake, pred, v) for pred, v in ((EG.validFrom, start), (EG.validTo, end)) if v is not None]
    return out
