"""`info`, `load` and `entity`: what the graph holds, and one party (or item) in it."""

from __future__ import annotations

import argparse
from typing import TextIO

from ...errors import InputError, NotFoundError
from ...model import Item
from ...present import percent_text, plain
from ..common import EXIT_OK, open_graph
from ..options import Parents, Verbs
from ..output import JSON_FORMATS, cell, grid, write_json


def add_parsers(sub: Verbs, parents: Parents) -> None:
    sub.add_parser("info", parents=[parents.common], help="counts and data version")
    sub.add_parser(
        "load",
        parents=[parents.common],
        help="load the ontology, the bundled graph and --data into the "
        "--endpoint store (an empty one) and derive the facts there; prints the counts",
    )
    e = sub.add_parser(
        "entity",
        parents=[parents.common],
        help="profile of one party: names, country, listings with citations, owners, subsidiaries",
    )
    e.add_argument("name", help="a name, alias or IRI")


def cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    graph = open_graph(args, light=True)
    info = graph.info()
    current = graph.currency()
    if args.format in JSON_FORMATS:
        write_json(args, out, {**info, "currency": current})
        return EXIT_OK
    rows = [(k, v) for k, v in info.items()]
    rows += [
        (
            f"newest {r['shortName'] or r['list']} entry",
            f"added {r['newestAdded'] or '-'}"
            + (f", removed {r['newestRemoved']}" if r["newestRemoved"] else "")
            + f" ({r['entries']} entries; {r['newestCitation'] or 'no citation'})",
        )
        for r in current["lists"]
    ]
    rows += [
        (
            f"newest rule, {r['kind']}: {r['family']}",
            f"{r['newest'] or '-'} {r['newestRule'] or ''} ({r['newestCitation'] or 'no citation'})",
        )
        for r in current["rules"]
    ]
    grid(args)(["count", "value"], rows, out)
    return EXIT_OK


def cmd_entity(args: argparse.Namespace, out: TextIO) -> int:
    graph = open_graph(args, light=True)
    try:
        ent = graph.entity(args.name, args.as_of)
    except NotFoundError:
        try:
            return _item(args, graph.item(args.name), out)
        except NotFoundError:
            pass
        raise
    if args.format in JSON_FORMATS:
        write_json(args, out, plain(ent))
        return EXIT_OK
    rows = [
        ("name", ent.name, ""),
        ("iri", ent.iri, ""),
        ("kind", ", ".join(ent.kinds), ""),
        ("as of", ent.as_of.isoformat(), ""),
    ]
    rows += [("alias", a, "") for a in ent.aliases + ent.native_names]
    rows += [("country", c, "") for c in ent.countries]
    rows += [("headquarters", c, "") for c in ent.headquartered_in]
    rows += [("identifier", f"{k}: {v}", "") for k, v in ent.identifiers.items()]
    if ent.ultimate_parent:
        rows.append(("ultimate parent", ent.ultimate_parent, ""))
    for m in ent.members:
        rows.append(
            (
                "same organisation as",
                f"{m.name or m.iri} <{m.iri}>",
                "; ".join([label for _, label in m.sources] + list(m.notes)),
            )
        )
    for li in ent.listings:
        state = "in force" if li.in_force else "not in force"
        fn = f"; FDP footnote {', '.join(map(str, li.footnotes))}" if li.footnotes else ""
        via = f" as {li.record_name!r}" if li.record_name else ""
        rows.append(
            (
                "listing",
                f"{li.list}{via} since {cell(li.date_added)} ({state}){fn}",
                "; ".join(f"{c.label}, {cell(c.published)}" for c in li.citations),
            )
        )
    for side, stakes in (("owner", ent.owners), ("subsidiary", ent.subsidiaries)):
        for s in stakes:
            rows.append(
                (
                    side,
                    f"{s.name or s.party} ({percent_text(s)})" + (" [listed]" if s.listed else ""),
                    s.source_label or s.source or "",
                )
            )
    rows += [("address", a, "") for a in ent.addresses]
    grid(args)(["field", "value", "source"], rows, out)
    return EXIT_OK


def _item(args: argparse.Namespace, item: Item, out: TextIO) -> int:
    if args.format in JSON_FORMATS:
        write_json(args, out, plain(item))
        return EXIT_OK
    rows = [("name", item.name, ""), ("iri", item.iri, "")]
    rows += [("throughput", f"{p}: {cell(t)} dense TOPS x {b} bits = {cell(t * b)}", "") for p, t, b in item.throughput]
    rows.append(
        (
            "TPP",
            cell(item.tpp) if item.tpp is not None else "unknown (no throughput figures)",
            "max over precisions of dense TOPS x bit length",
        )
    )
    rows.append(("die area", f"{cell(item.die_area)} mm2" if item.die_area is not None else "unknown", ""))
    rows.append(
        (
            "performance density",
            cell(item.performance_density) if item.performance_density is not None else "unknown",
            "TPP / die area",
        )
    )
    rows.append(
        (
            "interconnect",
            f"{cell(item.interconnect)} GB/s" if item.interconnect is not None else "unknown",
            "aggregate bidirectional I/O rate (the October 2022 test of 3A090)",
        )
    )
    for c in item.criteria:
        bounds = ", ".join(f"{k} {cell(v)}" for k, v in c.bounds.items())
        period = f"in force {c.valid_from or '...'} to {c.valid_to or 'today'}; " if c.valid_from or c.valid_to else ""
        state = (
            "holds" if c.holds else "may hold (a figure it needs is not recorded)" if c.may_hold else "does not hold"
        )
        rows.append(
            ("criterion", f"{state}: {c.label}", period + ("UNVERIFIED thresholds; " if c.unverified else "") + bounds)
        )
    rows.append(
        (
            "ECCN",
            ", ".join(item.eccns) or "none of the modelled ECCNs (3A090/4A090)",
            "derived, under the criteria in force today",
        )
    )
    rows += [("named by rule", r, "") for r in item.named_by_rules]
    grid(args)(["field", "value", "note"], rows, out)
    return EXIT_OK


def cmd_load(args: argparse.Namespace, out: TextIO) -> int:
    if not args.endpoint or not args.update_endpoint:
        raise InputError("load needs --endpoint and --update-endpoint (the store to load into)")
    return cmd_info(args, out)


VERBS = {"info": cmd_info, "load": cmd_load, "entity": cmd_entity}
