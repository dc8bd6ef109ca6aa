"""`screen`, `exposure` and `routes`: names against the lists, one organisation's exposure, routes to listed parties."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ...contract import SCREEN_THRESHOLD
from ...errors import InputError
from ...model import Exposure
from ...present import exposure_json, percent_of_json, percent_text, route_json, screening_json
from ..common import EXIT_OK, open_graph
from ..options import Parents, Verbs
from ..output import JSON_FORMATS, cell, grid, write_json

Row = tuple[str, str, str]  # a row of the exposure table: field, value, note


def add_parsers(sub: Verbs, parents: Parents) -> None:
    s = sub.add_parser(
        "screen",
        parents=[parents.common],
        help="match counterparty names against every name and "
        "alias of every listed party and organisation, with lists and the 50%% rule",
    )
    s.add_argument(
        "names", nargs="?", help="a CSV with a 'name' column (optional: country, id); - reads standard input"
    )
    s.add_argument("--name", action="append", default=[], help="a name to screen (repeatable)")
    s.add_argument(
        "--country", default=None, help="ISO alpha-2 country of the --name(s); a party in another country scores lower"
    )
    s.add_argument(
        "--threshold",
        type=int,
        default=None,
        metavar="0-100",
        help=f"lowest score that is a match (default {SCREEN_THRESHOLD})",
    )
    s.add_argument("--limit", type=int, default=10, help="most matches per name (default 10)")
    x = sub.add_parser(
        "exposure",
        parents=[parents.common],
        help="one organisation's exposure: listings, owners "
        "up to the ultimate parent, subsidiaries down the chain, the 50%% rule, integrated ownership",
    )
    x.add_argument("name", help="a name, alias or IRI")
    r = sub.add_parser(
        "routes",
        parents=[parents.common],
        help="routes through intermediaries (supply relations, "
        "orders) to listed or covered parties or restricted destinations, ranked by risk",
    )
    r.add_argument("--to", metavar="NAME", help="routes to this party (a name, alias or IRI)")
    r.add_argument("--destination", metavar="CC", help="routes to parties in this country")
    r.add_argument("--via", metavar="CC", help="only routes whose intermediaries or transit are in this country")
    r.add_argument(
        "--orders", metavar="FILE", help="also the orders in this CSV (as for check; - reads standard input)"
    )
    r.add_argument("--max-hops", type=int, default=None, help="longest route followed (default 6)")
    r.add_argument("--limit", type=int, default=50, help="most routes shown (default 50)")


def cmd_screen(args: argparse.Namespace, out: TextIO) -> int:
    if bool(args.names) == bool(args.name):
        raise InputError("give a names CSV or --name NAME (not both)")
    if args.names and args.country:
        raise InputError("--country applies to --name; a CSV gives a country column")
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    names = Path(args.names) if args.names else [{"name": n, "country": args.country} for n in args.name]
    graph = open_graph(args)
    if getattr(args, "engine", None) == "spark":  # the same matches, scored on Spark's executors
        from ...screen import run
        from ...spark import require

        require()
        from ...spark import screen as on_spark

        results = run.screen(
            graph.parties, names, threshold=args.threshold, as_of=args.as_of, limit=args.limit, match=on_spark.match
        )
    else:
        results = graph.screen(names, threshold=args.threshold, as_of=args.as_of, limit=args.limit)
    if args.format in JSON_FORMATS:
        write_json(args, out, [screening_json(r) for r in results])
        return EXIT_OK
    rows: list[list[object]] = []
    for r in results:
        if not r.matches:
            rows.append([r.input.id, r.input.name, "", "no match", "", "", "", ""])
        for m in r.matches:
            rows.append(
                [
                    r.input.id,
                    r.input.name,
                    m.score,
                    m.name,
                    m.matched_name,
                    "; ".join(
                        f"{li.list} {cell(li.date_added)} ({', '.join(c.label for c in li.citations)})"
                        for li in m.lists
                        if li.in_force
                    ),
                    m.affiliates_rule.status,
                    "; ".join(m.why),
                ]
            )
    columns = ["id", "input", "score", "name", "matched_name", "lists", "affiliates_rule", "why"]
    grid(args)(columns, rows, out)
    return EXIT_OK


def cmd_exposure(args: argparse.Namespace, out: TextIO) -> int:
    e = open_graph(args).exposure(args.name, args.as_of)
    if args.format in JSON_FORMATS:
        write_json(args, out, exposure_json(e))
        return EXIT_OK
    grid(args)(["field", "value", "note"], _exposure_rows(e) + _rule_rows(e), out)
    return EXIT_OK


def _exposure_rows(e: Exposure) -> list[Row]:
    """The organisation, its listings, its ultimate parent, its owners and subsidiaries."""
    ent = e.entity
    rows = [("entity", f"{ent.name} ({', '.join(ent.countries)})", ent.iri), ("as of", ent.as_of.isoformat(), "")]
    for li in e.listings:
        rows.append(
            (
                "listing",
                f"{li.list} since {cell(li.date_added)}" + ("" if li.in_force else " (not in force)"),
                ", ".join(c.label for c in li.citations),
            )
        )
    if e.ultimate_parent:
        rows.append(
            (
                "ultimate parent",
                f"{e.ultimate_parent['name']}, headquartered in "
                f"{', '.join(e.ultimate_parent['headquarters']) or 'unknown'}",
                e.ultimate_parent["party"],
            )
        )
    for o in e.owners:
        held = "an unknown stake" if not o.known else percent_text(o)
        rows.append(
            (
                f"owner (level {o.depth})",
                f"{o.name or o.party} holds {held} in {o.via_name or o.via}" + (" [listed]" if o.listed else ""),
                o.kind or "",
            )
        )
    for s in e.subsidiaries:
        lists = f" [{', '.join(sorted({li.list for li in s.listings}))}]" if s.listings else ""
        held = "an unknown stake" if not s.known else percent_text(s)
        rows.append(
            (
                f"subsidiary (level {s.depth})",
                f"{s.name or s.party}: {held} held by {s.via_name or s.via}{lists}",
                s.affiliates_rule.status if s.affiliates_rule else "",
            )
        )
    return rows


def _rule_rows(e: Exposure) -> list[Row]:
    """The 50% rule, the stakes that bring it in, and integrated ownership (a risk figure)."""
    rule = e.affiliates_rule
    rows: list[Row] = []
    rows.append(
        (
            "50% rule",
            f"{rule.status} ({rule.reach}); the rule is {rule.rule_status} on this date",
            rule.explanation or "",
        )
    )
    for c in e.covering_stakes:
        rows.append(
            (
                "covering stake",
                f"{c['name'] or c['owner']} ({c['owner_status']}) holds {percent_of_json(c)}",
                c["stake"],
            )
        )
    for i in e.integrated_ownership:
        figure = f"{cell(i.percent_min)}%" if i.exact else f"{cell(i.percent_min)}-{cell(i.percent_max)}%"
        rows.append(
            (
                "integrated ownership",
                f"{i.name or i.owner} (listed): {figure} over {i.paths} path(s)",
                "risk figure: stakes multiplied through; not the 50% rule",
            )
        )
    return rows


def cmd_routes(args: argparse.Namespace, out: TextIO) -> int:
    if args.to and args.destination:
        raise InputError("give --to or --destination, not both")
    if args.limit < 1 or (args.max_hops is not None and args.max_hops < 2):
        raise InputError("--limit must be at least 1 and --max-hops at least 2")
    found = open_graph(args).routes(
        to=args.to,
        destination=args.destination,
        via=args.via,
        as_of=args.as_of,
        orders=args.orders,
        max_hops=args.max_hops,
    )
    shown = found[: args.limit]
    if args.format in JSON_FORMATS:
        write_json(args, out, [route_json(x) for x in shown])
    else:
        rows = [
            [
                x.score,
                len(x.steps),
                x.path,
                "; ".join(f"{f.factor}: {f.detail}" for f in x.target_factors),
                "; ".join(f"{f.factor} ({f.subject.rsplit('/', 1)[-1]}) +{f.weight}" for f in x.risk_factors),
            ]
            for x in shown
        ]
        grid(args)(["score", "hops", "path", "reaches", "risk"], rows, out)
    if len(found) > len(shown):
        print(f"{len(found)} routes; showing the {len(shown)} riskiest (--limit)", file=sys.stderr)
    return EXIT_OK


VERBS = {"screen": cmd_screen, "exposure": cmd_exposure, "routes": cmd_routes}
