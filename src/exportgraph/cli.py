"""The ``exportgraph`` command: one entry point, verbs, options after the verb.

Exit codes: 0 success; 2 usage or input error (bad file, row, date, parameter or query);
3 the name or IRI matches no party, or several.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from . import __version__, settings
from .check import COLUMNS, ENGINES
from .errors import AmbiguousError, ExportGraphError, InputError, NotFoundError

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND = 0, 2, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", action="append", default=[], metavar="PATH",
                        help="extra data: Turtle, N-Triples, JSON-LD, RDF/XML, or a parties, "
                             "ownership or listings CSV (repeatable)")
    common.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="answer as of this date (default: today)")
    common.add_argument("--format", choices=("table", "json", "csv"), default="table")
    common.add_argument("-o", "--output", default="-", help="write here instead of stdout")

    p = argparse.ArgumentParser(prog="exportgraph", description="A knowledge graph of AI-chip "
                                "export controls.", epilog="Exit codes: 0 ok; 2 usage or input "
                                "error; 3 name not found or ambiguous.")
    p.add_argument("--version", action="version", version=f"exportgraph {__version__}")
    sub = p.add_subparsers(dest="verb", required=True)
    sub.add_parser("info", parents=[common], help="counts and data version")
    e = sub.add_parser("entity", parents=[common], help="profile of one party: names, country, "
                       "listings with citations, owners, subsidiaries")
    e.add_argument("name", help="a name, alias or IRI")
    q = sub.add_parser("query", parents=[common], help="run a named query or a .rq file")
    q.add_argument("query", help="a name from `exportgraph query --list` or a path to a .rq file")
    q.add_argument("--param", action="append", default=[], metavar="K=V",
                   help="a parameter of the query (repeatable)")
    q.add_argument("--list", action="store_true", help="list the named queries instead")
    c = sub.add_parser("check", parents=[common], help="verdicts for orders: licence required, not "
                       "required, or needs review, with the rules and the facts behind them")
    c.add_argument("orders", help="an orders CSV (" + ",".join(COLUMNS) + ") or an RDF file of eg:Order")
    c.add_argument("--scenario", metavar="FILE", default=None,
                   help="a .ttl that overrides rule facts (object rdf:nil removes one) or a .ru update; "
                        "prints the verdicts that change between the base graph and the scenario")
    c.add_argument("--engine", choices=ENGINES, default="store",
                   help="SHACL engine: store (default; bulk SPARQL in the store), turbo or pyshacl")
    b = sub.add_parser("build", parents=[common], help="regenerate graph/generated/ from the datasets")
    b.add_argument("--data-dir", type=Path, default=None,
                   help="folder of the public datasets (default: EXPORTGRAPH_DATA_DIR or shared/data)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    try:
        return VERBS[args.verb](args, out)
    except (NotFoundError, AmbiguousError) as exc:
        print(f"exportgraph: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except InputError as exc:
        print(f"exportgraph: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ExportGraphError as exc:
        print(f"exportgraph: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader (e.g. `head`) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    finally:
        if out is not sys.stdout:
            out.close()


def _open(args):
    from .api import ExportGraph

    return ExportGraph.open(args.data)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]], out) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in cells:
        print("  ".join(v[:w].ljust(w) for v, w in zip(r, widths, strict=True)).rstrip(), file=out)


def _cell(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_cell(x) for x in v)
    return str(v)


def _csv(columns: Sequence[str], rows: Sequence[Sequence[object]], out) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    w.writerows([_cell(v) for v in row] for row in rows)


def cmd_info(args, out) -> int:
    info = _open(args).info()
    if args.format == "json":
        json.dump(info, out, indent=2)
        print(file=out)
    else:
        (_csv if args.format == "csv" else _table)(["count", "value"], list(info.items()), out)
    return EXIT_OK


def cmd_entity(args, out) -> int:
    graph = _open(args)
    try:
        ent = graph.entity(args.name, args.as_of)
    except NotFoundError:
        try:
            return _item(args, graph.item(args.name), out)
        except NotFoundError:
            pass
        raise
    if args.format == "json":
        json.dump(_plain(ent), out, indent=2, ensure_ascii=False)
        print(file=out)
        return EXIT_OK
    rows = [("name", ent.name, ""), ("iri", ent.iri, ""), ("kind", ", ".join(ent.kinds), ""),
            ("as of", ent.as_of.isoformat(), "")]
    rows += [("alias", a, "") for a in ent.aliases + ent.native_names]
    rows += [("country", c, "") for c in ent.countries]
    rows += [("headquarters", c, "") for c in ent.headquartered_in]
    rows += [("identifier", f"{k}: {v}", "") for k, v in ent.identifiers.items()]
    if ent.ultimate_parent:
        rows.append(("ultimate parent", ent.ultimate_parent, ""))
    for li in ent.listings:
        state = "in force" if li.in_force else "not in force"
        fn = f"; FDP footnote {', '.join(map(str, li.footnotes))}" if li.footnotes else ""
        rows.append(("listing", f"{li.list} since {_cell(li.date_added)} ({state}){fn}",
                     "; ".join(f"{c.label}, {_cell(c.published)}" for c in li.citations)))
    for side, stakes in (("owner", ent.owners), ("subsidiary", ent.subsidiaries)):
        for s in stakes:
            rows.append((side, f"{s.name or s.party} ({_percent(s)})" + (" [listed]" if s.listed else ""),
                         s.source_label or s.source or ""))
    rows += [("address", a, "") for a in ent.addresses]
    (_csv if args.format == "csv" else _table)(["field", "value", "source"], rows, out)
    return EXIT_OK


def _item(args, item, out) -> int:
    if args.format == "json":
        json.dump(_plain(item), out, indent=2, ensure_ascii=False)
        print(file=out)
        return EXIT_OK
    rows = [("name", item.name, ""), ("iri", item.iri, "")]
    rows += [("throughput", f"{p}: {_cell(t)} dense TOPS x {b} bits = {_cell(t * b)}", "")
             for p, t, b in item.throughput]
    rows.append(("TPP", _cell(item.tpp) if item.tpp is not None else "unknown (no throughput figures)",
                 "max over precisions of dense TOPS x bit length"))
    rows.append(("die area", f"{_cell(item.die_area)} mm2" if item.die_area is not None else "unknown", ""))
    rows.append(("performance density", _cell(item.performance_density) if item.performance_density is not None
                 else "unknown", "TPP / die area"))
    for c in item.criteria:
        bounds = ", ".join(f"{k} {_cell(v)}" for k, v in c.bounds.items())
        rows.append(("criterion", f"{'holds' if c.holds else 'does not hold'}: {c.label}",
                     ("UNVERIFIED thresholds; " if c.unverified else "") + bounds))
    rows.append(("ECCN", ", ".join(item.eccns) or "none of the modelled ECCNs (3A090/4A090)", "derived"))
    rows += [("named by rule", r, "") for r in item.named_by_rules]
    (_csv if args.format == "csv" else _table)(["field", "value", "note"], rows, out)
    return EXIT_OK


def cmd_check(args, out) -> int:
    graph = _open(args)
    base = graph.check(args.orders, as_of=args.as_of, engine=args.engine)
    if args.scenario is None:
        if args.format == "json":
            json.dump([v.to_dict() for v in base], out, indent=2, ensure_ascii=False)
            print(file=out)
            return EXIT_OK
        rows = [[v.order_id, v.date, v.verdict, ", ".join(v.rules),
                 " | ".join(f"{r.rule}: {r.message} ({r.citation})" if r.citation else f"{r.rule}: {r.message}"
                            for r in v.reasons)] for v in base]
        (_csv if args.format == "csv" else _table)(["order_id", "date", "verdict", "rules", "reasons"], rows, out)
        return EXIT_OK
    changed = graph.with_scenario(args.scenario).check(args.orders, as_of=args.as_of, engine=args.engine)
    diffs = [(b, s) for b, s in zip(base, changed, strict=True) if (b.verdict, b.rules) != (s.verdict, s.rules)]
    if args.format == "json":
        json.dump([{"order_id": b.order_id, "date": b.date.isoformat(), "base": b.to_dict(),
                    "scenario": s.to_dict()} for b, s in diffs], out, indent=2, ensure_ascii=False)
        print(file=out)
        return EXIT_OK
    rows = [[b.order_id, b.date, b.verdict, s.verdict, ", ".join(sorted(set(s.rules) - set(b.rules))),
             ", ".join(sorted(set(b.rules) - set(s.rules))),
             " | ".join(f"{r.rule}: {r.message}" for r in s.reasons if r.rule not in b.rules)]
            for b, s in diffs]
    (_csv if args.format == "csv" else _table)(
        ["order_id", "date", "base", "scenario", "rules_added", "rules_removed", "new_reasons"], rows, out)
    if args.format == "table":
        print(f"{len(diffs)} of {len(base)} verdicts change", file=sys.stderr)
    return EXIT_OK


def _percent(s) -> str:
    if s.percent is not None:
        return f"{_plain(s.percent)}%"
    if s.percent_min is not None or s.percent_max is not None:
        return f"{_plain(s.percent_min) if s.percent_min is not None else '?'}-" \
               f"{_plain(s.percent_max) if s.percent_max is not None else '?'}%"
    return "stake unknown"


def cmd_query(args, out) -> int:
    graph = _open(args)
    if args.list:
        rows = [(name, q.summary, ", ".join(f"{p.name}:{p.type}" for p in q.params))
                for name, q in sorted(graph.queries.items())]
        _emit(args, out, ["name", "summary", "params"], rows)
        return EXIT_OK
    params: dict[str, str] = {}
    for kv in args.param:
        if "=" not in kv:
            raise InputError(f"--param {kv!r}: expected NAME=VALUE")
        k, v = kv.split("=", 1)
        params[k] = v
    name = args.query
    q = graph.queries.get(name) if not name.endswith(".rq") else None
    declared = {p.name for p in (q.params if q else ())}
    if "asOf" in declared and "asOf" not in params:
        params["asOf"] = (args.as_of or dt.date.today()).isoformat()
    result = graph.query(name, **params)
    _emit(args, out, list(result.columns), [[r.get(c) for c in result.columns] for r in result.rows])
    return EXIT_OK


def _emit(args, out, columns, rows) -> None:
    if args.format == "json":
        json.dump([dict(zip(columns, map(_plain, r), strict=True)) for r in rows], out, indent=2,
                  ensure_ascii=False)
        print(file=out)
    else:
        (_csv if args.format == "csv" else _table)(columns, rows, out)


def cmd_build(args, out) -> int:
    from .build import build

    data_dir = args.data_dir or settings.shared_data_dir()
    if not data_dir.is_dir():
        raise InputError("no such folder; give --data-dir or set EXPORTGRAPH_DATA_DIR",
                         source=str(data_dir))
    counts = build(data_dir, progress=lambda m: print(m, file=sys.stderr))
    _emit(args, out, ["file", "triples"], sorted(counts.items()))
    return EXIT_OK


VERBS = {"info": cmd_info, "entity": cmd_entity, "query": cmd_query, "check": cmd_check, "build": cmd_build}
