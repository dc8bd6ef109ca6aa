"""Parties: finding one by name, alias or IRI, and what the graph says about it on a date.

``Parties.resolve`` is the public resolver that every verb uses (``check`` and the user CSVs get
``Parties.resolve_name``); ``entity``, ``listings`` and ``affiliates`` read the named queries
``party-facts``, ``party-listings``, ``party-owners``/``party-subsidiaries``, ``party-members`` and
``affiliates-status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .coverage import Coverage
from .errors import AmbiguousError, NotFoundError
from .model import AffiliatesStatus, Citation, Entity, Listing, Member, Stake
from .queries import Runner, text
from .store import Row, Value
from .store.embedded import IRI

if TYPE_CHECKING:
    from .screen import Index

IRI_PREFIXES = ("http://", "https://")


def prefer_names(rows: list[Row]) -> list[Row]:
    """Of the parties a string names (rows with ``kind`` name or alias and ``listed``), those whose
    name it is, unless only parties that have it as an alias are on a list: a user's own party of
    that name must not hide a listed party (the string then stays ambiguous)."""
    names = [r for r in rows if r["kind"] == "name"]
    aliases = [r for r in rows if r["kind"] != "name"]
    if names and not (any(r["listed"] for r in aliases) and not any(r["listed"] for r in names)):
        return names
    return rows


class NameIndex:
    """The screening index of every name and alias (``queries/screen/names.rq``), built on first
    use; ``reset()`` when the data changes. A persistent store keeps it on disk for the current
    generation of its data (``screen.kept``): later processes read it instead of building it."""

    def __init__(self, queries: Runner) -> None:
        self.queries = queries
        self._index: Index | None = None

    def get(self) -> Index:
        from .screen import kept  # its Chinese dictionaries load in 0.2 s: only when screening

        if self._index is None:
            store = self.queries.store
            stamp = kept.stamp(store)
            self._index = kept.load(store, stamp) if stamp else None
            if self._index is None:
                self._index = self.build()
                if stamp:
                    kept.save(store, stamp, self._index)
        return self._index

    def build(self) -> Index:
        """The index, from the names the store holds now."""
        from .screen import Entry, Index

        return Index(
            Entry(
                str(r["party"]),
                str(r["name"]),
                str(r["matched"]),
                str(r["kind"]),
                tuple(str(r["countries"] or "").split()),
            )
            for r in self.queries("screen/names").rows
        )

    def reset(self) -> None:
        """Forget the index, and the one a persistent store keeps (its data changed)."""
        self._index = None
        if self.queries.store.persistent() is not None:
            from .screen import kept

            kept.forget(self.queries.store)


class Parties:
    """The parties of one store. The name index gives the names that come nearest to a string, for
    a did-you-mean when nothing matches."""

    def __init__(self, queries: Runner, coverage: Coverage) -> None:
        self.queries = queries
        self.coverage = coverage
        self.names = NameIndex(queries)

    # -- resolution -----------------------------------------------------------------------------

    def resolve_name(self, name: str) -> str | None:
        """The party with this name or alias: as written if one has it (index lookups; a party
        spelled the same in upper, lower or title case makes the name ambiguous), else ignoring case
        (a scan of every name). A party whose name it is outranks parties that have it as an alias,
        unless only those are listed (``check.prefer_names``)."""
        rows = self.queries("find-party-exact", query=name).rows
        if rows:
            for variant in {name.upper(), name.lower(), name.title()} - {name}:
                rows += self.queries("find-party-exact", query=variant).rows
        else:
            rows = self.queries("find-party", query=name).rows
        rows = prefer_names(rows)
        parties = {str(r["party"]) for r in rows}
        if len(parties) > 1:
            raise AmbiguousError(name, sorted((str(r["party"]), str(r["name"])) for r in rows))
        return next(iter(parties), None)

    def resolve(self, name_or_iri: str) -> str:
        """The IRI of the party with this IRI, name or alias; else the one whose names contain it."""
        if name_or_iri.startswith(IRI_PREFIXES):
            return self._by_iri(name_or_iri)
        found = self.resolve_name(name_or_iri)
        if found:
            return found
        rows = self.queries("search-party", query=name_or_iri).rows
        parties = sorted({(str(r["party"]), str(r["name"])) for r in rows})
        if len(parties) == 1:
            return parties[0][0]
        if parties:
            raise AmbiguousError(name_or_iri, parties)
        near = self.names.get().nearest(name_or_iri)  # the names that come nearest, to suggest
        raise NotFoundError(
            f"no party named {name_or_iri!r}" + (f"; did you mean {', '.join(map(repr, near))}?" if near else "")
        )

    def _by_iri(self, iri: str) -> str:
        merged = self.queries.internal("merged-into", {"m": IRI(iri)})
        if merged:  # a record merged into its cluster's party is that party
            return str(merged[0]["c"])
        if self.queries.store.ask(_text("is-party"), {"p": IRI(iri)}):
            return iri
        raise NotFoundError(f"no party with IRI <{iri}>")

    def is_record(self, iri: str) -> bool:
        """Whether a party record has this IRI: a party, or a record merged into its cluster's party."""
        return self.queries.store.ask(_text("is-record"), {"p": IRI(iri)})

    def country_codes(self) -> set[str]:
        return {str(r["code"]) for r in self.queries.internal("country-codes")}

    def list_names(self) -> set[str]:
        """The short names of the restriction lists (``entity-list``, ``meu-list``, ...)."""
        return {str(r["name"]) for r in self.queries.internal("restriction-lists")}

    # -- profile --------------------------------------------------------------------------------

    def entity(self, name_or_iri: str, as_of: dt.date) -> Entity:
        """The profile of one party: names, countries, listings, owners and subsidiaries as of a date."""
        iri = self.resolve(name_or_iri)
        facts: dict[str, list[Row]] = {}
        for r in self.queries("party-facts", party=IRI(iri)).rows:
            facts.setdefault(str(r["fact"]), []).append(r)

        def values(fact: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(str(r["label"] or r["value"]) for r in facts.get(fact, [])))

        names = values("name")
        parent = facts.get("ultimateParent", [])
        return Entity(
            iri=iri,
            name=names[0] if names else iri,
            kinds=tuple(sorted({str(r["value"]).rsplit("#", 1)[-1] for r in facts.get("type", [])})),
            aliases=tuple(a for a in values("alias") if a not in names),
            native_names=values("nativeName"),
            countries=values("country"),
            incorporated_in=values("incorporatedIn"),
            headquartered_in=values("headquarteredIn"),
            identifiers={k: v for k in ("lei", "uscc", "website") for v in values(k)[:1]},
            addresses=values("address"),
            ultimate_parent=str(parent[0]["label"] or parent[0]["value"]) if parent else None,
            listings=self.listings([iri], as_of).get(iri, ()),
            owners=self.stakes("party-owners", "owner", iri, as_of),
            subsidiaries=self.stakes("party-subsidiaries", "owned", iri, as_of),
            as_of=as_of,
            ultimate_parent_iri=str(parent[0]["value"]) if parent else None,
            members=self.members(iri),
        )

    def members(self, iri: str) -> tuple[Member, ...]:
        """The records merged into this party, with the judgements and sources that merge them."""
        by_member: dict[str, list[Row]] = {}
        for r in self.queries("party-members", party=IRI(iri)).rows:
            by_member.setdefault(str(r["member"]), []).append(r)
        return tuple(
            Member(
                iri=m,
                name=rs[0]["memberName"] and str(rs[0]["memberName"]),
                judgements=tuple(dict.fromkeys(str(r["judgement"]) for r in rs if r["judgement"])),
                sources=tuple(
                    dict.fromkeys((str(r["source"]), str(r["sourceLabel"] or r["source"])) for r in rs if r["source"])
                ),
                notes=tuple(dict.fromkeys(str(r["note"]) for r in rs if r["note"])),
            )
            for m, rs in by_member.items()
        )

    def listings(self, parties: Iterable[str], as_of: dt.date) -> dict[str, tuple[Listing, ...]]:
        """The list entries of each party (``queries/party-listings.rq``), in one query for all."""
        rows: list[dict[str, Value]] = [{"party": IRI(p), "asOf": as_of} for p in dict.fromkeys(parties)]
        if not rows:
            return {}
        grouped: dict[str, dict[str, list[Row]]] = {}
        for r in self.queries.store.select(self.queries.catalogue["party-listings"].text, rows):
            grouped.setdefault(str(r["party"]), {}).setdefault(str(r["entry"]), []).append(r)
        return {
            party: tuple(
                sorted(
                    (listing(entry, rs) for entry, rs in entries.items()),
                    key=lambda x: (x.list, x.date_added or dt.date.min, x.entry),
                )
            )
            for party, entries in grouped.items()
        }

    def stakes(self, query: str, side: str, iri: str, as_of: dt.date) -> tuple[Stake, ...]:
        """The stakes of ``party-owners`` (``side="owner"``) or ``party-subsidiaries`` (``"owned"``)."""
        by_stake: dict[str, list[Row]] = {}
        for r in self.queries(query, party=IRI(iri), asOf=as_of).rows:
            by_stake.setdefault(str(r["stake"]), []).append(r)
        return tuple(
            Stake(
                party=str(r[side]),
                name=r[side + "Name"] and str(r[side + "Name"]),
                percent=r["percent"],
                percent_min=r["percentMin"],
                percent_max=r["percentMax"],
                kind=r["kind"] and str(r["kind"]),
                valid_from=r["validFrom"],
                valid_to=r["validTo"],
                listed=bool(r[side + "Listed"]),
                source=r["source"] and str(r["source"]),
                source_label=r["sourceLabel"] and str(r["sourceLabel"]),
            )
            for r in (rows[0] for rows in by_stake.values())
        )

    # -- the Affiliates (50%) rule --------------------------------------------------------------

    def affiliates(self, parties: Iterable[str], as_of: dt.date) -> dict[str, AffiliatesStatus]:
        """Where each party stands under the Affiliates (50%) rule on the date
        (``queries/affiliates-status.rq`` over the materialised rule)."""
        parties = list(dict.fromkeys(parties))
        self.coverage.ensure([as_of])
        rule_status = self.rule_status(as_of)
        found = (
            {
                str(r["party"]): r
                for r in self.queries.store.select(
                    self.queries.catalogue["affiliates-status"].text,
                    [{"party": IRI(p), "asOf": as_of} for p in parties],
                )
            }
            if parties
            else {}
        )
        return {p: _status(found.get(p), rule_status) for p in parties}

    def rule_status(self, as_of: dt.date) -> str:
        """The Affiliates rule's status on the date (in force, suspended, ...; ``rules-in-force``)."""
        rules = {str(r["rule"]) for r in self.queries.internal("affiliates-rule")}
        status = {str(r["rule"]): str(r["status"]) for r in self.queries("rules-in-force", asOf=as_of).rows}
        return next((status[r] for r in sorted(rules) if r in status), "unknown")


def _text(name: str) -> str:
    return text(f"internal/{name}")


def _status(r: Row | None, rule_status: str) -> AffiliatesStatus:
    status = str(r["status"]) if r else "not covered"
    return AffiliatesStatus(
        status,
        status in ("listed", "covered"),
        rule_status,
        str(r["reach"]) if r else "not covered",
        str(r["explanation"]) if r else None,
        r["aggregatePercent"] if r else None,
        r["aggregatePercentMax"] if r else None,
    )


def listing(entry: str, rows: list[Row]) -> Listing:
    """One list entry from its rows of ``party-listings`` (one row per citation and footnote)."""
    first = rows[0]
    cites = {
        str(r["citation"]): Citation(
            label=str(r["citationLabel"] or r["citation"]),
            iri=str(r["citation"]),
            published=r["published"],
            rule=r["rule"] and str(r["rule"]),
            rule_title=r["ruleTitle"] and str(r["ruleTitle"]),
            effective=r["effective"],
        )
        for r in rows
        if r["citation"]
    }
    return Listing(
        list=str(first["list"]),
        list_name=first["listName"] and str(first["listName"]),
        entry=entry,
        date_added=first["dateAdded"],
        date_removed=first["dateRemoved"],
        in_force=bool(first["inForce"]),
        license_requirement=first["licenseRequirement"] and str(first["licenseRequirement"]),
        review_policy=first["reviewPolicy"] and str(first["reviewPolicy"]),
        footnotes=tuple(sorted({int(r["footnote"]) for r in rows if r["footnote"] is not None})),
        citations=tuple(sorted(cites.values(), key=lambda c: (c.published or dt.date.min, c.label))),
        confidence=first["confidence"] and str(first["confidence"]).rsplit("#", 1)[-1],
        record=first.get("record") and str(first["record"]),
        record_name=first.get("recordName") and str(first["recordName"]),
    )
