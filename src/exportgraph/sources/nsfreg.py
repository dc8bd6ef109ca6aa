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

_CITATION = re.compile(
    r"(?P<vol>\d+)\s*FR\s*(?P<page>\d+)"
    r"(?:[,.\s]*(?:(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2,4})|\((?P<long>[A-Z][a-z]+\.? \d{1,2}, \d{4})\)))?"
)
_FOOTNOTE = re.compile(r"(?:734\.9\((?:e|g)\)\)?,?\s?(\d)\b|\s(\d)\s*$|\)(\d)\s*$)")


@dataclass(frozen=True)
class Citation:
    volume: int
    page: int
    published: dt.date | None

    @property
    def label(self) -> str:
        return f"{self.volume} FR {self.page}"


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


def parse_citations(text: str) -> list[Citation]:
    """Every Federal Register citation in an entry's citation column, in order.

    >>> [c.label for c in parse_citations("84 FR 29373, 6/24/19. 87 FR 62202, 10/13/22")]
    ['84 FR 29373', '87 FR 62202']
    >>> parse_citations("91 FR 35189 (June 10, 2026)")[0].published
    datetime.date(2026, 6, 10)
    """
    out = []
    for m in _CITATION.finditer(text or ""):
        published = None
        if m["y"]:
            year = int(m["y"])
            year += 2000 if year < 50 else (1900 if year < 100 else 0)
            try:
                published = dt.date(year, int(m["m"]), int(m["d"]))
            except ValueError:
                published = None
        elif m["long"]:
            try:
                published = dt.datetime.strptime(m["long"].replace(".", ""), "%B %d, %Y").date()
            except ValueError:  # not a month's name, or no such day: the citation without its date
                published = None
        out.append(Citation(int(m["vol"]), int(m["page"]), published))
    return out


def parse_footnotes(text: str) -> list[int]:
    """The FDP footnote numbers in an Entity List licence-requirement cell.

    >>> parse_footnotes("For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR) 4")
    [4]
    >>> parse_footnotes("For all items subject to the EAR, see §§ 734.9(e) 1 and 744.11 of the EAR 2")
    [1, 2]
    """
    found = []
    for m in _FOOTNOTE.finditer(text or ""):
        n = int(next(g for g in m.groups() if g))
        if n not in found:
            found.append(n)
    return found


def license_text(text: str) -> str:
    """The licence requirement without the footnote markers."""
    t = re.sub(r"(734\.9\((?:e|g)\))(,?)\s?\d\b", r"\1\2", text or "")
    t = re.sub(r"(\s|\))\d\s*$", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


def license_scope(text: str) -> URIRef:
    """Which items an Entity List entry's licence requirement reaches, from its wording.

    >>> license_scope("For all items subject to the EAR. (See § 744.11 of the EAR)") == EG.AllItemsScope
    True
    >>> license_scope("For items on the CCL and EAR99 items listed in supplement no. 7 to part 746") == EG.CclItemsScope
    True
    >>> conditional = "For all items subject to the EAR when used in projects specified in § 746.8(a)(4)"
    >>> license_scope(conditional) == EG.ConditionalScope
    True
    >>> license_scope("For all items subject to the EAR. This license requirement may be overcome by "
    ...               "License Exception GOV") == EG.AllItemsScope
    True
    """
    t = re.sub(r"\s+", " ", (text or "").lower()).replace("ear 99", "ear99")
    if re.search(r"items on the ccl and ear99 items listed", t):
        return EG.CclItemsScope
    if re.search(r"when used in|\bexcept\b|listed in supplement|items on the ccl", t):
        return EG.ConditionalScope
    if re.search(r"all items subject to the ear", t) or not t:
        return EG.AllItemsScope
    return EG.ConditionalScope


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
    yield from dataset_triples(
        dataset,
        label,
        "https://github.com/phagehunter/nsfreg",
        f"data/{path.name}, commit 02787e87e65d9452d34e1413859cbea1b0a94b00, "
        f"extracted {doc.get('extracted')}; U.S. Government work (public domain)",
    )
    # A citation written without its date takes the date that other entries give the same page.
    # Where entries disagree on a page's date, the first one written wins, so a page has one date.
    page_dates: dict[tuple[int, int], dt.date] = {}
    for e in entries:  # (each entry is checked below; here a malformed one just gives no dates)
        cited = e.get("federal_register") if isinstance(e, dict) else None
        for c in parse_citations(cited if isinstance(cited, str) else ""):
            if c.published:
                page_dates.setdefault((c.volume, c.page), c.published)
    list_node = ids.restriction_list(short_name)
    seen_parties: dict[str, int] = {}
    seen_entries: set[tuple[str, str, int]] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: entities[{i}]"
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
        out: list[Triple] = []
        src = row_source(dataset, f"entities[{i}]", out)
        node = ids.party(name)
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
        key = (str(node), code)
        n = sum(1 for k in seen_entries if k[:2] == key) + 1
        seen_entries.add((*key, n))
        listing = f"{ids.listing(short_name, name)}/{code.lower()}" + (f"-{n}" if n > 1 else "")
        yield from out
        yield from _entry_triples(
            short_name, URIRef(listing), list_node, node, name, entry, src, rule_pages, page_dates
        )


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
        paged = [r for r in rules if r.first is not None and r.first <= c.page]
        return max(paged, key=lambda r: r.first) if paged else None  # type: ignore[arg-type, return-value]

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
    matches = []
    for c in citations:
        cite = ids.fr_citation(c.volume, c.page)
        out += [
            (entry, EG.citation, cite),
            (cite, RDF.type, EG.FederalRegisterCitation),
            (cite, RDFS.label, Literal(c.label)),
            (cite, EG.frVolume, Literal(c.volume)),
            (cite, EG.frPage, Literal(c.page)),
        ]
        if c.published:
            out.append((cite, EG.published, to_literal(c.published)))
        rule, doubt = _rule_for(c, rule_pages)
        matches.append((rule, doubt))
        if rule:
            out.append((cite, EG.partOfRule, rule.rule))
    first = citations[0] if citations else None
    rule, doubt = matches[0] if matches else (None, None)
    if rule and rule.review_policy:
        out.append((entry, EG.reviewPolicy, Literal(rule.review_policy)))
    if row.get("effective_date"):
        out.append((entry, EG.dateAdded, to_literal(dt.date.fromisoformat(row["effective_date"]))))
    elif rule:
        out.append((entry, EG.dateAdded, to_literal(rule.effective)))
        if doubt:
            out += [(entry, EG.confidence, EG.Derived), (entry, EG.note, Literal(doubt + "."))]
    elif first and first.published:
        out += [
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
    notes = row.get("notes")
    if notes and short_name == "entity-list":
        out.append((entry, EG.licenseRequirement, Literal(license_text(notes))))
        out.append((entry, EG.licenseScope, license_scope(notes)))
        out += [(entry, EG.fdpFootnote, Literal(n)) for n in parse_footnotes(notes)]
    elif notes:
        out.append((entry, EG.note, Literal(notes)))
    yield from out
