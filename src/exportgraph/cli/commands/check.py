"""`check`: verdicts for orders, and the verdicts a scenario changes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from ...contract import CHECK_ENGINES, LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED, ORDER_COLUMNS
from ...errors import InputError
from ...model import Reason, Verdict
from ..common import EXIT_OK, EXIT_VERDICT, open_graph
from ..options import Parents, Verbs
from ..output import JSON_FORMATS, cell, grid, write_csv, write_json

COLUMNS, ENGINES = ORDER_COLUMNS, CHECK_ENGINES  # (contract.py: no heavy import to build the parser)


def add_parsers(sub: Verbs, parents: Parents) -> None:
    c = sub.add_parser(
        "check",
        parents=[parents.common],
        help="verdicts for orders: licence required, not "
        "required, or needs review, with the rules and the facts behind them",
    )
    c.add_argument(
        "orders", help="an orders CSV (" + ",".join(COLUMNS) + ") or an RDF file of eg:Order; - reads standard input"
    )
    c.add_argument(
        "--scenario",
        metavar="FILE",
        default=None,
        help="a .ttl that overrides rule facts (object rdf:nil removes one) or a .ru update "
        "(- reads standard input); prints the verdicts that change between the base graph "
        "and the scenario",
    )
    c.add_argument(
        "--fail-on",
        default=None,
        metavar="VERDICTS",
        type=verdicts_arg,
        help="exit 4 when any order gets one of these verdicts (comma-separated, from "
        "license_required, needs_review, no_license_required), e.g. "
        "--fail-on license_required,needs_review; default: exit 0 whatever the verdicts",
    )
    c.add_argument(
        "--engine",
        choices=(*ENGINES, "spark"),
        default="store",
        help="SHACL engine: store (default; bulk SPARQL in the store), turbo or pyshacl; spark: the "
        "orders divided over Apache Spark's executors, each checking its share as store does on the "
        "bundled graph and --data (see --spark-master)",
    )


def verdicts_arg(text: str) -> frozenset[str]:
    known = (LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED)
    found = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in found if x not in known]
    if bad or not found:
        raise argparse.ArgumentTypeError(
            f"unknown verdict {bad[0]!r}; expected some of {', '.join(known)}" if bad else "no verdict given"
        )
    return frozenset(found)


def _reason_text(r: Reason) -> str:
    """A reason in one line of the table: the rule, the message and what it rests on."""
    bits = [b for b in (r.citation, r.cfr, r.review_policy and f"review: {r.review_policy}") if b]
    return f"{r.rule}: {r.message}" + (f" ({'; '.join(bits)})" if bits else "")


def _exceptions_text(r: Reason) -> str:
    return ", ".join(f"{x.exception} {x.status} ({x.cfr})" for x in r.license_exceptions)


def _footnotes_text(r: Reason) -> str:
    return ", ".join(f"footnote {f.footnote}: {f.meaning} ({f.cfr})" for f in r.footnotes)


def _in_force_text(r: Reason) -> str:
    out = []
    for x in r.in_force:
        text = f"{x.citation or x.rule}: {cell(x.start) or '?'} to {cell(x.end) or 'today'}"
        text += "".join(f", suspended {cell(a)} to {cell(b)}" for a, b in x.suspended)
        out.append(text)
    return "; ".join(out)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    if args.engine == "spark":
        base = _on_spark(args)
    else:
        graph = open_graph(args)
        base = graph.check(args.orders, as_of=args.as_of, engine=args.engine)
        if args.scenario is not None:
            changed = graph.with_scenario(args.scenario).check(args.orders, as_of=args.as_of, engine=args.engine)
            return _scenario(args, base, changed, out)
    if args.format in JSON_FORMATS:
        write_json(args, out, [v.to_dict() for v in base])
    elif args.format == "csv":
        _verdicts_csv(base, out)
    else:
        _verdicts_table(args, base, out)
    return _exit_for(args, base)


def _on_spark(args: argparse.Namespace) -> list[Verdict]:
    """The orders divided over Spark's executors, each checking its share with the store's shapes on
    the bundled graph and ``--data`` (``spark.check``)."""
    for flag, given in (("--store", args.store), ("--endpoint", args.endpoint), ("--scenario", args.scenario)):
        if given:
            raise InputError(
                f"check --engine spark opens the bundled graph and --data in each executor; not with {flag}"
            )
    from ...spark import require

    require()
    from ...spark.check import check as on_spark

    return on_spark(Path(args.orders), data=args.data, as_of=args.as_of or dt.date.today())


def _verdicts_csv(base: list[Verdict], out: TextIO) -> None:
    # one column per field of the reasons, each reason's part separated by " | " in order
    rows = [
        [
            v.order_id,
            v.date,
            v.verdict,
            ", ".join(v.rules),
            " | ".join(_reason_text(r) for r in v.reasons),
            " | ".join(r.cfr or "" for r in v.reasons) if v.reasons else "",
            " | ".join(r.review_policy or "" for r in v.reasons) if v.reasons else "",
            " | ".join(_exceptions_text(r) for r in v.reasons) if v.reasons else "",
            " | ".join(_footnotes_text(r) for r in v.reasons) if v.reasons else "",
            " | ".join(_in_force_text(r) for r in v.reasons) if v.reasons else "",
        ]
        for v in base
    ]
    write_csv(
        [
            "order_id",
            "date",
            "verdict",
            "rules",
            "reasons",
            "cfr",
            "review_policy",
            "license_exceptions",
            "footnotes",
            "in_force",
        ],
        rows,
        out,
    )


def _verdicts_table(args: argparse.Namespace, base: list[Verdict], out: TextIO) -> None:
    rows = [
        [v.order_id, v.date, v.verdict, ", ".join(v.rules), " | ".join(_reason_text(r) for r in v.reasons)]
        for v in base
    ]
    grid(args)(["order_id", "date", "verdict", "rules", "reasons"], rows, out)
    details = [
        (v.order_id, r) for v in base for r in v.reasons if r.license_exceptions or r.footnotes or r.in_force or r.notes
    ]
    if details:
        print(file=out)
        for oid, r in details:
            _details(oid, r, out)


def _details(oid: str, r: Reason, out: TextIO) -> None:
    """Under the table: what a reason rests on, one line a part."""
    print(f"{oid} {r.rule}:", file=out)
    for label, text in (
        ("paragraph", r.cfr),
        (
            "review policy",
            r.review_policy and (r.review_policy + (f" ({r.review_policy_cfr})" if r.review_policy_cfr else "")),
        ),
        ("licence exceptions", _exceptions_text(r)),
        ("footnotes", _footnotes_text(r)),
        ("in force", _in_force_text(r)),
        ("note", "; ".join(r.notes)),
    ):
        if text:
            print(f"  {label}: {text}", file=out)


def _scenario(args: argparse.Namespace, base: list[Verdict], changed: list[Verdict], out: TextIO) -> int:
    """``--scenario``: the orders whose verdict or rules change between the base graph and the scenario."""
    diffs = [(b, s) for b, s in zip(base, changed, strict=True) if (b.verdict, b.rules) != (s.verdict, s.rules)]
    if args.format in JSON_FORMATS:
        write_json(
            args,
            out,
            [
                {"order_id": b.order_id, "date": b.date.isoformat(), "base": b.to_dict(), "scenario": s.to_dict()}
                for b, s in diffs
            ],
        )
        return EXIT_OK
    rows = [
        [
            b.order_id,
            b.date,
            b.verdict,
            s.verdict,
            ", ".join(sorted(set(s.rules) - set(b.rules))),
            ", ".join(sorted(set(b.rules) - set(s.rules))),
            " | ".join(f"{r.rule}: {r.message}" for r in s.reasons if r.rule not in b.rules),
        ]
        for b, s in diffs
    ]
    grid(args)(["order_id", "date", "base", "scenario", "rules_added", "rules_removed", "new_reasons"], rows, out)
    if args.format == "table":
        print(f"{len(diffs)} of {len(base)} verdicts change", file=sys.stderr)
    return _exit_for(args, changed)


def _exit_for(args: argparse.Namespace, verdicts: list[Verdict]) -> int:
    """``--fail-on``: EXIT_VERDICT when any order has one of the named verdicts, else 0."""
    hits = [v for v in verdicts if args.fail_on and v.verdict in args.fail_on]
    if hits:
        print(
            f"exportgraph: {len(hits)} of {len(verdicts)} orders are "
            + ", ".join(sorted({v.verdict for v in hits}))
            + " (--fail-on)",
            file=sys.stderr,
        )
        return EXIT_VERDICT
    return EXIT_OK


VERBS = {"check": cmd_check}
