"""``exportgraph dedupe``: pairs of party records that may be one organisation, for a person to judge.

Candidates come from a blocking index over the records of listed parties (names, aliases and
native-script names after the screening normaliser, identifiers, address keys), probed with every
record's keys: a pair shares a normalised name, an LEI or unified social credit code, an address
(and then names at least half alike), or a rare name word and names at least ``threshold`` alike.
Each is scored (0-100) and explained. Pairs already judged (``eg:SameOrganisation`` or
``eg:DifferentOrganisations``), pairs within one cluster, and owner and owned are never proposed.

The review file is a CSV (``REVIEW_COLUMNS``): a person fills ``decision`` (accept, reject or skip),
``source`` and ``note``, and loads it back (``--data FILE`` or ``import csv FILE --store DIR``):
each accepted row becomes an ``eg:SameOrganisation`` judgement, each rejected one an
``eg:DifferentOrganisations`` judgement, cited (``sources.usercsv``). Nothing is ever merged
without a judgement.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from .screen import Normaliser, variants
from .store.embedded import IRI

REVIEW_COLUMNS = [
    "pair_id",
    "score",
    "left",
    "left_name",
    "left_lists",
    "right",
    "right_name",
    "right_lists",
    "evidence",
    "decision",
    "source",
    "note",
]
DEFAULT_THRESHOLD = 90
ADDRESS_NAME_SCORE = 50  # a shared address proposes a pair whose names are at least this alike
ABBR_MARK = "\x00"  # a key that came from an abbreviation in parentheses
ABBREVIATION_SCORE = 90  # the score of a pair whose only shared name is such an abbreviation
COMMON_WORD = 25  # a name word in more listed records than this blocks nothing (too common)

RECORDS = """
SELECT ?party ?what ?value WHERE {
  ?party a/rdfs:subClassOf* eg:Party .
  #LISTED
  { ?party eg:name ?value BIND("name" AS ?what) }
  UNION { ?party eg:alias|eg:nativeName ?value BIND("alias" AS ?what) }
  UNION { ?party eg:lei ?value BIND("lei" AS ?what) }
  UNION { ?party eg:uscc ?value BIND("uscc" AS ?what) }
  UNION { ?party eg:hasAddress/eg:addressKey ?value BIND("address" AS ?what) }
  UNION { ?party eg:country/eg:alpha2 ?value BIND("country" AS ?what) }
  UNION { ?e eg:party ?party ; eg:onList/eg:shortName ?value BIND("list" AS ?what) }
}"""
# pairs never proposed: judged either way, one cluster, owner and owned
EXCLUDED = """
SELECT ?a ?b WHERE {
  { ?j a ?judged ; eg:record ?x , ?y . FILTER(?x != ?y && ?judged IN (eg:SameOrganisation, eg:DifferentOrganisations))
    BIND(COALESCE(?cx, ?x) AS ?a) BIND(COALESCE(?cy, ?y) AS ?b)
    OPTIONAL { ?x eg:mergedInto ?cx } OPTIONAL { ?y eg:mergedInto ?cy } }
  UNION { ?s a eg:OwnershipStake ; eg:owner ?a ; eg:owned ?b }
  UNION { ?a eg:subsidiaryOf ?b }
}"""


@dataclass
class Record:
    iri: str
    name: str = ""
    names: list[str] | None = None
    ids: set[str] | None = None
    addresses: set[str] | None = None
    countries: set[str] | None = None
    lists: set[str] | None = None


@dataclass(frozen=True)
class Candidate:
    left: Record
    right: Record
    score: int
    evidence: tuple[str, ...]

    @property
    def pair_id(self) -> str:
        return f"{self.left.iri.rsplit('/', 1)[-1]}--{self.right.iri.rsplit('/', 1)[-1]}"


def records(store, which: str | Iterable[str] = "all") -> dict[str, Record]:
    """The records' names, identifiers, addresses, countries and lists: ``all``, ``listed`` (with
    an entry on some list), or the records of these IRIs."""
    if which == "listed":
        rows = store.select(RECORDS.replace("#LISTED", "FILTER EXISTS { ?entry eg:party ?party }"))
    elif which == "all":
        rows = store.select(RECORDS)
    else:
        wanted = [{"party": IRI(p)} for p in dict.fromkeys(which)]
        rows = store.select(RECORDS, wanted) if wanted else []
    out: dict[str, Record] = {}
    for r in rows:
        rec = out.setdefault(
            str(r["party"]), Record(str(r["party"]), names=[], ids=set(), addresses=set(), countries=set(), lists=set())
        )
        what, value = str(r["what"]), str(r["value"])
        if what == "name":
            rec.name = rec.name or value
            rec.names.insert(0, value)  # type: ignore[union-attr]
        elif what == "alias":
            rec.names.append(value)  # type: ignore[union-attr]
        elif what in ("lei", "uscc"):
            rec.ids.add(f"{what} {value.strip().upper()}")  # type: ignore[union-attr]
        elif what == "address":
            rec.addresses.add(value)  # type: ignore[union-attr]
        elif what == "country":
            rec.countries.add(value)  # type: ignore[union-attr]
        else:
            rec.lists.add(value)  # type: ignore[union-attr]
    for rec in out.values():
        rec.name = rec.name or (rec.names[0] if rec.names else rec.iri)
        rec.names = list(dict.fromkeys(rec.names or []))
    return out


def _keys(rec: Record, normalise: Normaliser) -> dict[str, str]:
    """The record's normalised names (sorted words), each with the name it came from; the
    abbreviation of "Long Name (ABBR)" is kept apart (``ABBR_MARK``): an abbreviation is weaker
    evidence (a research institute of CETC gives "CETC")."""
    keys: dict[str, str] = {}
    for name in rec.names or []:
        for i, v in enumerate(variants(name)):
            key = normalise(v).sorted
            if len(key.replace(" ", "")) >= 3:
                keys.setdefault(key, name)
                if i == 2:
                    keys.setdefault(ABBR_MARK + key, name)
    return keys


def candidates(
    store, *, threshold: int = DEFAULT_THRESHOLD, only: Iterable[str] | None = None, everyone: bool = False
) -> list[Candidate]:
    """Pairs of records that may be one organisation, best first. By default each pair has a
    listed record on one side (``everyone``: any two records); ``only``: pairs with one of these
    records on one side (an import's new records)."""
    index = records(store, "all" if everyone else "listed")
    probing = index if everyone and only is None else records(store, "all" if only is None else only)
    recs = {**probing, **index}
    excluded = {frozenset((str(r["a"]), str(r["b"]))) for r in store.select(EXCLUDED)}
    normalise = Normaliser()
    places = normalise.place_words()
    keys = {iri: _keys(rec, normalise) for iri, rec in recs.items()}
    indexed = list(index)
    by_key: dict[str, set[str]] = defaultdict(set)
    by_word: dict[str, set[str]] = defaultdict(set)
    by_id: dict[str, set[str]] = defaultdict(set)
    by_address: dict[str, set[str]] = defaultdict(set)
    for iri in indexed:
        for key in keys[iri]:
            by_key[key].add(iri)
            for word in key.split() if not key.startswith(ABBR_MARK) else ():
                if len(word) >= 3:
                    by_word[word].add(iri)
        for i in recs[iri].ids or ():
            by_id[i].add(iri)
        for a in recs[iri].addresses or ():
            by_address[a].add(iri)
    probes = list(probing)
    found: dict[frozenset, Candidate] = {}
    for iri in probes:
        rec, mine = recs[iri], keys[iri]
        evidence: dict[str, list[str]] = defaultdict(list)
        for key, name in mine.items():
            for other in by_key.get(key, ()):
                weak = key.startswith(ABBR_MARK) or ABBR_MARK + key in mine or ABBR_MARK + key in keys[other]
                what = "same abbreviation" if weak else "same name"
                evidence[other].append(f"{what}: {name!r} ~ {keys[other][key]!r}")
        for i in rec.ids or ():
            for other in by_id.get(i, ()):
                evidence[other].append(f"same {i}")
        for a in rec.addresses or ():
            for other in by_address.get(a, ()):
                evidence[other].append("same address")
        words = {w for key in mine if not key.startswith(ABBR_MARK) for w in key.split() if len(w) >= 3}
        near = (
            set().union(*(by_word[w] for w in words if 0 < len(by_word.get(w, ())) <= COMMON_WORD)) if words else set()
        )
        for other in set(evidence) | near:
            pair = frozenset((iri, other))
            if other == iri or pair in excluded or pair in found:
                continue
            score, best = _similarity(mine, keys[other], places)
            reasons = list(dict.fromkeys(evidence.get(other, [])))
            strong = any(r.startswith(("same name", "same lei", "same uscc")) for r in reasons)
            if not strong and any(r.startswith("same abbreviation") for r in reasons):
                score = max(score, ABBREVIATION_SCORE)
            elif strong:
                score = 100 if any(r.startswith("same name") for r in reasons) else max(score, 95)
            elif "same address" in reasons:
                if score < ADDRESS_NAME_SCORE:
                    continue
            elif score < threshold:
                continue
            if best and not any(r.startswith(("same name", "same abbreviation")) for r in reasons):
                reasons.append(f"names {score}% alike: {best[0]!r} ~ {best[1]!r}")
            shared = (rec.countries or set()) & (recs[other].countries or set())
            if rec.countries and recs[other].countries and not shared:
                reasons.append(
                    "different countries: "
                    + ", ".join(sorted(rec.countries))
                    + " / "
                    + ", ".join(sorted(recs[other].countries or ()))
                )
            left, right = sorted((rec, recs[other]), key=lambda r: r.iri)
            found[pair] = Candidate(left, right, int(score), tuple(reasons))
    return sorted(found.values(), key=lambda c: (-c.score, c.left.iri, c.right.iri))


def _marks(key: str, places: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers ("14th": "14") and the places a normalised name holds."""
    words = key.split()
    numbers = frozenset(re.sub(r"\D", "", w) for w in words if any(c.isdigit() for c in w))
    return numbers, frozenset(w for w in words if w in places)


def _similarity(
    a: dict[str, str], b: dict[str, str], places: frozenset[str] = frozenset()
) -> tuple[int, tuple[str, str] | None]:
    """The best token-sort similarity between any of two records' normalised names. Two names that
    both hold numbers, or both name places, and hold different ones are not compared: the 14th
    and the 771 Research Institute, SMIC (Tianjin) and SMIC (Shenzhen) are sister organisations."""
    best, pair = 0.0, None
    for ka, na in a.items():
        for kb, nb in b.items():
            if ka.startswith(ABBR_MARK) or kb.startswith(ABBR_MARK):
                continue
            (num_a, at_a), (num_b, at_b) = _marks(ka, places), _marks(kb, places)
            if (num_a and num_b and num_a != num_b) or (at_a and at_b and at_a != at_b):
                continue
            s = fuzz.token_sort_ratio(ka, kb)
            if s > best:
                best, pair = s, (na, nb)
    return round(best), pair


def review_csv(found: list[Candidate]) -> str:
    """The review file: one row per candidate, ``decision``, ``source`` and ``note`` left empty."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(REVIEW_COLUMNS)
    for c in found:
        w.writerow(
            [
                c.pair_id,
                c.score,
                c.left.iri,
                c.left.name,
                " ".join(sorted(c.left.lists or ())),
                c.right.iri,
                c.right.name,
                " ".join(sorted(c.right.lists or ())),
                "; ".join(c.evidence),
                "",
                "",
                "",
            ]
        )
    return out.getvalue()
