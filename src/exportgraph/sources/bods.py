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

import calendar
import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS
from .common import Triple, dataset_triples, json_events, row_source

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


@dataclass(frozen=True)
class Where:
    """A statement's place: its number in the file and, in JSON Lines, its line."""

    path: Path
    n: int
    line: int | None = None

    def error(self, message: str) -> InputError:
        if self.line is None:
            return InputError(f"statement {self.n}: {message}", source=str(self.path))
        return InputError(message, source=str(self.path), line=self.line)


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
    successor, latest = _index(path)
    for where, statement in statements(path):
        yield statement, _triples(where, statement, codes, successor, latest)


def statements(path: Path) -> Iterator[tuple[Where, dict]]:
    """Each statement with its place, checked to be an object with its id and type."""
    try:
        fh = path.open("rb")
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL byte
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", source=str(path)) from None
    with fh:
        start = 3 if fh.read(3) == b"\xef\xbb\xbf" else 0
        fh.seek(start)
        head = b""
        while not head and (chunk := fh.read(65536)):
            head = chunk.lstrip()[:1]
        fh.seek(start)
        if head == b"[":
            yield from _array(path, fh)
        elif head == b"{":
            yield from _lines(path, fh)
        else:
            raise InputError("not BODS: expected a JSON array of statements or one statement a line", source=str(path))


def _array(path: Path, fh: IO[bytes]) -> Iterator[tuple[Where, dict]]:
    import ijson

    n = 0
    try:
        for n, statement in enumerate(ijson.items(json_events(fh, path, "BODS"), "item"), 1):
            yield _checked(Where(path, n), statement)
    except ijson.JSONError as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        reason = str(reason).strip().splitlines()[0] if str(reason).strip() else "the file ends early"
        raise Where(path, n + 1).error(f"not valid JSON ({reason})") from None
    except UnicodeDecodeError as exc:
        raise Where(path, n + 1).error(f"not UTF-8 text: {exc.reason}") from None


def _lines(path: Path, fh: IO[bytes]) -> Iterator[tuple[Where, dict]]:
    n = 0
    for line, raw in enumerate(fh, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", source=str(path), line=line) from None
        if not text.strip():
            continue
        n += 1
        try:
            statement = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            raise InputError(f"not one JSON statement on the line: {exc}", source=str(path), line=line) from None
        yield _checked(Where(path, n, line), statement)


def _is_04(statement: dict) -> bool:
    return "statementId" in statement or "recordId" in statement or "recordType" in statement


def _checked(where: Where, statement: Any) -> tuple[Where, dict]:
    if not isinstance(statement, dict):
        raise where.error("a statement is not a JSON object")
    keys = ("statementId", "recordId", "recordType") if _is_04(statement) else ("statementID", "statementType")
    for key in keys:
        if not isinstance(statement.get(key), str) or not statement[key].strip():
            raise where.error(f"no {key} (a BODS statement needs {' and '.join(keys)})")
    if _is_04(statement) and not isinstance(statement.get("recordDetails"), dict):
        raise where.error("recordDetails is not an object")
    return where, statement


def _index(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    """The first pass: which statement replaces which (0.2/0.3), the latest statement of each record
    (0.4: its date and number)."""
    successor: dict[str, str] = {}
    latest: dict[str, tuple[str, int]] = {}
    for where, statement in statements(path):
        if _is_04(statement):
            day = statement.get("statementDate")
            day = day if isinstance(day, str) else ""
            record = statement["recordId"]
            if record not in latest or latest[record][0] <= day:
                latest[record] = (day, where.n)
            continue
        replaces = statement.get("replacesStatements") or []
        if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
            raise where.error("replacesStatements is not a list of statement ids")
        for old in replaces:
            if old != statement["statementID"]:
                successor.setdefault(old, statement["statementID"])
    return successor, latest


def _current(sid: str, successor: dict[str, str]) -> str:
    """The statement that replaces ``sid``, directly or through others (``sid`` if none)."""
    seen = {sid}
    while successor.get(sid, sid) not in seen:
        sid = successor[sid]
        seen.add(sid)
    return sid


def _node(key: str) -> URIRef:
    return ids.party(f"bods {key}")


def _get(obj: dict, key: str, kind: type, where: Where) -> Any:
    """``obj[key]`` when it is of the JSON type expected, None when absent; another type is an error."""
    value = obj.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise where.error(f"{key} is not {_JSON_TYPES[kind]}")
    return value


def _objects(obj: dict, key: str, where: Where) -> list[dict]:
    items = _get(obj, key, list, where) or []
    if not all(isinstance(item, dict) for item in items):
        raise where.error(f"{key} is not a list of objects")
    return items


def _texts(obj: dict, key: str, where: Where) -> list[str]:
    items = _get(obj, key, list, where) or []
    if not all(isinstance(item, str) for item in items):
        raise where.error(f"{key} is not a list of strings")
    return [item.strip() for item in items if item.strip()]


def _day(obj: dict, key: str, where: Where, *, last: bool = False) -> Literal | None:
    """A date as the graph writes it; a year or a month stands for its first (or ``last``) day."""
    text = (_get(obj, key, str, where) or "").strip()
    if not text:
        return None
    if partial := _PARTIAL.match(text):
        year, month = int(partial.group(1)), partial.group(2)
        first, final = (int(month), int(month)) if month else (1, 12)
        try:
            day = dt.date(year, final, calendar.monthrange(year, final)[1]) if last else dt.date(year, first, 1)
        except (ValueError, calendar.IllegalMonthError):
            raise where.error(f"{key} {text!r} is not a date") from None
        return to_literal(day)
    try:
        return to_literal(parse_date(text[:10]))
    except InputError as exc:
        raise where.error(f"{key}: {exc}") from None


def _decimal(value: float | int) -> Literal:
    return Literal(format(Decimal(str(value)).normalize(), "f"), datatype=XSD.decimal)


def _share(interest: dict, where: Where) -> tuple[float | None, float | None, float | None]:
    """(exact, minimum, maximum) of an interest's share; exclusive bounds kept as their number."""
    share = _get(interest, "share", dict, where) or {}
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
    if _is_04(statement):
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
        if _current(sid, successor) != sid:
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
    node = _node(key)
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
    for i, address in enumerate(_objects(details, "addresses", where), 1):
        text = ", ".join(
            t for t in (_get(address, "address", str, where), _get(address, "postCode", str, where)) if t and t.strip()
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
        code = (_get(address, "country", str, where) or "").strip().upper()
        if code in codes:
            out.append((addr, EG.addressCountry, ids.country(code)))
    return out


def _entity(where: Where, sid: str, key: str, details: dict, codes: set[str], out: list[Triple]) -> list[Triple] | str:
    name = (_get(details, "name", str, where) or "").strip()
    if not name:
        return "entity without a name"
    entity_type = details.get("entityType")
    if isinstance(entity_type, dict):  # 0.4: {"type": ..., "subtype": ...}
        entity_type = entity_type.get("type")
    jurisdiction = (
        _get(details, "incorporatedInJurisdiction", dict, where) or _get(details, "jurisdiction", dict, where) or {}
    )
    code = (_get(jurisdiction, "code", str, where) or "").strip()
    kind = ENTITY_TYPES.get(entity_type, EG.Organization) if isinstance(entity_type, str) else EG.Organization
    out = _party(
        where,
        sid,
        key,
        kind,
        [name, *_texts(details, "alternateNames", where)],
        [code] if code else [],
        details,
        codes,
        out,
    )
    node = _node(key)
    for identifier in _objects(details, "identifiers", where):
        lei = _get(identifier, "id", str, where)
        if identifier.get("scheme") == "XI-LEI" and lei and lei.strip():
            out.append((node, EG.lei, Literal(lei.strip().upper())))
    founded = _get(details, "foundingDate", str, where)
    if founded and len(founded.strip()) >= 10:  # a year or a month alone is left out rather than made up
        if (day := _day(details, "foundingDate", where)) is not None:
            out.append((node, EG.foundingDate, day))
    return out


def _person(where: Where, sid: str, key: str, details: dict, codes: set[str], out: list[Triple]) -> list[Triple] | str:
    names = []
    for name in _objects(details, "names", where):
        full = (_get(name, "fullName", str, where) or "").strip() or " ".join(
            t.strip()
            for t in (_get(name, "givenName", str, where), _get(name, "familyName", str, where))
            if t and t.strip()
        )
        if full:
            names.append(full)
    if not names:
        return "person without a name"
    countries = [(_get(c, "code", str, where) or "").strip() for c in _objects(details, "nationalities", where)]
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
        ref = _get(value, field, str, where)
        if ref and ref.strip():
            return ref
    return None  # 0.2/0.3 "unspecified" (or nothing named); 0.4 an unspecified record


def _relationship(
    where: Where, sid: str, statement: dict, details: dict, successor: dict[str, str], out: list[Triple]
) -> list[Triple] | str:
    subject, party = _reference(details, "subject", where), _reference(details, "interestedParty", where)
    if party is None:
        return "interested party unspecified"
    if subject is None:
        return "subject unspecified"
    owner, owned = _current(party, successor), _current(subject, successor)
    interests = _objects(details, "interests", where)

    def indirect(x: dict) -> bool:
        return (x.get("directOrIndirect") or x.get("interestLevel")) == "indirect"

    # an indirect interest whose chain the file gives (its component statements or records) is
    # imported link by link; one without its chain is kept as a stake of unknown size and kind,
    # which the 50% rule counts as unknown: a case for review, never a pass
    chained = any(
        isinstance(d, dict) and (d.get("componentStatementIDs") or d.get("componentRecords"))
        for d in (details, statement)
    )
    direct = [(i, x) for i, x in enumerate(interests, 1) if not (indirect(x) and chained)]
    if interests and not direct:
        return "only indirect interests, whose chain the file gives link by link"
    kinds = [(_get(x, "type", str, where) or "").strip() for _, x in direct or [(1, {})]]
    closed = statement.get("recordStatus") == "closed" and len(str(statement.get("statementDate") or "")) >= 10
    src = row_source(DATASET, sid, out)
    for (i, interest), kind in zip(direct or [(1, {})], kinds, strict=True):
        if kind in VOTING and "shareholding" in kinds:
            continue
        stake = URIRef(f"{ids.stake('bods ' + owner, 'bods ' + owned)}/{ids.slug(f'{sid}-{i}')}")
        out += [
            (stake, RDF.type, EG.OwnershipStake),
            (stake, EG.owner, _node(owner)),
            (stake, EG.owned, _node(owned)),
            (stake, DCTERMS.source, src),
        ]
        if indirect(interest):  # held through a chain the file does not give: size and kind unknown
            out.append((stake, EG.note, Literal("an indirect interest whose chain the file does not give")))
        elif kind == "shareholding":
            out.append((stake, EG.stakeKind, EG.Equity))
        elif kind in VOTING:
            out.append((stake, EG.stakeKind, EG.Voting))
        elif kind not in UNKNOWN_INTEREST:
            out.append((stake, EG.stakeKind, EG.ControlWithoutEquity))
        exact, low, high = _share(interest, where)
        if indirect(interest):
            exact = low = high = None
        if exact is not None:
            out.append((stake, EG.percent, _decimal(exact)))
        else:
            out += [
                (stake, pred, _decimal(v)) for pred, v in ((EG.percentMin, low), (EG.percentMax, high)) if v is not None
            ]
        start = _day(interest, "startDate", where)
        end = _day(interest, "endDate", where, last=True)
        if end is None and closed:
            end = _day(statement, "statementDate", where)
        if start is not None and end is not None and start.toPython() > end.toPython():
            raise where.error(f"startDate {interest.get('startDate')!r} is after the end {end.toPython():%Y-%m-%d}")
        out += [(stake, pred, v) for pred, v in ((EG.validFrom, start), (EG.validTo, end)) if v is not None]
    return out
