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
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from . import queries
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

RECORDS = "internal/dedupe-records"  # queries/internal/dedupe-records.rq; its #LISTED line may become a filter
EXCLUDED = "internal/dedupe-excluded"  # pairs never proposed: judged either way, one cluster, owner and owned


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
        rows = store.select(queries.text(RECORDS).replace("#LISTED", "FILTER EXISTS { ?entry eg:party ?party }"))
    elif which == "all":
        rows = store.select(queries.text(RECORDS))
    else:
        wanted = [{"party": IRI(p)} for p in dict.fromkeys(which)]
        rows = store.select(queries.text(RECORDS), wanted) if wanted else []
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
    excluded = {frozenset((str(r["a"]), str(r["b"]))) for r in store.select(queries.text(EXCLUDED))}
    normalise = Normaliser()
    places = normalise.place_words()
    keys = {iri: _keys(rec, normalise) for iri, rec in recs.items()}
    blocks = _Blocks.of(list(index), keys, recs)
    found: dict[frozenset, Candidate] = {}
    for iri in list(probing):
        rec, mine = recs[iri], keys[iri]
        evidence, near = blocks.evidence(rec, mine, keys)
        for other in set(evidence) | near:
            pair = frozenset((iri, other))
            if other == iri or pair in excluded or pair in found:
                continue
            candidate = _judge(rec, recs[other], mine, keys[other], evidence.get(other, []), places, threshold)
            if candidate is not None:
                found[pair] = candidate
    return sorted(found.values(), key=lambda c: (-c.score, c.left.iri, c.right.iri))


@dataclass
class _Blocks:
    """The blocking index over the indexed records: the records holding each normalised name, each
    rare name word, each identifier and each address key."""

    by_key: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_word: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_id: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_address: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, indexed: list[str], keys: dict[str, dict[str, str]], recs: dict[str, Record]) -> _Blocks:
        blocks = cls()
        for iri in indexed:
            for key in keys[iri]:
                blocks.by_key[key].add(iri)
                for word in key.split() if not key.startswith(ABBR_MARK) else ():
                    if len(word) >= 3:
                        blocks.by_word[word].add(iri)
            for i in recs[iri].ids or ():
                blocks.by_id[i].add(iri)
            for a in recs[iri].addresses or ():
                blocks.by_address[a].add(iri)
        return blocks

    def evidence(
        self, rec: Record, mine: dict[str, str], keys: dict[str, dict[str, str]]
    ) -> tuple[defaultdict[str, list[str]], set[str]]:
        """What the record shares with indexed ones (their IRI -> the evidence), and the indexed
        records sharing a rare name word with it."""
        evidence: defaultdict[str, list[str]] = defaultdict(list)
        for key, name in mine.items():
            for other in self.by_key.get(key, ()):
                weak = key.startswith(ABBR_MARK) or ABBR_MARK + key in mine or ABBR_MARK + key in keys[other]
                what = "same abbreviation" if weak else "same name"
                evidence[other].append(f"{what}: {name!r} ~ {keys[other][key]!r}")
        for i in rec.ids or ():
            for other in self.by_id.get(i, ()):
                evidence[other].append(f"same {i}")
        for a in rec.addresses or ():
            for other in self.by_address.get(a, ()):
                evidence[other].append("same address")
        words = {w for key in mine if not key.startswith(ABBR_MARK) for w in key.split() if len(w) >= 3}
        near = (
            set().union(*(self.by_word[w] for w in words if 0 < len(self.by_word.get(w, ())) <= COMMON_WORD))
            if words
            else set()
        )
        return evidence, near


def _judge(
    rec: Record,
    other: Record,
    mine: dict[str, str],
    theirs: dict[str, str],
    evidence: list[str],
    places: frozenset[str],
    threshold: int,
) -> Candidate | None:
    """The pair scored and explained, or None when it is not proposed."""
    score, best = _similarity(mine, theirs, places)
    reasons = list(dict.fromkeys(evidence))
    strong = any(r.startswith(("same name", "same lei", "same uscc")) for r in reasons)
    if not strong and any(r.startswith("same abbreviation") for r in reasons):
        score = max(score, ABBREVIATION_SCORE)
    elif strong:
        score = 100 if any(r.startswith("same name") for r in reasons) else max(score, 95)
    elif "same address" in reasons:
        if score < ADDRESS_NAME_SCORE:
            return None
    elif score < threshold:
        return None
    if best and not any(r.startswith(("same name", "same abbreviation")) for r in reasons):
        reasons.append(f"names {score}% alike: {best[0]!r} ~ {best[1]!r}")
    shared = (rec.countries or set()) & (other.countries or set())
    if rec.countries and other.countries and not shared:
        reasons.append(
            "different countries: "
            + ", ".join(sorted(rec.countries))
            + " / "
            + ", ".join(sorted(other.countries or ()))
        )
    left, right = sorted((rec, other), key=lambda r: r.iri)
    return Candidate(left, right, int(score), tuple(reasons))


@lru_cache(maxsize=1 << 16)
def _marks(key: str, places: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers ("14th": "14") and the places a normalised name holds (kept: each name is
    compared with many others)."""
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
        if ka.startswith(ABBR_MARK):
            continue
        num_a, at_a = _marks(ka, places)
        for kb, nb in b.items():
            if kb.startswith(ABBR_MARK):
                continue
            num_b, at_b = _marks(kb, places)
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
