"""Routes chips can take to a restricted party or destination, through intermediaries, ranked by risk.

The facts come from two named queries: ``routes/steps.rq`` (supply relations and the parties of
each order in route order) and ``routes/risk.rq`` (what ends a route and what adds risk, with the
weights). This module joins the steps into a graph and walks it: a route starts at a party no
step leads to, or at any party for ``to``, passes through at least one intermediary, and ends at
the first target it reaches. The score of a route is the sum of the weights of its target and of
the risk factors of its intermediaries and of the countries it passes through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .model import Factor, Route, Step
from .parties import Parties
from .queries import Runner

MAX_HOPS = 6
MAX_ROUTES = 10_000  # routes enumerated before ranking


def steps_from_rows(rows) -> list[Step]:
    """Consecutive parties of each supply relation or order (rows of ``routes/steps.rq``)."""
    by_route: dict[str, list] = {}
    for r in rows:
        by_route.setdefault(str(r["route"]), []).append(r)
    out = []
    for ref, rs in by_route.items():
        seen_positions: set[int] = set()
        chain: list[tuple[str, str | None]] = []  # (party, country)
        transit: list[str] = []
        pending: list[tuple[str, str | None, tuple[str, ...]]] = []
        for r in sorted(rs, key=lambda r: int(r["position"])):
            if int(r["position"]) in seen_positions:
                continue
            seen_positions.add(int(r["position"]))
            country = r["country"] and str(r["country"])
            if r["party"] is None:
                if country:
                    transit.append(country)
                continue
            party = str(r["party"])
            if chain and chain[-1][0] == party:
                continue
            pending.append((party, country, tuple(transit)))
            chain.append((party, country))
            transit = []
        first = rs[0]
        for (a, _, _), (b, country, via) in zip(pending, pending[1:], strict=False):
            out.append(
                Step(
                    a,
                    b,
                    str(first["kind"]),
                    ref,
                    str(first["label"]),
                    country,
                    via,
                    first["item"] and str(first["item"]),
                )
            )
    return out


def find(
    steps: list[Step],
    factors: dict[str, list[Factor]],
    names: dict[str, str],
    *,
    to: str | None = None,
    destination: str | None = None,
    via: str | None = None,
    max_hops: int = MAX_HOPS,
) -> list[Route]:
    """Routes through at least one intermediary to a target, best first.

    Targets: ``to`` (one party), else parties located in ``destination``, else every party or
    country with a target factor. Walks start where no step leads, and in cycles no such walk
    reached. ``via`` keeps routes whose intermediaries or transit are in that country. ``factors``
    maps a party IRI or a country code to its factors (``routes/risk.rq``).
    """
    out_edges: dict[str, list[Step]] = {}
    incoming: set[str] = set()
    for s in _merge(steps):
        out_edges.setdefault(s.source, []).append(s)
        incoming.add(s.target)
    routes = _Walk(out_edges, factors, to, destination, max_hops).run(incoming)
    for r in routes:
        r.names = [names.get(p, p) for p in r.parties]
        for subject in r.parties[1:-1] + sorted(_intermediate_countries(r)):
            r.risk_factors += factors.get(subject, [])
    if via is not None:
        routes = [r for r in routes if via in _intermediate_countries(r)]
    return sorted(routes, key=lambda r: (-r.score, len(r.steps), r.names))


@dataclass
class _Walk:
    """The walks over the steps from each start, and the routes they find to a target."""

    out_edges: dict[str, list[Step]]
    factors: dict[str, list[Factor]]
    to: str | None
    destination: str | None
    max_hops: int
    routes: list[Route] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def run(self, incoming: set[str]) -> list[Route]:
        # Starts: with --to every party; else the parties no step leads to, then any party of a
        # cycle that those walks did not reach (a loop A <-> B has no such start).
        out_edges, factors = self.out_edges, self.factors
        sources = sorted(out_edges) if self.to is not None else sorted(set(out_edges) - incoming)
        for start in sources:
            if self.to is None and any(f.target for f in factors.get(start, [])):
                continue  # a route starts outside the restricted parties
            self.walk(start, [start], [])
        for start in sorted(set(out_edges) - self.seen):  # cycles no source leads into
            if not any(f.target for f in factors.get(start, [])):
                self.walk(start, [start], [])
        return self.routes

    def target_factors(self, step: Step) -> list[Factor]:
        if self.to is not None:
            return (
                [Factor("the party asked about", 0, "the route reaches it", step.target, True)]
                if step.target == self.to
                else []
            )
        if self.destination is not None:
            return (
                [Factor("destination", 0, f"the route reaches {self.destination}", self.destination, True)]
                if step.country == self.destination
                else []
            )
        found = [f for f in self.factors.get(step.target, []) if f.target]
        if step.country:
            found += [f for f in self.factors.get(step.country, []) if f.target]
        return found

    def walk(self, node: str, path: list[str], taken: list[Step]) -> None:
        self.seen.add(node)
        if len(self.routes) >= MAX_ROUTES or len(taken) >= self.max_hops:
            return
        for s in self.out_edges.get(node, []):
            if s.target in path:
                continue
            hit = self.target_factors(s)
            if hit:
                if taken:  # at least one intermediary
                    self.routes.append(Route(path + [s.target], [], taken + [s], hit))
                continue
            self.walk(s.target, path + [s.target], taken + [s])


def _merge(steps: list[Step]) -> list[Step]:
    """Parallel steps (same parties, same countries) become one, naming every order and relation."""
    groups: dict[tuple, list[Step]] = {}
    for s in steps:
        groups.setdefault((s.source, s.target, s.country, s.transit), []).append(s)
    return [
        Step(
            a,
            b,
            "+".join(sorted({s.kind for s in g})),
            " ".join(sorted({s.ref for s in g})),
            ", ".join(sorted({s.label for s in g})),
            country,
            transit,
            ", ".join(sorted({s.item for s in g if s.item})) or None,
        )
        for (a, b, country, transit), g in groups.items()
    ]


def _intermediate_countries(r: Route) -> set[str]:
    """The countries a route passes before its last step: intermediaries' and transit legs'."""
    return {c for s in r.steps for c in s.transit} | {s.country for s in r.steps[:-1] if s.country}


def rank(
    queries: Runner,
    parties: Parties,
    step_rows: list[dict[str, Any]],
    as_of: dt.date,
    *,
    to: str | None,
    destination: str | None,
    via: str | None,
    max_hops: int,
) -> list[Route]:
    """The routes of ``routes/steps.rq``'s rows, with the risk factors of ``routes/risk.rq`` on the
    date, ranked (``find``); ``to`` is a party's IRI, ``destination`` and ``via`` country codes."""
    factors: dict[str, list[Factor]] = {}
    for r in queries("routes/risk", asOf=as_of).rows:
        key = str(r["code"] or r["subject"])
        factors.setdefault(key, []).append(
            Factor(str(r["factor"]), int(r["weight"]), str(r["detail"]), key, bool(r["target"]))
        )
    names = {str(r["party"]): str(r["name"]) for r in step_rows if r["party"] and r["name"]}
    if to and to not in names:
        names[to] = parties.entity(to, as_of).name
    return find(steps_from_rows(step_rows), factors, names, to=to, destination=destination, via=via, max_hops=max_hops)
