"""The ``exportgraph`` command: one entry point, verbs, options after the verb.

Exit codes: 0 success; 2 usage or input error (bad file, row, date, parameter or query);
3 the name or IRI matches no party, or several.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import signal
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

from . import __version__, settings
from .check import COLUMNS, ENGINES, LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED
from .errors import AmbiguousError, ExportGraphError, InputError, NotFoundError
from .export import FORMATS as EXPORT_FORMATS
from .export import INCLUDE as EXPORT_INCLUDE
from .imports import READERS as IMPORT_READERS
from .present import exposure_json, percent_of_json, percent_text, plain, route_json, screening_json
from .screen import DEFAULT_THRESHOLD

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_VERDICT = 0, 2, 3, 4
IMPORT_KINDS = tuple(IMPORT_READERS)
FORMATS = ("table", "json", "jsonl", "csv")  # of the verbs that print results
JSON_FORMATS = ("json", "jsonl")
STDIN = "-"  # a file argument that names standard input
STDIN_NAME = "<stdin>"  # what messages call it
MIN_TABLE_WIDTH = 60  # a table wraps to the terminal's width, but never to fewer columns than this
MIN_COLUMN_WIDTH = 8
SHORT_CELL = 30  # a wrapped table gives each column this much before the long ones share the rest


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _verdicts(text: str) -> frozenset[str]:
    known = (LICENSE_REQUIRED, NEEDS_REVIEW, NO_LICENSE_REQUIRED)
    found = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in found if x not in known]
    if bad or not found:
        raise argparse.ArgumentTypeError(
            f"unknown verdict {bad[0]!r}; expected some of {', '.join(known)}" if bad else "no verdict given"
        )
    return frozenset(found)


def _reason_text(r) -> str:
    """A reason in one line of the table: the rule, the message and what it rests on."""
    bits = [b for b in (r.citation, r.cfr, r.review_policy and f"review: {r.review_policy}") if b]
    return f"{r.rule}: {r.message}" + (f" ({'; '.join(bits)})" if bits else "")


def _exceptions_text(r) -> str:
    return ", ".join(f"{x.exception} {x.status} ({x.cfr})" for x in r.license_exceptions)


def _footnotes_text(r) -> str:
    return ", ".join(f"footnote {f.footnote}: {f.meaning} ({f.cfr})" for f in r.footnotes)


def _in_force_text(r) -> str:
    out = []
    for x in r.in_force:
        text = f"{x.citation or x.rule}: {_cell(x.start) or '?'} to {_cell(x.end) or 'today'}"
        text += "".join(f", suspended {_cell(a)} to {_cell(b)}" for a, b in x.suspended)
        out.append(text)
    return "; ".join(out)


def _parser() -> argparse.ArgumentParser:
    base = argparse.ArgumentParser(add_help=False)  # what every verb takes
    base.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="PATH",
        help="extra data: Turtle, N-Triples, JSON-LD, RDF/XML, or a parties, "
        "ownership, listings, supply or judgements CSV (repeatable; - reads standard input)",
    )
    base.add_argument(
        "--as-of", type=_date, default=None, metavar="YYYY-MM-DD", help="answer as of this date (default: today)"
    )
    base.add_argument(
        "--store",
        default=settings.store_dir(),
        metavar="DIR",
        help="keep the graph on disk in DIR (default: EXPORTGRAPH_STORE; without it, the "
        "bundled graph in memory); a new DIR gets the bundled graph, `import` adds to it",
    )
    base.add_argument(
        "--endpoint",
        default=settings.endpoint(),
        metavar="URL",
        help="work on a remote SPARQL 1.1 store instead of the embedded one (default: "
        "EXPORTGRAPH_ENDPOINT); credentials from EXPORTGRAPH_ENDPOINT_USER/_PASSWORD",
    )
    base.add_argument(
        "--update-endpoint",
        default=settings.update_endpoint(),
        metavar="URL",
        help="its SPARQL Update URL, for loading and for derived facts (the 50%% rule, orders)",
    )
    base.add_argument(
        "--graph",
        default=settings.graph(),
        metavar="IRI",
        help="with --endpoint: write into this named graph (Virtuoso, whose default graph is the union of its graphs)",
    )
    common = argparse.ArgumentParser(add_help=False, parents=[base])  # verbs that print a table, JSON or CSV
    common.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (wrapped to the terminal), json (one document), jsonl (JSON Lines: one "
        "object a line, the items of json's list) or csv (default: table)",
    )
    common.add_argument(
        "--wide",
        action="store_true",
        help="tables: one line per row, long cells unwrapped (for wide terminals and grep)",
    )
    common.add_argument("-o", "--output", default="-", help="write here instead of stdout")

    p = argparse.ArgumentParser(
        prog="exportgraph",
        description="A knowledge graph of AI-chip export controls.",
        epilog="Exit codes: 0 ok; 2 usage or input error; 3 name not found or ambiguous.",
    )
    p.add_argument("--version", action="version", version=f"exportgraph {__version__}")
    sub = p.add_subparsers(dest="verb", required=True)
    sub.add_parser("info", parents=[common], help="counts and data version")
    sub.add_parser(
        "load",
        parents=[common],
        help="load the ontology, the bundled graph and --data into the "
        "--endpoint store (an empty one) and derive the facts there; prints the counts",
    )
    e = sub.add_parser(
        "entity",
        parents=[common],
        help="profile of one party: names, country, listings with citations, owners, subsidiaries",
    )
    e.add_argument("name", help="a name, alias or IRI")
    q = sub.add_parser("query", parents=[common], help="run a named query or a .rq file")
    q.add_argument(
        "query",
        help="a name from `exportgraph query --list`, a path to a .rq file, or - (the query's text on standard input)",
    )
    q.add_argument("--param", action="append", default=[], metavar="K=V", help="a parameter of the query (repeatable)")
    q.add_argument("--list", action="store_true", help="list the named queries instead")
    c = sub.add_parser(
        "check",
        parents=[common],
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
        type=_verdicts,
        help="exit 4 when any order gets one of these verdicts (comma-separated, from "
        "license_required, needs_review, no_license_required), e.g. "
        "--fail-on license_required,needs_review; default: exit 0 whatever the verdicts",
    )
    c.add_argument(
        "--engine",
        choices=ENGINES,
        default="store",
        help="SHACL engine: store (default; bulk SPARQL in the store), turbo or pyshacl",
    )
    s = sub.add_parser(
        "screen",
        parents=[common],
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
        help=f"lowest score that is a match (default {DEFAULT_THRESHOLD})",
    )
    s.add_argument("--limit", type=int, default=10, help="most matches per name (default 10)")
    x = sub.add_parser(
        "exposure",
        parents=[common],
        help="one organisation's exposure: listings, owners "
        "up to the ultimate parent, subsidiaries down the chain, the 50%% rule, integrated ownership",
    )
    x.add_argument("name", help="a name, alias or IRI")
    r = sub.add_parser(
        "routes",
        parents=[common],
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
    v = sub.add_parser(
        "serve",
        parents=[common],
        help="a SPARQL 1.1 endpoint at /sparql, the named queries "
        "and the jobs (check, screen, exposure) over HTTP, with a query page at /",
    )
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    v.add_argument("--port", type=int, default=7878)
    v.add_argument("--workers", type=int, default=2, help="SPARQL engine processes (default 2)")
    v.add_argument("--timeout", type=float, default=5.0, help="seconds a SPARQL query may run (default 5)")
    v.add_argument("--max-bytes", type=int, default=50_000_000, help="largest SPARQL result sent (default 50 MB)")
    v.add_argument("--allow-update", action="store_true", help="accept SPARQL Update (needs --token)")
    v.add_argument(
        "--token", default=settings.token(), help="the bearer token updates must carry (default: EXPORTGRAPH_TOKEN)"
    )
    v.add_argument(
        "--job-timeout",
        type=float,
        default=180.0,
        help="seconds a job (/check, /screen, /exposure, /queries/NAME) may run (default 180: "
        "10,000 orders take about 100 s on two cores)",
    )
    v.add_argument("--max-orders", type=int, default=10_000, help="orders per POST /check (default 10,000)")
    v.add_argument("--max-names", type=int, default=100_000, help="names per POST /screen (default 100,000)")
    v.add_argument(
        "--max-connections", type=int, default=64, help="connections served at once; more get 503 (default 64)"
    )
    v.add_argument(
        "--allow-service",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="a SPARQL endpoint that queries may name in SERVICE (repeatable; default: none, SERVICE is refused)",
    )
    v.add_argument(
        "--cors",
        metavar="ORIGIN",
        default=None,
        help="allow cross-origin requests from this origin (scheme://host[:port], or *; default: off)",
    )
    xp = sub.add_parser(
        "export",
        parents=[base],
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
        parents=[base],
        help="a picture of one organisation's ownership neighbourhood: "
        "an interactive HTML page (works offline), or SVG/PNG for reports",
    )
    vw.add_argument("name", help="a name, alias or IRI")
    vw.add_argument("--depth", type=int, default=2, help="ownership levels up and down (default 2)")
    vw.add_argument("--format", choices=("html", "svg", "png"), default="html")
    vw.add_argument("-o", "--output", default=None, help="file to write (default: NAME.html, .svg or .png)")
    dp = sub.add_parser(
        "dump",
        parents=[base],
        help="the whole graph as N-Quads (the data, derived facts and "
        "import records; not a store's per-source copies), for a SPARQL server's bulk loader",
    )
    dp.add_argument("-o", "--output", required=True, help="the .nq file to write")
    im = sub.add_parser(
        "import",
        parents=[common],
        help="import a source file into the --store: "
        "whole or not at all; shows what entries it adds, removes and changes",
    )
    im.add_argument("kind", choices=IMPORT_KINDS, help="the source format")
    im.add_argument("file", help="the file to import")
    im.add_argument("--dry-run", action="store_true", help="read, check and compare; write nothing")
    im.add_argument("--diff", action="store_true", help="list every entry added, removed or changed")
    ch = sub.add_parser(
        "changes", parents=[common], help="entries added to and removed from a list between two dates, with citations"
    )
    ch.add_argument(
        "--list", required=True, dest="list_name", metavar="LIST", help="entity-list, meu-list, dod-1260h, ..."
    )
    ch.add_argument("--since", type=_date, required=True, metavar="YYYY-MM-DD")
    ch.add_argument("--until", type=_date, default=None, metavar="YYYY-MM-DD", help="default: today")
    dd = sub.add_parser(
        "dedupe",
        parents=[base],
        help="pairs of party records that may be one organisation "
        "(a name, alias, identifier or address in common, or names alike), scored and explained: "
        "a review file to fill (decision accept, reject or skip; source; note) and load back "
        "with --data or `import csv`",
    )
    dd.add_argument(
        "--format", choices=FORMATS, default="csv", help="csv (the review file; default), table, json or jsonl"
    )
    dd.add_argument("--wide", action="store_true", help="tables: one line per row, long cells unwrapped")
    dd.add_argument("-o", "--output", default="-", help="write here instead of stdout")
    dd.add_argument(
        "--threshold",
        type=int,
        default=None,
        metavar="0-100",
        help="lowest name similarity proposed when nothing else is shared (default 90)",
    )
    dd.add_argument(
        "--all",
        action="store_true",
        dest="everyone",
        help="any two records (default: pairs with a listed record on one side)",
    )
    dd.add_argument(
        "--across-lists", action="store_true", help="only pairs whose records are on different lists (or one on none)"
    )
    dd.add_argument("--limit", type=int, default=None, help="at most this many pairs, best first")
    b = sub.add_parser("build", parents=[common], help="regenerate graph/generated/ from the datasets")
    b.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of the public datasets (default: EXPORTGRAPH_DATA_DIR or shared/data)",
    )
    for choice in sub._choices_actions:  # `exportgraph VERB --help` says what the verb does
        verb = sub.choices[choice.dest]
        verb.description = verb.description or (choice.help or "").replace("%%", "%")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    stdin = _Stdin()
    try:
        stdin.take(args)  # `-` for a file: standard input, read into a file of its own
    except InputError as exc:
        print(f"exportgraph: error: {exc}", file=sys.stderr)
        stdin.close()
        return EXIT_USAGE
    # export and view write their own files (whole or not at all)
    own = args.verb in ("export", "view", "dump")
    try:
        out = sys.stdout if own or args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    except OSError as exc:
        print(f"exportgraph: error: -o {args.output}: {exc.strerror}", file=sys.stderr)
        stdin.close()
        return EXIT_USAGE
    try:
        return VERBS[args.verb](args, out)
    except (NotFoundError, AmbiguousError) as exc:
        print(f"exportgraph: {stdin.named(exc)}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except InputError as exc:
        print(f"exportgraph: error: {stdin.named(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except ExportGraphError as exc:
        print(f"exportgraph: error: {stdin.named(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader (e.g. `head`) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    finally:
        if out is not sys.stdout:
            out.close()
        stdin.close()


# the arguments that name a file a verb reads, by attribute (the `--data` list apart): `-` is standard input
_FILE_ARGS = {"orders": "the orders", "scenario": "--scenario", "names": "the names CSV", "query": "the query"}


class _Stdin:
    """Standard input for the one file argument given as ``-``: read whole into a file in a temporary
    folder (the readers take paths, and a file is read twice by `check --scenario`), named
    ``stdin.csv`` (or ``.ttl``, ``.jsonld``, ``.rdf``, ``.rq``, ``.ru``, by what it holds), removed
    afterwards. Messages name it ``<stdin>``."""

    def __init__(self) -> None:
        self.folder: tempfile.TemporaryDirectory | None = None
        self.path: Path | None = None

    def take(self, args) -> None:
        slots: list[tuple[str, int | None, str]] = [
            (attr, None, label) for attr, label in _FILE_ARGS.items() if getattr(args, attr, None) == STDIN
        ]
        if args.verb == "query" and getattr(args, "list", False):
            slots = [s for s in slots if s[0] != "query"]
        slots += [("data", i, "--data") for i, d in enumerate(getattr(args, "data", [])) if d == STDIN]
        if args.verb == "import" and args.file == STDIN:
            raise InputError(
                "import reads a file: the store records the file's name and keeps a copy per "
                "file name; save standard input to a file and import that"
            )
        if not slots:
            return
        if len(slots) > 1:
            raise InputError(
                "- (standard input) can be given once; it is given for "
                + ", ".join(label for _, _, label in slots)
                + ": give the others as files"
            )
        attr, index, _ = slots[0]
        data = sys.stdin.buffer.read()
        self.folder = tempfile.TemporaryDirectory(prefix="exportgraph-stdin-")
        self.path = Path(self.folder.name) / ("stdin" + _stdin_suffix(attr, data))
        self.path.write_bytes(data)
        if index is None:
            setattr(args, attr, str(self.path))
        else:
            args.data[index] = str(self.path)

    def named(self, exc: Exception) -> str:
        """The message, with the temporary file called what it is to the user: standard input."""
        text = str(exc)
        return text if self.path is None else text.replace(str(self.path), STDIN_NAME)

    def close(self) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None


def _stdin_suffix(attr: str, data: bytes) -> str:
    """What standard input holds, by its first characters: a query, an update, RDF or (else) CSV."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if attr == "query":
        return ".rq"
    if attr == "names":
        return ".csv"
    if attr == "scenario":
        update = re.search(rb"(?im)^\s*(INSERT|DELETE|WITH|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", head)
        return ".ru" if update else ".ttl"
    if head[:1] in (b"{", b"["):
        return ".jsonld"
    if head.startswith(b"<?xml") or re.match(rb"<[A-Za-z][\w.-]*:RDF\b", head):
        return ".rdf"
    if head[:1] in (b"@", b"<", b"#") or re.match(rb"(?i)(PREFIX|BASE)\s", head):
        return ".ttl"
    return ".csv"


def _open(args):
    from .api import ExportGraph

    return ExportGraph.open(
        args.data, endpoint=args.endpoint, update_endpoint=args.update_endpoint, graph=args.graph, store=args.store
    )


def _json(args, out, value) -> None:
    """``--format json``: one indented document. ``--format jsonl`` (JSON Lines): each item of the
    list that json prints, one compact object a line; an output that is one object is one line."""
    if args.format == "jsonl":
        for item in value if isinstance(value, list) else [value]:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    json.dump(value, out, indent=2, ensure_ascii=False)
    print(file=out)


def _grid(args):
    """The writer of rows in the chosen format: CSV, or a table (``--wide``: unwrapped)."""
    if args.format == "csv":
        return _csv
    wide = getattr(args, "wide", False)
    return lambda columns, rows, out: _table(columns, rows, out, wide=wide)


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], out, *, wide: bool = False, width: int | None = None
) -> None:
    """Rows under their column names, nothing cut: a cell longer than its column wraps onto more
    lines within it, so that the table fits ``width`` (default: ``_table_width``). A word is never
    broken (an IRI, a citation, a CFR paragraph): one longer than its column stands out past it, and
    the row's next columns go on from the line below. ``wide``, or no width (a file or a pipe):
    every row on one line, however long."""
    width = None if wide else width or _table_width(out)
    wide = width is None
    cells = [[_cell(v) for v in row] for row in rows]
    if wide:
        cells = [[" ".join(v.splitlines()) for v in row] for row in cells]
    head = list(columns)
    natural = [max([len(h)] + [len(line) for r in cells for line in r[i].splitlines()]) for i, h in enumerate(head)]
    widths = natural if width is None else _fit(head, cells, natural, width)
    starts = [sum(widths[:i]) + 2 * i for i in range(len(widths))]
    for r in [head, ["-" * w for w in widths], *cells]:
        queues = [([v] if wide else _wrap(v, w)) if v else [] for v, w in zip(r, widths, strict=True)]
        taken = [0] * len(queues)
        printed = False
        while any(t < len(q) for t, q in zip(taken, queues, strict=True)) or not printed:
            line = ""
            for i, q in enumerate(queues):
                # a column's next line goes on this line unless an overlong word before it reaches its place
                if taken[i] < len(q) and (not line or len(line) <= starts[i] - 2):
                    line = line.ljust(starts[i]) + q[taken[i]]
                    taken[i] += 1
            print(line.rstrip(), file=out)
            printed = True


def _table_width(out) -> int | None:
    """The width a table wraps to: the terminal's (``shutil.get_terminal_size``: ``COLUMNS`` if set,
    else the terminal's own), at least ``MIN_TABLE_WIDTH``, when ``COLUMNS`` is set or the table goes
    to a terminal; ``None`` (no wrapping: one line a row, for grep) when it goes to a file or a pipe."""
    try:
        terminal = out.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal and not settings.columns_given():
        return None
    return max(shutil.get_terminal_size((100, 24)).columns, MIN_TABLE_WIDTH)


def _fit(head: list[str], cells: list[list[str]], natural: list[int], width: int) -> list[int]:
    """Column widths that fit ``width``: each column at least its longest word (so that no word
    breaks) or ``MIN_COLUMN_WIDTH``, the room left shared out to the columns that want more."""
    room = width - 2 * (len(natural) - 1)
    if sum(natural) <= room:
        return natural
    longest = [
        max([len(w) for text in [h] + [r[i] for r in cells] for w in text.split()] or [0]) for i, h in enumerate(head)
    ]
    widths = [min(n, max(MIN_COLUMN_WIDTH, lw)) for n, lw in zip(natural, longest, strict=True)]
    if sum(widths) > room:  # words too long for the room (IRIs): their columns get a share, the words stand out
        fits = max(
            (c for c in range(MIN_COLUMN_WIDTH, max(widths) + 1) if sum(min(w, c) for w in widths) <= room),
            default=MIN_COLUMN_WIDTH,
        )
        widths = [min(w, fits, SHORT_CELL) for w in widths]
    left = room - sum(widths)
    # first every column up to a short text's width, in equal shares (ids, dates, names stay on a line)
    caps = [min(n, SHORT_CELL) for n in natural]
    while left > 0 and (wanting := [i for i, w in enumerate(widths) if w < caps[i]]):
        share = max(1, left // len(wanting))
        for i in wanting:
            grow = min(share, caps[i] - widths[i], left)
            widths[i] += grow
            left -= grow
    # then the rest to the long columns (reasons, paths, explanations), in proportion to what each lacks
    lacking: list[int] = [max(0, n - w) for n, w in zip(natural, widths, strict=True)]
    total_lacking: int = sum(lacking)
    if left > 0 and total_lacking > 0:
        grants = [min(need, left * need // sum(lacking)) for need in lacking]
        most = lacking.index(max(lacking))  # what rounding left over goes to the column that lacks most
        grants[most] += min(left - sum(grants), lacking[most] - grants[most])
        widths = [w + g for w, g in zip(widths, grants, strict=True)]
    return widths


def _wrap(text: str, width: int) -> list[str]:
    """A cell's lines, at most ``width`` wide where no word is longer; its own line breaks kept."""
    out = []
    for para in text.splitlines() or [""]:
        out += textwrap.wrap(para, width, break_long_words=False, break_on_hyphens=False) or [""]
    return out


def _cell(v) -> str:
    v = plain(v)
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
    graph = _open(args)
    info = graph.info()
    current = graph.currency()
    if args.format in JSON_FORMATS:
        _json(args, out, {**info, "currency": current})
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
    _grid(args)(["count", "value"], rows, out)
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
    if args.format in JSON_FORMATS:
        _json(args, out, plain(ent))
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
                f"{li.list}{via} since {_cell(li.date_added)} ({state}){fn}",
                "; ".join(f"{c.label}, {_cell(c.published)}" for c in li.citations),
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
    _grid(args)(["field", "value", "source"], rows, out)
    return EXIT_OK


def _item(args, item, out) -> int:
    if args.format in JSON_FORMATS:
        _json(args, out, plain(item))
        return EXIT_OK
    rows = [("name", item.name, ""), ("iri", item.iri, "")]
    rows += [
        ("throughput", f"{p}: {_cell(t)} dense TOPS x {b} bits = {_cell(t * b)}", "") for p, t, b in item.throughput
    ]
    rows.append(
        (
            "TPP",
            _cell(item.tpp) if item.tpp is not None else "unknown (no throughput figures)",
            "max over precisions of dense TOPS x bit length",
        )
    )
    rows.append(("die area", f"{_cell(item.die_area)} mm2" if item.die_area is not None else "unknown", ""))
    rows.append(
        (
            "performance density",
            _cell(item.performance_density) if item.performance_density is not None else "unknown",
            "TPP / die area",
        )
    )
    rows.append(
        (
            "interconnect",
            f"{_cell(item.interconnect)} GB/s" if item.interconnect is not None else "unknown",
            "aggregate bidirectional I/O rate (the October 2022 test of 3A090)",
        )
    )
    for c in item.criteria:
        bounds = ", ".join(f"{k} {_cell(v)}" for k, v in c.bounds.items())
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
    _grid(args)(["field", "value", "note"], rows, out)
    return EXIT_OK


def cmd_check(args, out) -> int:
    graph = _open(args)
    base = graph.check(args.orders, as_of=args.as_of, engine=args.engine)
    if args.scenario is None:
        if args.format in JSON_FORMATS:
            _json(args, out, [v.to_dict() for v in base])
            return _exit_for(args, base)
        if args.format == "csv":
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
            _csv(
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
        else:
            rows = [
                [v.order_id, v.date, v.verdict, ", ".join(v.rules), " | ".join(_reason_text(r) for r in v.reasons)]
                for v in base
            ]
            _grid(args)(["order_id", "date", "verdict", "rules", "reasons"], rows, out)
            details = [
                (v.order_id, r)
                for v in base
                for r in v.reasons
                if r.license_exceptions or r.footnotes or r.in_force or r.notes
            ]
            if details:
                print(file=out)
                for oid, r in details:
                    print(f"{oid} {r.rule}:", file=out)
                    for label, text in (
                        ("paragraph", r.cfr),
                        (
                            "review policy",
                            r.review_policy
                            and (r.review_policy + (f" ({r.review_policy_cfr})" if r.review_policy_cfr else "")),
                        ),
                        ("licence exceptions", _exceptions_text(r)),
                        ("footnotes", _footnotes_text(r)),
                        ("in force", _in_force_text(r)),
                        ("note", "; ".join(r.notes)),
                    ):
                        if text:
                            print(f"  {label}: {text}", file=out)
        return _exit_for(args, base)
    changed = graph.with_scenario(args.scenario).check(args.orders, as_of=args.as_of, engine=args.engine)
    diffs = [(b, s) for b, s in zip(base, changed, strict=True) if (b.verdict, b.rules) != (s.verdict, s.rules)]
    if args.format in JSON_FORMATS:
        _json(
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
    _grid(args)(["order_id", "date", "base", "scenario", "rules_added", "rules_removed", "new_reasons"], rows, out)
    if args.format == "table":
        print(f"{len(diffs)} of {len(base)} verdicts change", file=sys.stderr)
    return _exit_for(args, changed)


def _exit_for(args, verdicts) -> int:
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


def cmd_query(args, out) -> int:
    graph = _open(args)
    if args.list:
        rows = [
            (name, q.summary, ", ".join(f"{p.name}:{p.type}" for p in q.params))
            for name, q in sorted(graph.queries.items())
        ]
        _emit(args, out, ["name", "summary", "params"], rows)
        return EXIT_OK
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
    _emit(args, out, list(result.columns), [[r.get(c) for c in result.columns] for r in result.rows])
    return EXIT_OK


def _emit(args, out, columns, rows) -> None:
    if args.format in JSON_FORMATS:
        _json(args, out, [dict(zip(columns, map(plain, r), strict=True)) for r in rows])
    else:
        _grid(args)(columns, rows, out)


def cmd_screen(args, out) -> int:
    if bool(args.names) == bool(args.name):
        raise InputError("give a names CSV or --name NAME (not both)")
    if args.names and args.country:
        raise InputError("--country applies to --name; a CSV gives a country column")
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    names = Path(args.names) if args.names else [{"name": n, "country": args.country} for n in args.name]
    graph = _open(args)
    results = graph.screen(names, threshold=args.threshold, as_of=args.as_of, limit=args.limit)
    if args.format in JSON_FORMATS:
        _json(args, out, [screening_json(r) for r in results])
        return EXIT_OK
    rows = []
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
                        f"{li.list} {_cell(li.date_added)} ({', '.join(c.label for c in li.citations)})"
                        for li in m.lists
                        if li.in_force
                    ),
                    m.affiliates_rule.status,
                    "; ".join(m.why),
                ]
            )
    columns = ["id", "input", "score", "name", "matched_name", "lists", "affiliates_rule", "why"]
    _grid(args)(columns, rows, out)
    return EXIT_OK


def cmd_exposure(args, out) -> int:
    e = _open(args).exposure(args.name, args.as_of)
    if args.format in JSON_FORMATS:
        _json(args, out, exposure_json(e))
        return EXIT_OK
    ent, rule = e.entity, e.affiliates_rule
    rows = [("entity", f"{ent.name} ({', '.join(ent.countries)})", ent.iri), ("as of", ent.as_of.isoformat(), "")]
    for li in e.listings:
        rows.append(
            (
                "listing",
                f"{li.list} since {_cell(li.date_added)}" + ("" if li.in_force else " (not in force)"),
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
        figure = f"{_cell(i.percent_min)}%" if i.exact else f"{_cell(i.percent_min)}-{_cell(i.percent_max)}%"
        rows.append(
            (
                "integrated ownership",
                f"{i.name or i.owner} (listed): {figure} over {i.paths} path(s)",
                "risk figure: stakes multiplied through; not the 50% rule",
            )
        )
    _grid(args)(["field", "value", "note"], rows, out)
    return EXIT_OK


def cmd_routes(args, out) -> int:
    if args.to and args.destination:
        raise InputError("give --to or --destination, not both")
    if args.limit < 1 or (args.max_hops is not None and args.max_hops < 2):
        raise InputError("--limit must be at least 1 and --max-hops at least 2")
    found = _open(args).routes(
        to=args.to,
        destination=args.destination,
        via=args.via,
        as_of=args.as_of,
        orders=args.orders,
        max_hops=args.max_hops,
    )
    shown = found[: args.limit]
    if args.format in JSON_FORMATS:
        _json(args, out, [route_json(x) for x in shown])
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
        _grid(args)(["score", "hops", "path", "reaches", "risk"], rows, out)
    if len(found) > len(shown):
        print(f"{len(found)} routes; showing the {len(shown)} riskiest (--limit)", file=sys.stderr)
    return EXIT_OK


def cmd_build(args, out) -> int:
    from .build import build

    data_dir = args.data_dir or settings.shared_data_dir()
    if not data_dir.is_dir():
        raise InputError("no such folder; give --data-dir or set EXPORTGRAPH_DATA_DIR", source=str(data_dir))
    counts = build(data_dir, progress=lambda m: print(m, file=sys.stderr))
    _emit(args, out, ["file", "triples"], sorted(counts.items()))
    return EXIT_OK


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server the way Ctrl-C does, engines included


def cmd_serve(args, out) -> int:
    from .server import make_app, make_server

    if args.endpoint:
        raise InputError("serve runs its own store; --endpoint is for the other verbs")
    app = make_app(
        args.data,
        store_dir=args.store,
        workers=args.workers,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        allow_update=args.allow_update,
        token=args.token,
        job_timeout=args.job_timeout,
        max_orders=args.max_orders,
        max_names=args.max_names,
        max_connections=args.max_connections,
        allow_service=args.allow_service,
        cors=args.cors,
    )
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        app.close()
        raise InputError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"exportgraph: warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    print(
        f"exportgraph: serving http://{args.host}:{server.server_port}/ (SPARQL at /sparql); Ctrl-C stops",
        file=sys.stderr,
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()
    return EXIT_OK


def cmd_export(args, out) -> int:
    from .export import check_target, parse_include

    check_target(args.format, args.output)  # refuse what cannot be written before opening the graph
    parse_include(args.include)
    if args.depth < 0:
        raise InputError(f"--depth must be 0 or more, not {args.depth}")
    written = _open(args).export(
        args.format, args.output, focus=args.focus, depth=args.depth, as_of=args.as_of, include=args.include
    )
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def cmd_view(args, out) -> int:
    graph = _open(args)
    path = args.output or f"{_slug(args.name)}.{args.format}"
    written = graph.view(args.name, path, depth=args.depth, as_of=args.as_of, fmt=args.format)
    print(f"wrote {written}", file=sys.stderr)
    return EXIT_OK


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.rsplit("/", 1)[-1].lower()).strip("-")[:60] or "view"


def imports_max() -> int:
    from .imports import PROPOSE_MAX

    return PROPOSE_MAX


def cmd_import(args, out) -> int:
    if not args.store:
        raise InputError("import needs a persistent store to keep what it imports: give --store DIR")
    s = _open(args).import_file(args.kind, args.file, as_of=args.as_of, dry_run=args.dry_run)
    counts = {w: sum(1 for c in s.changes if c.what == w) for w in ("added", "removed", "changed")}
    state = "dry run, nothing written" if args.dry_run else "unchanged" if s.unchanged else "imported"
    if args.format in JSON_FORMATS:
        _json(
            args,
            out,
            {
                "kind": s.kind,
                "file": s.file,
                "sha256": s.sha256,
                "status": state,
                "read": s.read,
                "triples": s.triples,
                "skipped": s.skipped,
                **counts,
                "changes": [dataclasses.asdict(c) for c in s.changes],
                "proposed_links": [
                    {
                        "left": c.left.iri,
                        "left_name": c.left.name,
                        "right": c.right.iri,
                        "right_name": c.right.name,
                        "score": c.score,
                        "evidence": list(c.evidence),
                    }
                    for c in s.proposed
                ],
            },
        )
        return EXIT_OK
    rows = [
        ("status", state),
        ("read", s.read),
        ("triples in the source's graph", s.triples),
        *((f"skipped: {reason}", n) for reason, n in sorted(s.skipped.items())),
        *((f"entries {w}", n) for w, n in counts.items()),
    ]
    if s.proposed:
        rows.append(
            ("possible links to listed parties (not merged; review with `exportgraph dedupe`)", len(s.proposed))
        )
    elif s.new_records > imports_max():
        rows.append((f"links not looked for ({s.new_records:,} new records; run `exportgraph dedupe`)", ""))
    _grid(args)(["", s.file], rows, out)
    if args.diff and s.changes:
        print(file=out)
        _grid(args)(
            ["change", "entry", "party", "details"],
            [(c.what, c.entry, c.name, "; ".join(c.details)) for c in s.changes],
            out,
        )
    return EXIT_OK


def cmd_changes(args, out) -> int:
    found = _open(args).changes(args.list_name, args.since, args.until)
    if args.format in JSON_FORMATS:
        _json(args, out, plain(found))
        return EXIT_OK
    rows = [("added", _cell(r["dateAdded"]), r["name"], r["country"], r["citation"]) for r in found["added"]]
    rows += [("removed", _cell(r["dateRemoved"]), r["name"], r["country"], r["citations"]) for r in found["removed"]]
    _grid(args)(["change", "date", "name", "country", "citation"], rows, out)
    return EXIT_OK


def cmd_dump(args, out) -> int:
    if args.endpoint:
        raise InputError("dump reads the bundled graph or a --store; a remote store has its own export")
    if args.output == "-":
        raise InputError("-o -: dump writes a file (N-Quads can be large); give -o FILE.nq")
    target = Path(args.output)
    if not target.parent.is_dir():
        raise InputError(f"-o {args.output}: directory {target.parent} does not exist")
    if target.is_dir():
        raise InputError(f"-o {args.output}: is a directory; give a file name")
    graph = _open(args)
    from .export import atomic

    with atomic(target) as tmp, tmp.open("wb") as fh:
        graph.store.write_nquads(fh)
    print(f"exportgraph: wrote {target} ({target.stat().st_size:,} bytes)", file=sys.stderr)
    return EXIT_OK


def cmd_dedupe(args, out) -> int:
    from . import dedupe

    threshold = dedupe.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 <= threshold <= 100:
        raise InputError(f"--threshold must be between 0 and 100, not {threshold}")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be 1 or more, not {args.limit}")
    found = dedupe.candidates(_open(args).store, threshold=threshold, everyone=args.everyone)
    if args.across_lists:
        found = [c for c in found if set(c.left.lists or ()) != set(c.right.lists or ())]
    found = found[: args.limit]
    print(f"exportgraph: {len(found)} candidate pairs (pairs already judged are not proposed again)", file=sys.stderr)
    if args.format == "csv":
        out.write(dedupe.review_csv(found))
        return EXIT_OK
    rows = list(csv.DictReader(io.StringIO(dedupe.review_csv(found))))
    if args.format in JSON_FORMATS:
        _json(args, out, rows)
        return EXIT_OK
    _grid(args)(
        ["score", "left", "right", "evidence"],
        [
            (
                r["score"],
                f"{r['left_name']} ({r['left_lists'] or 'no list'})",
                f"{r['right_name']} ({r['right_lists'] or 'no list'})",
                r["evidence"],
            )
            for r in rows
        ],
        out,
    )
    return EXIT_OK


def cmd_load(args, out) -> int:
    if not args.endpoint or not args.update_endpoint:
        raise InputError("load needs --endpoint and --update-endpoint (the store to load into)")
    return cmd_info(args, out)


VERBS = {
    "info": cmd_info,
    "load": cmd_load,
    "serve": cmd_serve,
    "entity": cmd_entity,
    "query": cmd_query,
    "check": cmd_check,
    "screen": cmd_screen,
    "exposure": cmd_exposure,
    "routes": cmd_routes,
    "export": cmd_export,
    "view": cmd_view,
    "import": cmd_import,
    "changes": cmd_changes,
    "dump": cmd_dump,
    "build": cmd_build,
    "dedupe": cmd_dedupe,
}
