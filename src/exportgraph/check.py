"""Checking orders against the export restrictions of ``shapes/restrictions/``: shape results to verdicts.

The orders are read and resolved by :mod:`exportgraph.orders`; the shapes are compiled and run by
:mod:`exportgraph.restrictions` (three engines that must agree). This module turns their results into
verdicts and completes each reason from the graph. The rules are in the shapes and in
``queries/coverage/``; nothing here decides what is restricted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from .contract import LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED
from .coverage import Coverage
from .errors import InputError
from .limits import checkpoint
from .model import Footnote, InForce, LicenseException, Reason, Verdict
from .orders import (
    COLUMNS,
    ORDERS_GRAPH,
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
from .store import Store, Value
from .store.embedded import IRI

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
# The rules whose reasons name a listed party, and the query that finds the entries behind them.
LISTING_QUERIES = {"entity-list": "check/reason-listings", "affiliates-50": "check/reason-owner-listings"}
OWNERS_RULE = "affiliates-50"  # its policy is each listed owner's, named after the owner
Listed = list[tuple[str, str, dt.date]]
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


# -- what a reason rests on -----------------------------------------------------------------------


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _ranked(rows: list[dict]) -> list[dict]:
    """The rows of the highest rank (the most specific provisions)."""
    if not rows:
        return []
    top = max(int(r["rank"] or 0) for r in rows)
    return [r for r in rows if int(r["rank"] or 0) == top]


def _joined_text(rows: list[dict], column: str) -> str | None:
    return "; ".join(dict.fromkeys(str(p[column]) for p in rows if p[column])) or None


_FOOTNOTE_UNKNOWN = "not recorded in the graph: read the footnote under Supp. No. 4 to part 744"


class _Grounds:
    """What the graph says behind the reasons of some verdicts, read in a few batched queries
    (``queries/check/reason-*.rq``, ``rule-periods.rq``)."""

    def __init__(self, store: Store, queries: Mapping[str, Any], iri_of: Mapping[str, str], found: list[Verdict]):
        self.store, self.queries, self.iri_of = store, queries, iri_of
        self.provisions = self._provisions(found)
        self.exceptions = self._exceptions()
        self.entries = self._entries(found)
        rules = {b for v in found for r in v.reasons for b in r.basis}
        rules |= {str(e["rule"]) for rows in self.entries.values() for e in rows if e["rule"]}
        self.periods = self._periods(rules)

    def _provisions(self, found: list[Verdict]) -> dict[tuple[str, str], list[dict]]:
        """The most specific provisions of each (order, rule id). The query reads only the order's
        date, destination and item, so it is asked for one order of each such three."""
        wanted = {(self.iri_of[v.order_id], r.rule, b) for v in found for r in v.reasons for b in (r.basis or ("",))}
        provisions: dict[tuple[str, str], list[dict]] = {}
        if not wanted:
            return provisions
        like = self._alike({o for o, _, _ in wanted})
        asked = sorted({(like[o], rid, b) for o, rid, b in wanted})
        answers: dict[tuple[str, str, str], list[dict]] = {}
        for row in self.store.select(
            self.queries["check/reason-provisions"].text,
            [{"order": IRI(o), "ruleId": rid, "basis": b} for o, rid, b in asked],
        ):
            answers.setdefault((str(row["order"]), str(row["ruleId"]), str(row["basis"])), []).append(row)
        for o, rid, b in sorted(wanted):
            rows = [dict(row, order=IRI(o)) for row in answers.get((like[o], rid, b), [])]
            if rows:
                provisions.setdefault((o, rid), []).extend(rows)
        return {k: _ranked(v) for k, v in provisions.items()}

    def _alike(self, orders: set[str]) -> dict[str, str]:
        """Each order's first order (in IRI order) of the same date, destination and item
        (``queries/check/order-keys.rq``)."""
        facts: dict[str, set[tuple[str, str, str]]] = {}
        rows = self.store.select(self.queries["check/order-keys"].text, [{"order": IRI(o)} for o in sorted(orders)])
        for row in rows:
            facts.setdefault(str(row["order"]), set()).add(
                (str(row["d"]), str(row["destination"] or ""), str(row["item"] or ""))
            )
        first: dict[frozenset | str, str] = {}  # (an order without a date stands alone)
        return {o: first.setdefault(frozenset(facts[o]) if o in facts else o, o) for o in sorted(orders)}

    def _exceptions(self) -> dict[str, list[LicenseException]]:
        names = sorted({str(p["provision"]) for rows in self.provisions.values() for p in rows})
        exceptions: dict[str, list[LicenseException]] = {}
        if names:
            query = self.queries["check/reason-exceptions"].text
            for row in self.store.select(query, [{"provision": IRI(n)} for n in names]):
                exceptions.setdefault(str(row["provision"]), []).append(
                    LicenseException(
                        str(row["exception"]), str(row["status"]), str(row["cfr"]), row["note"] and str(row["note"])
                    )
                )
        return exceptions

    def _entries(self, found: list[Verdict]) -> dict[tuple[str, str, str], list[dict]]:
        """The list entries behind each (order, party, rule id) of the rules that name listed parties."""
        entries: dict[tuple[str, str, str], list[dict]] = {}
        for rid, name in LISTING_QUERIES.items():
            # a query that takes the reason's basis (the rule node, e.g. the Affiliates rule) is given it
            by_basis = "basis" in {p.name for p in self.queries[name].params}
            todo = sorted(
                {
                    (self.iri_of[v.order_id], r.value, b if by_basis else "")
                    for v in found
                    for r in v.reasons
                    if r.rule == rid and r.value
                    for b in (r.basis or ("",))
                    if b or not by_basis
                }
            )
            if todo:
                bindings: list[dict[str, Value]] = []
                for o, p, b in todo:
                    bindings.append({"order": IRI(o), "party": IRI(p)})
                    if b:
                        bindings[-1]["basis"] = IRI(b)
                for row in self.store.select(self.queries[name].text, bindings):
                    entries.setdefault((str(row["order"]), str(row["party"]), rid), []).append(row)
        return entries

    def _periods(self, rules: set[str]) -> dict[str, InForce]:
        """Each rule's period in force: start, last day, suspensions."""
        periods: dict[str, InForce] = {}
        if not rules:
            return periods
        by_rule: dict[str, list[dict]] = {}
        query = self.queries["check/rule-periods"].text
        for row in self.store.select(query, [{"rule": IRI(x)} for x in sorted(rules)]):
            by_rule.setdefault(str(row["rule"]), []).append(row)
        for rule, rows in by_rule.items():
            first = rows[0]
            rescinded = _day(first["rescinded"])
            # a suspension has both ends (the rule shape of data-quality.ttl)
            suspended = {
                (start, end)
                for r in rows
                if (start := _day(r["suspendedFrom"])) is not None and (end := _day(r["suspendedTo"])) is not None
            }
            periods[rule] = InForce(
                str(first["ruleId"] or rule.rsplit("/", 1)[-1]),
                first["citation"] and str(first["citation"]),
                _day(first["start"]),
                rescinded and rescinded - dt.timedelta(days=1),
                tuple(sorted(suspended)),
            )
        return periods

    def complete(self, order: str, r: Reason) -> Reason:
        """The reason with its paragraph, review policy, exceptions, footnotes and periods in force."""
        rows = self.provisions.get((order, r.rule), [])
        policy = _joined_text(rows, "policy")
        notes = tuple(dict.fromkeys(str(p["note"]) for p in rows if p["note"]))
        excs = tuple(
            sorted(
                {x for p in rows for x in self.exceptions.get(str(p["provision"]), [])},
                key=lambda x: (x.status, x.exception),
            )
        )
        footnotes: tuple[Footnote, ...] = ()
        in_force = tuple(self.periods[b] for b in r.basis if b in self.periods)
        own = self.entries.get((order, r.value or "", r.rule), [])
        if own:
            footnotes = _footnotes(own)
            policy, more = _entry_policy(r.rule, own, policy)
            notes += more
            in_force += tuple(x for x in self._adding_rules(own) if x not in in_force)
        return replace(
            r,
            review_policy=policy or r.review_policy,
            cfr=_joined_text(rows, "cfr"),
            review_policy_cfr=_joined_text(rows, "policyCfr"),
            license_exceptions=excs,
            footnotes=footnotes,
            in_force=in_force,
            notes=notes,
        )

    def _adding_rules(self, own: list[dict]) -> tuple[InForce, ...]:
        """The periods of the rules that added the entries: the one in force from each listing's first day."""
        added: dict[str, list[tuple[dt.date | None, InForce]]] = {}
        for e in own:
            if e["rule"] and str(e["rule"]) in self.periods:
                added.setdefault(str(e["owner"]), []).append((_day(e["added"]), self.periods[str(e["rule"])]))
        out: tuple[InForce, ...] = ()
        for options in added.values():
            day = options[0][0]
            same = [p for a, p in options if p.start == day] or sorted(
                (p for _, p in options), key=lambda p: p.start or dt.date.min
            )[:1]
            out += tuple(x for x in dict.fromkeys(same) if x not in out)
        return out


def _footnotes(own: list[dict]) -> tuple[Footnote, ...]:
    """The entries' Foreign Direct Product footnotes, spelled out."""
    return tuple(
        sorted(
            {
                Footnote(
                    int(e["footnote"]),
                    str(e["meaning"] or _FOOTNOTE_UNKNOWN),
                    str(e["footnoteCfr"] or "Supp. No. 4 to part 744"),
                )
                for e in own
                if e["footnote"] is not None
            },
            key=lambda f: f.footnote,
        )
    )


def _entry_policy(rule: str, own: list[dict], policy: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The review policy of the entries behind a reason (else ``policy``), and a note for entries
    whose policy the graph does not record."""
    policies = sorted({(str(e["ownerName"] or e["owner"]), str(e["policy"])) for e in own if e["policy"]})
    unknown = sorted({str(e["ownerName"] or e["owner"]) for e in own if not e["policy"]} - {who for who, _ in policies})
    notes: tuple[str, ...] = ()
    if unknown:
        notes = (
            f"The review policy of the entry of {', '.join(unknown)} is not recorded in the graph: "
            "read it in the entry (Supp. No. 4 to part 744, or the party's own list).",
        )
    if rule == OWNERS_RULE and policies:
        # the most restrictive owner's policy is the affiliate's: name each owner's
        policy = "; ".join(f"{p} (as for {who}, whose entry it is)" for who, p in policies)
    elif policies:
        policy = "; ".join(dict.fromkeys(p for _, p in policies))
    return policy, notes


def details(store: Store, queries: Mapping[str, Any], orders: Listed, found: list[Verdict]) -> list[Verdict]:
    """Each reason completed with what an officer files: the CFR paragraph, the review policy for
    the destination and date, the licence exceptions allowed or excluded, the Entity List footnotes
    spelled out, and the period in force of the rule it rests on. All of it is read from the graph
    (``eg:Provision``s, list entries, rules) by ``queries/check/reason-*.rq``; nothing here decides."""
    iri_of = {oid: iri for iri, oid, _ in orders}
    grounds = _Grounds(store, queries, iri_of, found)
    return [replace(v, reasons=tuple(grounds.complete(iri_of[v.order_id], r) for r in v.reasons)) for v in found]


@contextmanager
def loaded(
    store: Store, orders: OrdersInput | None, default_day: dt.date, resolve_name: NameResolver
) -> Iterator[Listed]:
    """Orders loaded into their own graph for the duration (``None``: none); yields
    (order IRI, order id, day) per order. The graph is dropped afterwards, whatever happens."""
    store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")
    try:
        yield [] if orders is None else load(store, orders, default_day, resolve_name)
    finally:
        store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")


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
