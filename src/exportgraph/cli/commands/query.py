"""`query`: a named query or a .rq file, or the list of the named queries."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from ...errors import InputError
from ..common import EXIT_OK, open_graph
from ..options import Parents, Verbs
from ..output import emit


def add_parsers(sub: Verbs, parents: Parents) -> None:
    q = sub.add_parser("query", parents=[parents.common], help="run a named query or a .rq file")
    q.add_argument(
        "query",
        nargs="?",
        help="a name from `exportgraph query --list`, a path to a .rq file, or - (the query's text on standard input)",
    )
    q.add_argument("--param", action="append", default=[], metavar="K=V", help="a parameter of the query (repeatable)")
    q.add_argument("--list", action="store_true", help="list the named queries instead")


def cmd_query(args: argparse.Namespace, out: TextIO) -> int:
    graph = open_graph(args, light=True)
    if args.list:
        rows = [
            (name, q.summary, ", ".join(f"{p.name}:{p.type}" for p in q.params))
            for name, q in sorted(graph.queries.items())
        ]
        emit(args, out, ["name", "summary", "params"], rows)
        return EXIT_OK
    if args.query is None:
        raise InputError("give a query (a name from `exportgraph query --list`, a .rq file or -), or --list")
    params: dict[str, str] = {}
    for kv in args.param:
        if "=" not in kv:
            raise InputError(f"--param {kv!r}: expected NAME=VALUE")
        k, v = kv.split("=", 1)
        params[k] = v
    if "as_of" in params and "asOf" not in params:  # the Python API's name of it, accepted here too
        params["asOf"] = params.pop("as_of")
    name = args.query
    q = graph.queries.get(name) if not name.endswith(".rq") else None
    declared = {p.name for p in (q.params if q else ())}
    if "asOf" in declared and "asOf" not in params:
        params["asOf"] = (args.as_of or dt.date.today()).isoformat()
    result = graph.run_query(name, params)
    emit(args, out, list(result.columns), [[r.get(c) for c in result.columns] for r in result.rows])
    return EXIT_OK


VERBS = {"query": cmd_query}
