"""The exposure of one organisation: the chains above and below it, and two different figures.

The **Affiliates (50%) rule** is the legal test; it lives in ``queries/coverage/`` and is read here
through ``queries/affiliates-status.rq`` and ``affiliates-stakes.rq``. **Integrated ownership** is a
risk figure only: for each listed party above the organisation, the sum over ownership paths of
the stakes multiplied through (60% of 60% is 36%). The rule does not multiply (it adds the direct
stakes of listed or covered owners), so the two are reported side by side and never mixed.

This module only arranges the rows the named queries return (``owners-chain``,
``subsidiaries-chain``) into chains with depths; it holds no rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import Exposure, Integrated, Link
from .parties import Parties
from .queries import Runner
from .store.embedded import IRI

MAX_PATHS = 10_000  # ownership paths followed per organisation for the integrated figure


def _bounds(r) -> tuple[Decimal, Decimal, bool]:
    if r["percent"] is not None:
        return Decimal(r["percent"]), Decimal(r["percent"]), True
    low = r["percentMin"] if r["percentMin"] is not None else Decimal(0)
    high = r["percentMax"] if r["percentMax"] is not None else Decimal(100)
    return Decimal(low), Decimal(high), False


def _depths(start: str, edges: dict[str, list]) -> dict[str, int]:
    depth, frontier = {start: 0}, [start]
    while frontier:
        nxt = []
        for node in frontier:
            for _, far in edges.get(node, []):
                if far not in depth:
                    depth[far] = depth[node] + 1
                    nxt.append(far)
        frontier = nxt
    return depth


def build(ent, up, down, parent, standing, covering, listings) -> Exposure:
    """Arrange the query rows into an ``Exposure`` (see ``ExportGraph.exposure``)."""
    upward: dict[str, list] = {}
    for r in up:
        upward.setdefault(str(r["owned"]), []).append((r, str(r["owner"])))
    downward: dict[str, list] = {}
    for r in down:
        downward.setdefault(str(r["owner"]), []).append((r, str(r["owned"])))
    d_up, d_down = _depths(ent.iri, upward), _depths(ent.iri, downward)
    return Exposure(
        entity=ent,
        listings=ent.listings,
        owners=_owners(up, d_up),
        ultimate_parent=parent and {"party": parent[0], "name": parent[1], "headquarters": list(parent[2])},
        subsidiaries=_subsidiaries(down, d_down, standing, listings),
        affiliates_rule=standing[ent.iri],
        covering_stakes=tuple(
            {
                "stake": str(r["stake"]),
                "owner": str(r["owner"]),
                "name": r["ownerName"],
                "owner_status": r["ownerStatus"],
                "percent": r["percent"],
                "percent_min": r["percentMin"],
                "percent_max": r["percentMax"],
            }
            for r in covering
        ),
        integrated_ownership=_integrated(
            ent.iri,
            upward,
            {str(r["owner"]) for r in up if r["ownerListed"]},
            {str(r["owner"]): r["ownerName"] for r in up},
        ),
    )


def _link(r, far: str, near: str, depth: int, listed: bool, country, **extra) -> Link:
    """``far``/``near``: the column prefixes ("owner", "owned") of the two ends of the row."""
    return Link(
        str(r[far]),
        r[far + "Name"] and str(r[far + "Name"]),
        depth,
        str(r[near]),
        r[near + "Name"] and str(r[near + "Name"]),
        r["percent"],
        r["percentMin"],
        r["percentMax"],
        r["kind"] and str(r["kind"]),
        r["stake"] and str(r["stake"]),
        listed,
        country,
        **extra,
    )


def _owners(up, d_up: dict[str, int]) -> tuple[Link, ...]:
    """The chain above: each stake (rows of ``owners-chain``) reached from the organisation, by depth."""
    owners = sorted(
        (
            _link(
                r,
                "owner",
                "owned",
                d_up[str(r["owned"])] + 1,
                bool(r["ownerListed"]),
                r["ownerHeadquarters"] and str(r["ownerHeadquarters"]),
            )
            for r in up
            if str(r["owned"]) in d_up
        ),
        key=lambda x: (x.depth, x.via_name or "", -(x.percent or x.percent_min or 0), x.name or x.party),
    )
    return tuple(owners)


def _subsidiaries(down, d_down: dict[str, int], standing, listings) -> tuple[Link, ...]:
    """The chain below (rows of ``subsidiaries-chain``), each with its listings in force and its
    standing under the Affiliates rule."""
    subs = sorted(
        (
            _link(
                r,
                "owned",
                "owner",
                d_down[str(r["owner"])] + 1,
                bool(r["ownedListed"]),
                r["ownedCountry"] and str(r["ownedCountry"]),
                listings=tuple(li for li in listings.get(str(r["owned"]), ()) if li.in_force),
                affiliates_rule=standing.get(str(r["owned"])),
            )
            for r in down
            if str(r["owner"]) in d_down
        ),
        key=lambda x: (x.depth, x.via_name or "", x.name or x.party),
    )
    return tuple(subs)


def _integrated(start: str, upward: dict[str, list], listed: set[str], names: dict) -> tuple[Integrated, ...]:
    """Sum over simple upward paths of the product of the stakes, per listed party on the path."""
    acc: dict[str, list] = {}  # owner -> [low, high, exact, paths]
    budget = [MAX_PATHS]

    def walk(node: str, low: Decimal, high: Decimal, exact: bool, seen: frozenset[str]) -> None:
        for r, owner in upward.get(node, []):
            if owner in seen or budget[0] <= 0:
                continue
            budget[0] -= 1
            lo, hi, ex = _bounds(r)
            nlow, nhigh, nexact = low * lo / 100, high * hi / 100, exact and ex
            if owner in listed:
                a = acc.setdefault(owner, [Decimal(0), Decimal(0), True, 0])
                a[0] += nlow
                a[1] += nhigh
                a[2] = a[2] and nexact
                a[3] += 1
            walk(owner, nlow, nhigh, nexact, seen | {owner})

    walk(start, Decimal(100), Decimal(100), True, frozenset({start}))
    out = [
        Integrated(o, names.get(o) and str(names[o]), _round(a[0]), min(_round(a[1]), Decimal(100)), a[2], a[3])
        for o, a in acc.items()
    ]
    return tuple(sorted(out, key=lambda i: (-i.percent_min, -i.percent_max, i.name or i.owner)))


def _round(d: Decimal) -> Decimal:
    q = d.quantize(Decimal("0.01"))
    return q.to_integral_value() if q == q.to_integral_value() else q


def of(parties: Parties, queries: Runner, name_or_iri: str, as_of: dt.date) -> Exposure:
    """The exposure of the party with this name, alias or IRI on a date, from the named queries
    ``owners-chain``, ``subsidiaries-chain`` and ``affiliates-stakes``."""
    ent = parties.entity(name_or_iri, as_of)
    up = queries("owners-chain", party=IRI(ent.iri), asOf=as_of).rows
    down = queries("subsidiaries-chain", party=IRI(ent.iri), asOf=as_of).rows
    parent = None
    if ent.ultimate_parent_iri:
        hq = queries.internal("parent-headquarters", {"p": IRI(ent.ultimate_parent_iri)})
        parent = (ent.ultimate_parent_iri, ent.ultimate_parent, tuple(str(r["code"]) for r in hq))
    standing = parties.affiliates([ent.iri] + [str(r["owned"]) for r in down], as_of)
    covering = queries("affiliates-stakes", party=IRI(ent.iri), asOf=as_of).rows
    listings = parties.listings([str(r["owned"]) for r in down], as_of)
    return build(ent, up, down, parent, standing, covering, listings)
