"""Federal Register citations and Entity List licence cells, as the lists write them: the citations
of an entry (``84 FR 29373, 6/24/19``), the FDP footnote numbers and the licence requirement's
wording and scope. Read by the nsfreg and CSL importers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef

from .. import ids
from ..namespaces import EG, RDF, RDFS

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


def citation_triples(entry: URIRef, c: Citation) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """An entry's Federal Register citation: the link and the citation's type, label, volume and page."""
    cite = ids.fr_citation(c.volume, c.page)
    return [
        (entry, EG.citation, cite),
        (cite, RDF.type, EG.FederalRegisterCitation),
        (cite, RDFS.label, Literal(c.label)),
        (cite, EG.frVolume, Literal(c.volume)),
        (cite, EG.frPage, Literal(c.page)),
    ]


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
