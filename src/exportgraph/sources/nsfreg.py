"""US restricted-party lists as parsed from the official texts by phagehunter/nsfreg (JSON).

One module for the BIS Entity List (15 CFR 744 Supp. 4), the MEU list (Supp. 7) and the DoD 1260H
list, which share the nsfreg schema ``{name, aliases, country, address, federal_register, notes}``.
Entries of one party under several destinations become one party with several addresses and one
list entry carrying every citation.

A listing's ``dateAdded`` is the effective date of the rule that published its earliest citation when
``graph/curated/rules.ttl`` gives that rule's pages; otherwise the citation's publication date, with
``eg:confidence eg:Derived`` and a note that says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from .. import ids
from ..dates import to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS
from .common import CountryIndex, Triple, dataset_triples, row_source
from .fedreg import Citation, citation_triples, license_scope, license_text, parse_citations, parse_footnotes


@dataclass(frozen=True)
class RulePages:
    """A rule's Federal Register volume, day of publication, pages (where known) and effective
    date, from the curated rules (``queries/rule-pages.rq``)."""

    rule: URIRef
    volume: int
    first: int | None
    last: int | None
    published: dt.date | None
    effective: dt.date
    review_policy: str | None


LISTS = {
    "entity-list": (
        "nsfreg-bis-entity-list",
        "bis_entity_list.json",
        "BIS Entity List (15 CFR 744 Supp. No. 4), parsed from the eCFR by phagehunter/nsfreg",
    ),
    "meu-list": (
        "nsfreg-bis-meu",
        "bis_meu.json",
        "BIS Military End-User List (15 CFR 744 Supp. No. 7), parsed by phagehunter/nsfreg",
    ),
    "dod-1260h": (
        "nsfreg-dow-1260h",
        "dow_1260h.json",
        "DoD Section 1260H list (FR notice of 2026-06-10), parsed by phagehunter/nsfreg",
    ),
}


def _split_addresses(text: str | None) -> list[str]:
    if not text:
        return []
    parts = re.split(r";\s*and\s+", text)
    return [p.strip().rstrip(".") for p in parts if p and p.strip()]


def _address_country(text: str, default: str) -> str:
    low = text.lower()
    if "hong kong" in low:
        return "HK"
    if "macau" in low or "macao" in low:
        return "MO"
    return default


def read(short_name: str, path: Path, countries: CountryIndex, rule_pages: list[RulePages]) -> Iterator[Triple]:
    """Triples for one nsfreg list file; ``short_name`` is a key of ``LISTS``.

    Each entry of the list becomes one ``eg:ListEntry``; entries that name the same party under
    several destinations share one party node, which collects their names and addresses.
    """
    dataset, _, label = LISTS[short_name]
    doc, entries = _load(path)
    yield from dataset_triples(
        dataset,
        label,
        "https://github.com/phagehunter/nsfreg",
        f"data/{path.name}, commit 02787e87e65d9452d34e1413859cbea1b0a94b00, "
        f"extracted {doc.get('extracted')}; U.S. Government work (public domain)",
    )
    page_dates = _page_dates(entries)
    list_node = ids.restriction_list(short_name)
    seen_parties: dict[str, int] = {}
    seen_entries: set[tuple[str, str, int]] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: entities[{i}]"
        name, code = _checked(entry, where, countries)
        out: list[Triple] = []
        src = row_source(dataset, f"entities[{i}]", out)
        node = ids.party(name)
        out += _party_triples(node, name, code, entry, src, seen_parties)
        key = (str(node), code)
        n = sum(1 for k in seen_entries if k[:2] == key) + 1
        seen_entries.add((*key, n))
        listing = f"{ids.listing(short_name, name)}/{code.lower()}" + (f"-{n}" if n > 1 else "")
        yield from out
        yield from _entry_triples(
            short_name, URIRef(listing), list_node, node, name, entry, src, rule_pages, page_dates
        )


def _load(path: Path) -> tuple[dict, list]:
    """The file's document and its entries, or an ``InputError`` if it is not an nsfreg list file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc["entities"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise InputError(f"not an nsfreg list file: {exc}", source=str(path)) from None
    if not isinstance(entries, list):
        raise InputError("not an nsfreg list file: 'entities' is not a list", source=str(path))
    if isinstance(doc.get("count"), int) and doc["count"] != len(entries):
        raise InputError(
            f"the file says it holds {doc['count']} entries but holds {len(entries)}: cut short or edited?",
            source=str(path),
        )
    return doc, entries


def _page_dates(entries: list) -> dict[tuple[int, int], dt.date]:
    """A citation written without its date takes the date that other entries give the same page.
    Where entries disagree on a page's date, the first one written wins, so a page has one date."""
    page_dates: dict[tuple[int, int], dt.date] = {}
    for e in entries:  # (each entry is checked in read(); here a malformed one just gives no dates)
        cited = e.get("federal_register") if isinstance(e, dict) else None
        for c in parse_citations(cited if isinstance(cited, str) else ""):
            if c.published:
                page_dates.setdefault((c.volume, c.page), c.published)
    return page_dates


def _checked(entry: object, where: str, countries: CountryIndex) -> tuple[str, str]:
    """An entry's name and country code, once it is known to be a well-formed nsfreg entry."""
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("name"), str)
        or not all(
            isinstance(entry.get(k) or "", str)
            for k in ("country", "address", "federal_register", "notes", "effective_date")
        )
        or not isinstance(entry.get("aliases") or [], list)
    ):
        raise InputError(
            "not an nsfreg entry (name, country, address, federal_register, notes are text, aliases a list)",
            source=where,
        )
    name = entry["name"].strip()
    if not name:
        raise InputError("entry without a name", source=where)
    if not entry.get("country"):
        raise InputError("entry without a country", source=where)
    code = countries.code(entry["country"], source=where, column="country")
    if entry.get("effective_date"):
        try:
            dt.date.fromisoformat(entry["effective_date"])
        except ValueError:
            raise InputError(f"effective_date {entry['effective_date']!r} is not a date", source=where) from None
    return name, code


def _party_triples(
    node: URIRef, name: str, code: str, entry: dict, src: URIRef, seen_parties: dict[str, int]
) -> list[Triple]:
    """The party of an entry: typed and named the first time it is seen, its aliases, country and
    addresses (numbered on from those of earlier entries of the same party)."""
    out: list[Triple] = []
    n_addr = seen_parties.get(str(node), 0)
    if not n_addr:
        out += [(node, RDF.type, EG.Party), (node, EG.name, Literal(name)), (node, RDFS.label, Literal(name))]
    out += [(node, EG.alias, Literal(a)) for a in entry.get("aliases") or [] if a and a != name]
    out += [(node, EG.country, ids.country(code)), (node, DCTERMS.source, src)]
    for text in _split_addresses(entry.get("address")):
        n_addr += 1
        addr = ids.address(name, n_addr)
        out += [
            (node, EG.hasAddress, addr),
            (addr, RDF.type, EG.Address),
            (addr, EG.addressText, Literal(text)),
            (addr, EG.addressCountry, ids.country(_address_country(text, code))),
            (addr, DCTERMS.source, src),
        ]
    seen_parties[str(node)] = max(n_addr, 1)
    return out


# how far apart a citation's date and its rule's day of publication may be when a page range decides
_DATE_SLACK = dt.timedelta(days=14)


def _rule_for(c: Citation, rule_pages: list[RulePages]) -> tuple[RulePages | None, str | None]:
    """The rule a citation's page belongs to, and a note when the match is not certain.

    First among the rules published on the citation's day: the one whose pages hold the page (of
    those that start at or before it, the one that starts last), else the one whose pages are not
    recorded. Failing that, a rule of the volume that starts on the page or holds it within its
    recorded pages (the citation's date is then misprinted); less certain (the note says so): the
    only rule of that day (the page is misprinted), or a rule of the volume starting before the page
    and published up to two weeks after the citation's date (a list dates a citation by the
    effective day). ``None``
    when nothing matches: the entry then keeps the publication date, flagged derived.

    >>> r = RulePages(URIRef("r"), 84, 22961, None, dt.date(2019, 5, 21), dt.date(2019, 5, 16), None)
    >>> _rule_for(Citation(84, 22963, dt.date(2019, 5, 21)), [r])[0].effective
    datetime.date(2019, 5, 16)
    >>> _rule_for(Citation(84, 43495, dt.date(2019, 8, 21)), [r])
    (None, None)
    """

    def starts_before(rules: list[RulePages]) -> RulePages | None:
        paged = [(r.first, r) for r in rules if r.first is not None and r.first <= c.page]
        return max(paged, key=lambda fr: fr[0])[1] if paged else None

    volume = [r for r in rule_pages if r.volume == c.volume]
    if c.published:
        same_day = [r for r in volume if r.published == c.published]
        best = starts_before(same_day)
        if best and (best.last is None or c.page <= best.last):
            return best, None
        unpaged = [r for r in same_day if r.first is None]
        if len(unpaged) == 1:
            return unpaged[0], None
        if len(same_day) == 1:
            return same_day[0], (
                f"{c.label} is outside the pages of the only rule published on {c.published} "
                "(a misprinted page?); that rule's effective date is used"
            )
    best = starts_before(volume)
    if best and (best.first == c.page or (best.last is not None and c.page <= best.last)):
        return best, None  # the page a rule starts on, or within its recorded pages
    if (
        best
        and best.last is None
        and c.published
        and best.published
        and dt.timedelta(0) <= best.published - c.published <= _DATE_SLACK
    ):
        return best, (
            f"{c.label} is dated {c.published}, before the rule it is taken to belong to was "
            f"published ({best.published}): the list dates it by the effective day"
        )
    return None, None


def _entry_triples(
    short_name: str,
    entry: URIRef,
    list_node: URIRef,
    party: URIRef,
    name: str,
    row: dict,
    src: URIRef,
    rule_pages: list[RulePages],
    page_dates: dict[tuple[int, int], dt.date],
) -> Iterator[Triple]:
    out: list[Triple] = [
        (entry, RDF.type, EG.ListEntry),
        (entry, EG.party, party),
        (entry, EG.onList, list_node),
        (entry, RDFS.label, Literal(f"{name} ({short_name})")),
        (entry, DCTERMS.source, src),
    ]
    citations = [
        Citation(c.volume, c.page, page_dates.get((c.volume, c.page)))
        for c in parse_citations(row.get("federal_register") or "")
    ]
    matches = [_cited(entry, c, rule_pages, out) for c in citations]
    first = citations[0] if citations else None
    rule, doubt = matches[0] if matches else (None, None)
    if rule and rule.review_policy:
        out.append((entry, EG.reviewPolicy, Literal(rule.review_policy)))
    out += _date_added(entry, row, rule, doubt, first)
    notes = row.get("notes")
    if notes and short_name == "entity-list":
        out.append((entry, EG.licenseRequirement, Literal(license_text(notes))))
        out.append((entry, EG.licenseScope, license_scope(notes)))
        out += [(entry, EG.fdpFootnote, Literal(n)) for n in parse_footnotes(notes)]
    elif notes:
        out.append((entry, EG.note, Literal(notes)))
    yield from out


def _cited(
    entry: URIRef, c: Citation, rule_pages: list[RulePages], out: list[Triple]
) -> tuple[RulePages | None, str | None]:
    """An entry's Federal Register citation, added to ``out`` with the rule it is part of; returns
    that rule and any doubt about it."""
    cite = ids.fr_citation(c.volume, c.page)
    out += citation_triples(entry, c)
    if c.published:
        out.append((cite, EG.published, to_literal(c.published)))
    rule, doubt = _rule_for(c, rule_pages)
    if rule:
        out.append((cite, EG.partOfRule, rule.rule))
    return rule, doubt


def _date_added(
    entry: URIRef, row: dict, rule: RulePages | None, doubt: str | None, first: Citation | None
) -> list[Triple]:
    """The day an entry was added: its effective date, else its rule's (derived, with any doubt),
    else its first citation's day of publication (derived)."""
    if row.get("effective_date"):
        return [(entry, EG.dateAdded, to_literal(dt.date.fromisoformat(row["effective_date"])))]
    if rule:
        out: list[Triple] = [(entry, EG.dateAdded, to_literal(rule.effective))]
        if doubt:
            out += [(entry, EG.confidence, EG.Derived), (entry, EG.note, Literal(doubt + "."))]
        return out
    if first and first.published:
        return [
            (entry, EG.dateAdded, to_literal(first.published)),
            (entry, EG.confidence, EG.Derived),
            (
                entry,
                EG.note,
                Literal(
                    f"Effective date not recorded; the publication date of {first.label} is used as the date added."
                ),
            ),
        ]
    return []
