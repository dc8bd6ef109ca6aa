"""Checking orders against the export restrictions of ``shapes/restrictions/``: shape results to verdicts.

The orders are read and resolved by :mod:`exportgraph.orders`; the shapes are compiled and run by
:mod:`exportgraph.restrictions` (three engines that must agree). This module turns their results into
verdicts; :mod:`exportgraph.grounds` completes each reason from the graph. The rules are in the shapes and in
``queries/coverage/``; nothing here decides what is restricted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .contract import LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED
from .coverage import Coverage
from .errors import InputError
from .grounds import details
from .limits import checkpoint
from .model import Reason, Verdict
from .orders import (
    COLUMNS,
    ORDERS_GRAPH,
    Listed,
    NameResolver,
    OrdersInput,
    Resolver,
    key,
    load,
    orders_to_ntriples,
    prefer_names,
    read_csv,
)
from .queries import text
from .restrictions import ENGINES, Result, Shape, rule_ids, run_shacl, run_store, shapes, shapes_graph
from .scenario import scenario_update
from .store import Store

__all__ = [
    "COLUMNS",
    "ENGINES",
    "LICENSE_REQUIRED",
    "NEEDS_REVIEW",
    "NO_LICENSE_REQUIRED",
    "ORDERS_GRAPH",
    "SEPARATOR",
    "Resolver",
    "Result",
    "Shape",
    "Verdict",
    "details",
    "orders_to_ntriples",
    "prefer_names",
    "read_csv",
    "rule_ids",
    "run_shacl",
    "run_store",
    "scenario_update",
    "shapes",
    "shapes_graph",
    "verdicts",
]

_key = key  # (moved to orders.key)

SEPARATOR = "␞"
# The derive steps over the loaded orders that the shapes read (queries/check/*.ru), in this order.
PREPARE = ("check/classify", "check/roles", "check/rules-in-force")

# -- results to verdicts ------------------------------------------------------------------------


def _reason(r: Result, rule_of: Mapping[str, str]) -> Reason:
    """A result as a reason: its message split into the five strings the shapes join with ``␞``."""
    message, citation, policy, path, basis = (r.message.split(SEPARATOR) + ["", "", "", "", ""])[:5]
    return Reason(
        rule_of.get(r.shape, r.shape),
        LICENSE_REQUIRED if r.severity == "Violation" else NEEDS_REVIEW,
        message.strip(),
        citation.strip(),
        policy.strip() or None,
        tuple(s.strip() for s in path.split(" -> ") if s.strip()),
        r.value,
        (basis.strip(),) if basis.strip() else (),
    )


def _joined(same: list[Reason]) -> Reason:
    """Reasons of one rule and message (one per citation of a fact) as one, citations joined."""
    same.sort(key=lambda x: (x.citation, x.path))
    cites = ", ".join(dict.fromkeys(c for x in same for c in [x.citation] if c))
    bases = tuple(sorted({b for x in same for b in x.basis}))
    first = same[0]
    return Reason(first.rule, first.effect, first.message, cites, first.review_policy, first.path, first.value, bases)


def verdicts(orders: Listed, results: Iterable[Result]) -> list[Verdict]:
    """Verdicts for ``orders`` (IRI, order id, date) in their order, from the shapes' results."""
    rule_of = {s.iri: s.rule for s in shapes()}
    grouped: dict[str, dict[tuple, list[Reason]]] = {}
    for r in results:
        reason = _reason(r, rule_of)
        grouped.setdefault(r.focus, {}).setdefault((reason.rule, reason.effect, reason.message), []).append(reason)
    # One reason per rule and message: a fact with several citations (an entry cited twice, an end
    # use with three CFR sections) yields one result per citation; they are joined here, sorted.
    by_focus = {focus: [_joined(same) for same in groups.values()] for focus, groups in grouped.items()}
    out = []
    for iri, order_id, day in orders:
        reasons = sorted(
            by_focus.get(iri, []), key=lambda x: (x.effect != LICENSE_REQUIRED, x.rule, x.message, x.citation)
        )
        effects = {x.effect for x in reasons}
        verdict = LICENSE_REQUIRED if LICENSE_REQUIRED in effects else NEEDS_REVIEW if effects else NO_LICENSE_REQUIRED
        out.append(Verdict(order_id, day, verdict, tuple(sorted({x.rule for x in reasons})), tuple(reasons)))
    return out


@contextmanager
def loaded(
    store: Store, orders: OrdersInput | None, default_day: dt.date, resolve_name: NameResolver
) -> Iterator[Listed]:
    """Orders loaded into their own graph for the duration (``None``: none); yields
    (order IRI, order id, day) per order. The graph is dropped afterwards, whatever happens, and a
    store on disk flushed: else its write-ahead log keeps every order written and dropped, and the
    next process to open the store replays it (172 s after 100,000 orders)."""
    store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")
    try:
        yield [] if orders is None else load(store, orders, default_day, resolve_name)
    finally:
        store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")
        store.flush()


def prepare(store: Store, coverage: Coverage, listed: Listed) -> None:
    """What the shapes read besides the orders: the derive steps of ``queries/check/`` (each
    order's item classified with the criteria of its date, its parties in their roles, the rules
    in force on its date), and the 50% rule and ultimate parents of the periods the orders' dates
    fall in."""
    for name in PREPARE:
        store.update(text(name))
    coverage.ensure({day for _, _, day in listed})


def context(store: Store) -> bytes:
    """N-Triples of what the restriction shapes read for the orders loaded for checking
    (``queries/check/context.rq``): what a SHACL engine outside the store is given."""
    return store.construct(text("check/context"))


def check(
    store: Store,
    coverage: Coverage,
    catalogue: Mapping[str, Any],
    orders: OrdersInput,
    as_of: dt.date,
    engine: str,
    resolve_name: NameResolver,
) -> list[Verdict]:
    """Verdicts for orders, each checked as of its date (else ``as_of``), by ``engine``."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    with loaded(store, orders, as_of, resolve_name) as listed:
        checkpoint()  # the server's time limit is checked between the stages (and the shapes)
        prepare(store, coverage, listed)
        checkpoint()
        results = run_store(store) if engine == "store" else run_shacl(context(store), engine)
        checkpoint()
        return details(store, catalogue, listed, verdicts(listed, results))
