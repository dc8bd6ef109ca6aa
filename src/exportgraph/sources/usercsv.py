"""User data as CSV, recognised by its header row: parties, ownership stakes, list entries, supply
relations, and judgements that two party records are (or are not) one organisation (the review file
of ``exportgraph dedupe``, recognised by its ``left``, ``right``, ``decision`` and ``source`` columns).

A file either loads whole or not at all: every row is read and checked first, and the first bad
row raises an ``InputError`` naming the file, the line and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import Literal, URIRef

from .. import ids, namespaces
from ..dates import parse_date, to_literal
from ..errors import AmbiguousError, InputError
from ..numeric import decimal
from .common import Triple, iter_csv_rows


class _Terms:
    """A namespace whose terms are made once, on first use (an rdflib namespace makes the term
    again on each access, millions of times in a big file)."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


DCTERMS, EG, RDF, RDFS, SCHEMA = (_Terms(getattr(namespaces, n)) for n in ("DCTERMS", "EG", "RDF", "RDFS", "SCHEMA"))

HEADERS = {
    "parties": ["id", "name", "country", "aliases", "kind"],
    "ownership": ["owner", "owned", "percent", "percent_min", "percent_max", "valid_from", "valid_to", "source"],
    "listings": ["party", "list", "date_added", "date_removed", "citation"],
    "supply": ["supplier", "customer", "item", "valid_from", "valid_to", "source"],
}
# Columns a file may add after the required ones, in any order.
OPTIONAL = {
    "parties": ["address", "founded", "headquarters", "incorporated_in"],
    "ownership": ["reported_as_of", "kind"],
}
STAKE_KINDS = {"": EG.Equity, "equity": EG.Equity, "voting": EG.Voting}
KINDS = {
    "": EG.Party,
    "company": EG.Company,
    "organisation": EG.Organization,
    "organization": EG.Organization,
    "research-institute": EG.ResearchInstitute,
    "university": EG.University,
    "government-body": EG.GovernmentBody,
    "person": EG.Person,
}
_FR = re.compile(r"^\s*(\d+)\s*FR\s*(\d+)\s*$")


JUDGEMENT_COLUMNS = {"left", "right", "decision", "source"}  # in any order, among any others (the review file's)
DECISIONS = {"accept": EG.SameOrganisation, "reject": EG.DifferentOrganisations}


def kind_of(path: Path) -> str:
    """Which user CSV this is, from its header; an ``InputError`` if it is none of them."""
    cols = iter_csv_rows(path)[0]  # the header only: the rest of the file is not read
    if JUDGEMENT_COLUMNS <= set(cols):
        return "judgements"
    for kind, expected in HEADERS.items():
        extra = cols[len(expected) :]
        if cols[: len(expected)] == expected and len(set(extra)) == len(extra) <= len(
            set(extra) & set(OPTIONAL.get(kind, ()))
        ):
            return kind
    raise InputError(
        "unrecognised CSV header "
        + ",".join(cols)
        + "; expected one of: "
        + " | ".join(",".join(h + [f"[{o}]" for o in OPTIONAL.get(k, ())]) for k, h in HEADERS.items())
        + " | judgements: left,right,decision,source[,note] (any order)",
        source=str(path),
        line=1,
    )


class Reader:
    """Reads user CSVs into triples. ``resolve(name)`` finds an organisation of the graph by name.

    Party ids from parties files read earlier are known to later ownership and listings files.
    """

    def __init__(
        self,
        resolve: Callable[[str], str | None],
        country_codes: set[str],
        list_names: set[str],
        is_record: Callable[[str], bool] | None = None,
    ) -> None:
        self.resolve = resolve
        self.is_record = is_record or (lambda iri: False)
        self.country_codes = country_codes
        self.list_names = list_names
        self.party_ids: dict[str, URIRef] = {}

    def read(self, path: Path) -> list[Triple]:
        """Every triple of the file, read whole: a malformed row raises before any is returned."""
        return list(self.stream(path))

    def stream(self, path: Path) -> Iterator[Triple]:
        """The file's triples row by row, for files of any size (``imports``, which keeps nothing
        of a file that raises part-way)."""
        kind = kind_of(path)
        new_ids: dict[str, URIRef] = {}
        for line, row in iter_csv_rows(path)[1]:
            out: list[Triple] = []
            src = self._row_source(path, line, out)
            getattr(self, "_" + kind)(path, line, row, src, out, new_ids)
            yield from out
        self.party_ids.update(new_ids)

    def _row_source(self, path: Path, line: int, out: list[Triple]) -> URIRef:
        node = ids.user_row(path.name, line, "source")
        out += [
            (node, RDF.type, EG.DatasetRow),
            (node, EG.rowKey, Literal(f"line {line}")),
            (node, RDFS.label, Literal(f"{path.name} line {line}")),
        ]
        return node

    def _party(self, ref: str, path: Path, line: int, column: str, new_ids: dict[str, URIRef]) -> URIRef:
        if not ref:
            raise InputError("empty party", source=str(path), line=line, column=column)
        found = new_ids.get(ref) or self.party_ids.get(ref)
        if found is None:
            try:
                iri = self.resolve(ref)
            except AmbiguousError as exc:
                raise InputError(
                    f"{exc}; give a party id from a parties file", source=str(path), line=line, column=column
                ) from None
            if iri is None:
                raise InputError(
                    f"{ref!r} is neither a party id from a parties file nor the name of an organisation in the graph",
                    source=str(path),
                    line=line,
                    column=column,
                )
            found = URIRef(iri)
        return found

    def _country(self, code: str, path: Path, line: int, column: str) -> URIRef:
        if code.upper() not in self.country_codes:
            raise InputError(
                f"unknown country code {code!r} (expected ISO 3166-1 alpha-2)",
                source=str(path),
                line=line,
                column=column,
            )
        return ids.country(code.upper())

    def _parties(self, path, line, row, src, out, new_ids) -> None:
        pid, name = row["id"], row["name"]
        if not pid:
            raise InputError("empty id", source=str(path), line=line, column="id")
        if not name:
            raise InputError("empty name", source=str(path), line=line, column="name")
        if pid in new_ids:
            raise InputError(f"duplicate id {pid!r}", source=str(path), line=line, column="id")
        kind = KINDS.get(row["kind"].lower())
        if kind is None:
            raise InputError(
                f"unknown kind {row['kind']!r}; expected one of " + ", ".join(k for k in KINDS if k),
                source=str(path),
                line=line,
                column="kind",
            )
        node = ids.user_party(pid)
        new_ids[pid] = node
        out += [
            (node, RDF.type, kind),
            (node, EG.name, Literal(name)),
            (node, RDFS.label, Literal(name)),
            (node, DCTERMS.source, src),
        ]
        if row["country"]:
            out.append((node, EG.country, self._country(row["country"], path, line, "country")))
        out += [(node, EG.alias, Literal(a.strip())) for a in row["aliases"].split(";") if a.strip()]
        if row.get("address"):
            addr = ids.user_row(path.name, line, "address")
            out += [
                (node, EG.hasAddress, addr),
                (addr, RDF.type, EG.Address),
                (addr, EG.addressText, Literal(row["address"])),
                (addr, DCTERMS.source, src),
            ]
            if row["country"]:
                out.append((addr, EG.addressCountry, self._country(row["country"], path, line, "country")))
        if row.get("founded"):
            day = parse_date(row["founded"], source=str(path), line=line, column="founded")
            out.append((node, EG.foundingDate, to_literal(day)))
        # where the party is headquartered and incorporated, when known: what the headquarters rule
        # reads (an empty cell is "not recorded", never a guess from `country`)
        for column, prop in (("headquarters", EG.headquarteredIn), ("incorporated_in", EG.incorporatedIn)):
            if row.get(column):
                out.append((node, prop, self._country(row[column], path, line, column)))

    def _ownership(self, path, line, row, src, out, new_ids) -> None:
        owner = self._party(row["owner"], path, line, "owner", new_ids)
        owned = self._party(row["owned"], path, line, "owned", new_ids)
        node = ids.user_row(path.name, line, "stake")
        kind = (row.get("kind") or "").strip().lower()
        if kind not in STAKE_KINDS:
            raise InputError(
                f"unknown stake kind {row['kind']!r}; expected equity or voting (empty: equity)",
                source=str(path),
                line=line,
                column="kind",
            )
        out += [
            (node, RDF.type, EG.OwnershipStake),
            (node, EG.owner, owner),
            (node, EG.owned, owned),
            (node, EG.stakeKind, STAKE_KINDS[kind]),
            (node, DCTERMS.source, src),
        ]
        values = {}
        for col, prop in (("percent", EG.percent), ("percent_min", EG.percentMin), ("percent_max", EG.percentMax)):
            if row[col]:
                v = decimal(row[col].rstrip("%"), source=str(path), line=line, column=col)  # NaN, inf refused
                if not 0 <= v <= 100:
                    raise InputError(f"{v} is outside 0..100", source=str(path), line=line, column=col)
                values[col] = v
                out.append((node, prop, Literal(v)))
        if "percent" in values and ("percent_min" in values or "percent_max" in values):
            raise InputError("give percent or a min/max range, not both", source=str(path), line=line, column="percent")
        if values.get("percent_min", 0) > values.get("percent_max", 100):
            raise InputError(
                "percent_min is greater than percent_max", source=str(path), line=line, column="percent_min"
            )
        self._period(node, row, "valid_from", "valid_to", EG.validFrom, EG.validTo, path, line, out)
        if row.get("reported_as_of"):
            day = parse_date(row["reported_as_of"], source=str(path), line=line, column="reported_as_of")
            for col, outside in (("valid_from", lambda d: day < d), ("valid_to", lambda d: day > d)):
                if row[col] and outside(parse_date(row[col], source=str(path), line=line, column=col)):
                    raise InputError(
                        f"reported_as_of is outside the stake's period ({col} {row[col]})",
                        source=str(path),
                        line=line,
                        column="reported_as_of",
                    )
            out.append((node, EG.reportedAsOf, to_literal(day)))
        self._note_source(src, row["source"], out)

    def _listings(self, path, line, row, src, out, new_ids) -> None:
        party = self._party(row["party"], path, line, "party", new_ids)
        if row["list"] not in self.list_names:
            raise InputError(
                f"unknown list {row['list']!r}; expected one of " + ", ".join(sorted(self.list_names)),
                source=str(path),
                line=line,
                column="list",
            )
        if not row["date_added"]:
            raise InputError("empty date_added", source=str(path), line=line, column="date_added")
        node = ids.user_row(path.name, line, "listing")
        out += [
            (node, RDF.type, EG.ListEntry),
            (node, EG.party, party),
            (node, EG.onList, ids.restriction_list(row["list"])),
            (node, DCTERMS.source, src),
        ]
        self._period(node, row, "date_added", "date_removed", EG.dateAdded, EG.dateRemoved, path, line, out)
        if not row["citation"]:
            raise InputError("empty citation", source=str(path), line=line, column="citation")
        m = _FR.match(row["citation"])
        cite = ids.fr_citation(int(m[1]), int(m[2])) if m else ids.user_row(path.name, line, "citation")
        out += [
            (node, EG.citation, cite),
            (cite, RDFS.label, Literal(row["citation"])),
            (cite, RDF.type, EG.FederalRegisterCitation if m else EG.Source),
        ]

    def _supply(self, path, line, row, src, out, new_ids) -> None:
        supplier = self._party(row["supplier"], path, line, "supplier", new_ids)
        customer = self._party(row["customer"], path, line, "customer", new_ids)
        if supplier == customer:
            raise InputError("supplier and customer are the same party", source=str(path), line=line, column="customer")
        node = ids.user_row(path.name, line, "supply")
        out += [
            (node, RDF.type, EG.SupplyRelation),
            (node, EG.supplier, supplier),
            (node, EG.customer, customer),
            (node, DCTERMS.source, src),
        ]
        if row["item"]:
            out.append((node, EG.suppliedItemText, Literal(row["item"])))
        self._period(node, row, "valid_from", "valid_to", EG.validFrom, EG.validTo, path, line, out)
        self._note_source(src, row["source"], out)

    def _judgements(self, path, line, row, src, out, new_ids) -> None:
        """One reviewed pair: ``accept`` (one organisation), ``reject`` (two), ``skip`` or empty
        (no judgement). A judgement is a cited fact: it needs a ``source``."""
        decision = row["decision"].strip().lower()
        if decision in ("", "skip"):
            return
        if decision not in DECISIONS:
            raise InputError(
                f"decision {row['decision']!r}: expected accept, reject or skip (or empty)",
                source=str(path),
                line=line,
                column="decision",
            )
        left, right = (self._record(row[c], path, line, c, new_ids) for c in ("left", "right"))
        if left == right:
            raise InputError("left and right are the same record", source=str(path), line=line, column="right")
        if not row["source"]:
            raise InputError(
                "a judgement needs a source: the document or person that says so",
                source=str(path),
                line=line,
                column="source",
            )
        node = ids.user_row(path.name, line, "judgement")
        out += [
            (node, RDF.type, DECISIONS[decision]),
            (node, EG.record, left),
            (node, EG.record, right),
            (node, DCTERMS.source, src),
        ]
        for item in row["source"].split():  # a source of the graph (its IRI) is cited as it is
            if item.startswith(str(ids.ID) + "source/"):
                out.append((node, DCTERMS.source, URIRef(item)))
        self._note_source(src, row["source"], out)
        if row.get("note"):
            out.append((node, EG.note, Literal(row["note"])))

    def _record(self, ref: str, path: Path, line: int, column: str, new_ids: dict[str, URIRef]) -> URIRef:
        """A party record by its IRI (as ``dedupe`` writes it; a record merged into a cluster
        included), or by id or name like any other party reference."""
        if ref.startswith(("http://", "https://")):
            if not self.is_record(ref):
                raise InputError(f"no party record <{ref}> in the graph", source=str(path), line=line, column=column)
            return URIRef(ref)
        return self._party(ref, path, line, column, new_ids)

    @staticmethod
    def _note_source(src, text: str, out: list[Triple]) -> None:
        """The row's ``source`` column: a comment on the row's source node, and its URL if it is one."""
        if text:
            out.append((src, RDFS.comment, Literal(text)))
            if text.startswith(("http://", "https://")):
                out.append((src, SCHEMA.url, Literal(text)))

    @staticmethod
    def _period(node, row, start, end, start_prop, end_prop, path, line, out) -> None:
        days = {}
        for col, prop in ((start, start_prop), (end, end_prop)):
            if row[col]:
                days[col] = parse_date(row[col], source=str(path), line=line, column=col)
                out.append((node, prop, to_literal(days[col])))
        if start in days and end in days and days[start] > days[end]:
            raise InputError(f"{end} is before {start}", source=str(path), line=line, column=end)
