"""The JSON contracts and the short texts every front end shows: the CLI's ``--format json`` and the
HTTP server's answers are built here, so they cannot differ. The keys are a public contract."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from dataclasses import asdict
from decimal import Decimal


def plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def percent_text(s) -> str:
    if s.percent is not None:
        return f"{plain(s.percent)}%"
    if s.percent_min is not None or s.percent_max is not None:
        return (
            f"{plain(s.percent_min) if s.percent_min is not None else '?'}-"
            f"{plain(s.percent_max) if s.percent_max is not None else '?'}%"
        )
    return "stake unknown"


def percent_of_json(c: dict) -> str:
    return percent_text(
        argparse.Namespace(percent=c["percent"], percent_min=c["percent_min"], percent_max=c["percent_max"])
    )


def screening_json(r) -> dict:
    """The JSON of one screened name: ``input`` and ``matches`` (the keys are a public contract)."""

    def listing(li) -> dict:
        return {
            "list": li.list,
            "list_name": li.list_name,
            "entry": li.entry,
            "date_added": plain(li.date_added),
            "date_removed": plain(li.date_removed),
            "in_force": li.in_force,
            "citations": [{"label": c.label, "iri": c.iri, "published": plain(c.published)} for c in li.citations],
        }

    return {
        "input": {k: v for k, v in plain(r.input).items() if v is not None},
        "matches": [
            {
                "name": m.name,
                "party": m.party,
                "matched_name": m.matched_name,
                "matched_kind": m.matched_kind,
                "score": m.score,
                "why": list(m.why),
                "countries": list(m.countries),
                "lists": [listing(li) for li in m.lists],
                "affiliates_rule": plain(m.affiliates_rule),
            }
            for m in r.matches
        ],
    }


def exposure_json(e) -> dict:
    """The JSON of ``exportgraph exposure``; ``entity``, ``listings``, ``owners``, ``subsidiaries`` and
    ``affiliates_rule`` are a public contract."""
    ent = e.entity
    return plain(
        {
            "entity": {
                "name": ent.name,
                "iri": ent.iri,
                "countries": list(ent.countries),
                "headquarters": list(ent.headquartered_in),
                "as_of": ent.as_of,
            },
            "listings": [dataclasses.asdict(li) for li in e.listings],
            "owners": [_link(o) for o in e.owners],
            "ultimate_parent": e.ultimate_parent,
            "subsidiaries": [_link(s) for s in e.subsidiaries],
            "affiliates_rule": {**dataclasses.asdict(e.affiliates_rule), "covering_stakes": list(e.covering_stakes)},
            "integrated_ownership": [dataclasses.asdict(i) for i in e.integrated_ownership],
        }
    )


def _link(x) -> dict:
    d = {
        "name": x.name,
        "party": x.party,
        "percent": x.percent,
        "percent_min": x.percent_min,
        "percent_max": x.percent_max,
        "kind": x.kind,
        "depth": x.depth,
        "via": x.via,
        "via_name": x.via_name,
        "listed": x.listed,
        "country": x.country,
        "stake": x.stake,
    }
    if x.affiliates_rule is not None:
        d["lists"] = sorted({li.list for li in x.listings})
        d["listings"] = [
            {
                "list": li.list,
                "date_added": li.date_added,
                "entry": li.entry,
                "citations": [c.label for c in li.citations],
            }
            for li in x.listings
        ]
        d["affiliates_rule"] = dataclasses.asdict(x.affiliates_rule)
    return d


def route_json(x) -> dict:
    """One route of ``exportgraph routes --format json``."""

    def factor(f) -> dict:
        return {"factor": f.factor, "weight": f.weight, "detail": f.detail, "subject": f.subject}

    return {
        "score": x.score,
        "path": x.path,
        "parties": [{"party": p, "name": n} for p, n in zip(x.parties, x.names, strict=True)],
        "steps": [
            {
                "from": s.source,
                "to": s.target,
                "kind": s.kind,
                "refs": s.ref.split(),
                "label": s.label,
                "country": s.country,
                "transit": list(s.transit),
                "item": s.item,
            }
            for s in x.steps
        ],
        "reaches": [factor(f) for f in x.target_factors],
        "risk_factors": [factor(f) for f in x.risk_factors],
    }


def reason_dict(r) -> dict:  # r: model.Reason
    """A reason as JSON: the keys of ``Reason``, dates as ISO text, tuples as lists."""
    return {
        "rule": r.rule,
        "effect": r.effect,
        "message": r.message,
        "citation": r.citation,
        "review_policy": r.review_policy,
        "path": list(r.path),
        "value": r.value,
        "basis": list(r.basis),
        "cfr": r.cfr,
        "review_policy_cfr": r.review_policy_cfr,
        "license_exceptions": [asdict(x) for x in r.license_exceptions],
        "footnotes": [asdict(x) for x in r.footnotes],
        "in_force": [
            {
                "rule": x.rule,
                "citation": x.citation,
                "from": x.start and x.start.isoformat(),
                "to": x.end and x.end.isoformat(),
                "suspended": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in x.suspended],
            }
            for x in r.in_force
        ],
        "notes": list(r.notes),
    }
