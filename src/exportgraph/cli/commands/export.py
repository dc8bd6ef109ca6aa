"""`export`, `view` and `dump`: the graph, or a neighbourhood of it, written to files."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TextIO, cast

from ...errors import InputError
from ...export import FORMATS as EXPORT_FORMATS
from ...export import INCLUDE as EXPORT_INCLUDE
from ...export import atomic, check_target, parse_include
from ...store import EmbeddedStore
from ..common import EXIT_OK, open_graph
from ..options import Parents, Verbs


def add_parsers(sub: Verbs, parents: Parents) -> None:
    xp = sub.add_parser(
        "export",
        parents=[parents.base],
        help="the graph, or one organisation's neighbourhood, for "
        "Gephi, yEd, Cytoscape, Graphviz, Neo4j or linked-data tools",
    )
    xp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    xp.add_argument("-o", "--output", default="-", help="file to write (a directory for neo4j; default stdout)")
    xp.add_argument(
        "--focus",
        metavar="NAME",
        default=None,
        help="only this organisation's neighbourhood (a name, alias or IRI); default: the whole graph",
    )
    xp.add_argument("--depth", type=int, default=2, help="ownership levels up and down from --focus (default 2)")
    xp.add_argument(
        "--include",
        default=None,
        metavar="KINDS",
        help="comma-separated, from " + ",".join(EXPORT_INCLUDE) + " (default: all)",
    )
    vw = sub.add_parser(
        "view",
        parents=[parents.base],
        help="a picture of one organisation's ownership neighbourhood: "
        "an interactive HTML page (works offline), or SVG/PNG for reports",
    )
    vw.add_argument("name", help="a name, alias or IRI")
    vw.add_argument("--depth", type=int, default=2, help="ownership levels up and down (default 2)")
    vw.add_argument("--format", choices=("html", "svg", "png"), default="html")
    vw.add_argument("-o", "--output", default=None, help="file to write (default: NAME.html, .svg or .png)")
    dp = sub.add_parser(
        "dump",
        parents=[parents.base],
        help="the whole graph as N-Quads (the data, derived facts and "
        "import records; not a store's per-source copies), for a SPARQL server's bulk loader",
    )
    dp.add_argument(
        "--format",
        choices=("nquads", "parquet"),
        default="nquads",
        help="nquads (default), or parquet: the columnar tables the 50%% rule runs on (parties, "
        "stakes, list entries, subsidiary links), one file each in the -o directory, for Spark or DuckDB",
    )
    dp.add_argument("-o", "--output", required=True, help="the .nq file to write (a directory for parquet)")


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    check_target(args.format, args.output)  # refuse what cannot be written before opening the graph
    parse_include(args.include)
    if args.depth < 0:
        raise InputError(f"--depth must be 0 or more, not {args.depth}")
    written = open_graph(args).export(
        args.format, args.output, focus=args.focus, depth=args.depth, as_of=args.as_of, include=args.include
    )
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def cmd_view(args: argparse.Namespace, out: TextIO) -> int:
    graph = open_graph(args)
    path = args.output or f"{_slug(args.name)}.{args.format}"
    written = graph.view(args.name, path, depth=args.depth, as_of=args.as_of, fmt=args.format)
    print(f"wrote {written}", file=sys.stderr)
    return EXIT_OK


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.rsplit("/", 1)[-1].lower()).strip("-")[:60] or "view"


def cmd_dump(args: argparse.Namespace, out: TextIO) -> int:
    if args.endpoint:
        raise InputError("dump reads the bundled graph or a --store; a remote store has its own export")
    if args.output == "-":
        raise InputError("-o -: dump writes a file (N-Quads can be large); give -o FILE.nq")
    if args.format == "parquet":
        return _dump_parquet(args)
    target = Path(args.output)
    if not target.parent.is_dir():
        raise InputError(f"-o {args.output}: directory {target.parent} does not exist")
    if target.is_dir():
        raise InputError(f"-o {args.output}: is a directory; give a file name")
    store = cast(EmbeddedStore, open_graph(args).store)  # without --endpoint the store is the embedded one
    with atomic(target) as tmp, tmp.open("wb") as fh:
        store.write_nquads(fh)
    print(f"exportgraph: wrote {target} ({target.stat().st_size:,} bytes)", file=sys.stderr)
    return EXIT_OK


def _dump_parquet(args: argparse.Namespace) -> int:
    target = Path(args.output)
    if target.exists() and not target.is_dir():
        raise InputError(f"-o {args.output}: is a file; parquet writes a directory of files")
    if not target.parent.is_dir():
        raise InputError(f"-o {args.output}: directory {target.parent} does not exist")
    graph = open_graph(args)
    tables = graph.coverage.tables()
    if tables is None:
        raise InputError(f"the graph holds data the tables do not represent exactly: {graph.coverage.fallback}")
    from ...spark import require

    require("pyarrow", what="--format parquet")
    from ...spark import parquet

    for path in parquet.write(tables, target).values():
        print(f"exportgraph: wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return EXIT_OK


VERBS = {"export": cmd_export, "view": cmd_view, "dump": cmd_dump}
