"""Every result the facade returns, typed and frozen (``Route`` aside: routes are ranked in place):
entities with their listings, stakes and citations; items; verdicts with their reasons; screening
matches; exposure; routes. Nothing here reads the store: the modules that compute a result build it.
The JSON of each is in ``present``."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .errors import InputError
from .present import reason_dict


@dataclass(frozen=True)
class LicenseException:
    """A licence exception an officer must consider for a reason: ``available`` (the paragraph
    allows it, on its conditions), ``excluded`` (the paragraph rules it out) or ``ended``."""

    exception: str
    status: str
    cfr: str
    note: str | None = None


@dataclass(frozen=True)
class Footnote:
    """An Entity List footnote, spelled out (15 CFR 734.9(e), Supp. No. 4 to part 744)."""

    footnote: int
    meaning: str
    cfr: str


@dataclass(frozen=True)
class InForce:
    """The period in force of the rule a reason rests on, as recorded in the graph."""

    rule: str
    citation: str | None
    start: dt.date | None
    end: dt.date | None  # the last day, where the rule ended or was rescinded
    suspended: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True)
class Reason:
    rule: str
    effect: str  # license_required or needs_review
    message: str
    citation: str
    review_policy: str | None
    path: tuple[str, ...]
    value: str | None = None  # the party, item or country that triggers the rule
    basis: tuple[str, ...] = ()  # the graph's rule nodes the reason rests on
    cfr: str | None = None  # the CFR paragraph(s)
    review_policy_cfr: str | None = None  # where the review policy is stated
    license_exceptions: tuple[LicenseException, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    in_force: tuple[InForce, ...] = ()
    notes: tuple[str, ...] = ()  # further points to consider (red flags, general licences, guidance)


@dataclass(frozen=True)
class Verdict:
    order_id: str
    date: dt.date
    verdict: str
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        out["rules"] = list(self.rules)
        out["reasons"] = [reason_dict(r) for r in self.reasons]
        return out


@dataclass(frozen=True)
class Citation:
    label: str
    iri: str
    published: dt.date | None = None
    rule: str | None = None
    rule_title: str | None = None
    effective: dt.date | None = None


@dataclass(frozen=True)
class Listing:
    list: str
    list_name: str | None
    entry: str
    date_added: dt.date | None
    date_removed: dt.date | None
    in_force: bool
    license_requirement: str | None
    review_policy: str | None
    footnotes: tuple[int, ...]
    citations: tuple[Citation, ...]
    confidence: str | None = None
    record: str | None = None  # the merged record the entry named (the same organisation; see Entity.members)
    record_name: str | None = None


@dataclass(frozen=True)
class Stake:
    """A direct stake, seen from the party at the other end (``party`` is the owner or the owned)."""

    party: str
    name: str | None
    percent: Decimal | None
    percent_min: Decimal | None
    percent_max: Decimal | None
    kind: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    listed: bool
    source: str | None
    source_label: str | None = None

    @property
    def known(self) -> bool:
        return self.percent is not None or self.percent_min is not None or self.percent_max is not None


@dataclass(frozen=True)
class Member:
    """A record merged into a party: the same organisation as another list or source records it,
    joined by judgements (``eg:SameOrganisation``) whose sources say so."""

    iri: str
    name: str | None
    judgements: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (source IRI, label)
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Entity:
    iri: str
    name: str
    kinds: tuple[str, ...]
    aliases: tuple[str, ...]
    native_names: tuple[str, ...]
    countries: tuple[str, ...]
    incorporated_in: tuple[str, ...]
    headquartered_in: tuple[str, ...]
    identifiers: dict[str, str]
    addresses: tuple[str, ...]
    ultimate_parent: str | None
    listings: tuple[Listing, ...]
    owners: tuple[Stake, ...]
    subsidiaries: tuple[Stake, ...]
    as_of: dt.date
    ultimate_parent_iri: str | None = None
    members: tuple[Member, ...] = ()  # the records merged into this party (queries/derive/00-clusters.ru)


@dataclass(frozen=True)
class Criterion:
    eccn: str
    label: str
    holds: bool
    unverified: bool
    bounds: dict[str, Decimal | bool]
    valid_from: dt.date | None = None  # the period the criterion is in force (None: open)
    valid_to: dt.date | None = None
    may_hold: bool = False  # a figure one of its bounds needs is not recorded


@dataclass(frozen=True)
class Item:
    """An item and how its ECCN follows from its figures (TPP = max dense TOPS x bit length)."""

    iri: str
    name: str
    tpp: Decimal | None
    performance_density: Decimal | None
    die_area: Decimal | None
    datacenter: bool | None
    throughput: tuple[tuple[str, Decimal, int], ...]  # (precision, dense TOPS, bit length)
    eccns: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    named_by_rules: tuple[str, ...]
    interconnect: Decimal | None = None  # aggregate bidirectional I/O rate in GB/s (the October 2022 test)


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dataframe(self) -> Any:  # a pandas DataFrame; pandas is optional, so not named here
        """The rows as a pandas DataFrame (pandas is optional: ``pip install 'exportgraph[dataframe]'``),
        one column per result column. A column of dates is a ``datetime64`` column (a missing date is
        ``NaT``), so it sorts, filters and compares as dates; other values are as in ``rows``."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise InputError("DataFrames need pandas: pip install 'exportgraph[dataframe]' (or pandas)") from exc
        frame = pd.DataFrame(self.rows, columns=list(self.columns))
        for column in self.columns:
            values = [r.get(column) for r in self.rows]
            present = [v for v in values if v is not None]
            if present and all(isinstance(v, dt.date) for v in present):
                frame[column] = _datetimes(pd, values)
        return frame


def _datetimes(pd: Any, values: list[Any]) -> Any:
    """Dates (``None`` for missing) as a ``datetime64`` Series; dates outside pandas' nanosecond range
    (year 1, 9999) in seconds."""
    try:
        return pd.to_datetime(pd.Series(values, dtype=object))
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        import numpy as np

        return pd.Series(
            np.array(
                [np.datetime64("NaT") if v is None else np.datetime64(v.isoformat(), "s") for v in values],
                dtype="datetime64[s]",
            )
        )


@dataclass(frozen=True)
class Input:
    """One name to screen, with the optional country (ISO alpha-2) and the caller's id."""

    name: str
    country: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class AffiliatesStatus:
    """Where a party stands under the Affiliates (50%) rule on a date."""

    status: str  # listed, covered, possibly covered or not covered
    covered: bool  # listed or covered
    rule_status: str  # the rule itself on the date: in force, suspended, not yet effective, ...
    reach: str = "not covered"  # listed, direct, indirect, aggregate, possibly or not covered
    explanation: str | None = None
    aggregate_percent: Decimal | None = None
    aggregate_percent_max: Decimal | None = None


@dataclass(frozen=True)
class Match:
    party: str
    name: str
    matched_name: str
    matched_kind: str
    score: int
    why: tuple[str, ...]
    countries: tuple[str, ...]
    lists: tuple[Listing, ...]
    affiliates_rule: AffiliatesStatus


@dataclass(frozen=True)
class Screening:
    input: Input
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Link:
    """One ownership link in a chain, seen from the party at the far end (``party``)."""

    party: str
    name: str | None
    depth: int  # 1 = a direct owner (or subsidiary) of the organisation
    via: str  # the party at the near end: the owned one for owners, the owner for subsidiaries
    via_name: str | None
    percent: Decimal | None
    percent_min: Decimal | None
    percent_max: Decimal | None
    kind: str | None
    stake: str | None
    listed: bool
    country: str | None = None  # owners: headquarters; subsidiaries: country
    listings: tuple[Listing, ...] = ()  # subsidiaries: their list entries in force
    affiliates_rule: AffiliatesStatus | None = None  # subsidiaries: their own standing under the 50% rule

    @property
    def known(self) -> bool:
        return self.percent is not None or self.percent_min is not None or self.percent_max is not None


@dataclass(frozen=True)
class Integrated:
    """Ownership held by one listed party, multiplied through every path down to the organisation."""

    owner: str
    name: str | None
    percent_min: Decimal  # unknown stakes counted as 0
    percent_max: Decimal  # unknown stakes counted as 100 (capped at 100)
    exact: bool  # every stake on every path is known exactly
    paths: int


@dataclass(frozen=True)
class Exposure:
    entity: Entity
    listings: tuple[Listing, ...]
    owners: tuple[Link, ...]
    ultimate_parent: dict[str, Any] | None  # {"party", "name", "headquarters"}
    subsidiaries: tuple[Link, ...]
    affiliates_rule: AffiliatesStatus
    covering_stakes: tuple[dict[str, Any], ...]
    integrated_ownership: tuple[Integrated, ...]


@dataclass(frozen=True)
class Step:
    """One hop: from ``source`` to ``target`` as part of a supply relation or an order."""

    source: str
    target: str
    kind: str  # supply or order
    ref: str  # the supply relation or order
    label: str
    country: str | None  # where the target receives it (its leg country, the destination, its country)
    transit: tuple[str, ...] = ()  # countries passed on the way (legs without a party)
    item: str | None = None


@dataclass(frozen=True)
class Factor:
    factor: str
    weight: int
    detail: str
    subject: str  # the party or country code it concerns
    target: bool = False  # a route ends here


@dataclass
class Route:
    parties: list[str]  # IRIs, start to end
    names: list[str]
    steps: list[Step]
    target_factors: list[Factor]
    risk_factors: list[Factor] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(f.weight for f in self.target_factors) + sum(f.weight for f in self.risk_factors)

    @property
    def countries(self) -> list[str]:
        out: list[str] = []
        for s in self.steps:
            for c in (*s.transit, s.country):
                if c and c not in out:
                    out.append(c)
        return out

    @property
    def path(self) -> str:
        parts = [self.names[0]]
        for s, name in zip(self.steps, self.names[1:], strict=True):
            via = "".join(f" via {c}" for c in s.transit)
            parts.append(f"-[{s.label}{via}]-> {name}" + (f" ({s.country})" if s.country else ""))
        return " ".join(parts)
