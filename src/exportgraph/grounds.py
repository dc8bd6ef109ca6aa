"""What a reason rests on: each reason of a verdict completed from the graph with what an officer
files (the CFR paragraph, the review policy, the licence exceptions, the Entity List footnotes, the
periods in force), read in a few batched queries (``queries/check/reason-*.rq``, ``rule-periods.rq``).
Nothing here decides what is restricted: the shapes of ``shapes/restrictions/`` do (``check``)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .model import Footnote, InForce, LicenseException, Reason, Verdict
from .orders import Listed
from .store import Store, Value
from .store.embedded import IRI, XSD

# The rules whose reasons name a listed party, and the query that finds the entries behind them.
LISTING_QUERIES = {"entity-list": "check/reason-listings", "affiliates-50": "check/reason-owner-listings"}
OWNERS_RULE = "affiliates-50"  # its policy is each listed owner's, named after the owner


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


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d")


def _moment(row: Mapping[str, Value]) -> bool:
    """Whether a date's text orders as its time does: an ``xsd:dateTime`` with no fraction or zone."""
    return str(row["type"]) == XSD + "dateTime" and _MOMENT.fullmatch(str(row["text"])) is not None


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
        """Each order's first order (in IRI order) of the same destination, item and period
        (``queries/check/order-keys.rq``). The provisions query compares the order's date with the
        days of ``check/provision-bounds.rq`` and with nothing else, so two dates on the same side of
        every one of those days are alike. Dates compared as text only where that is the order of
        time (``xsd:dateTime`` without a time zone, as the graph writes days); any other date stands
        for itself."""
        bounds = self.store.select(self.queries["check/provision-bounds"].text)
        comparable = all(_moment(row) for row in bounds)
        starts = sorted(str(row["text"]) for row in bounds if row["side"] == "from")
        ends = sorted(str(row["text"]) for row in bounds if row["side"] == "to")

        def period(row: Mapping[str, Value]) -> tuple:
            if comparable and _moment(row):
                day = str(row["text"])  # how many periods have started by it, how many ended before it
                return (bisect.bisect_right(starts, day), bisect.bisect_left(ends, day))
            return (str(row["text"]), str(row["type"]))

        facts: dict[str, set[tuple]] = {}
        rows = self.store.select(self.queries["check/order-keys"].text, [{"order": IRI(o)} for o in sorted(orders)])
        for row in rows:
            facts.setdefault(str(row["order"]), set()).add(
                (period(row), str(row["destination"] or ""), str(row["item"] or ""))
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
