"""`import`, `changes`, `dedupe` and `build`: sources into the store, list changes, duplicates, the generated graph."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import sys
from pathlib import Path
from typing import TextIO

from ... import settings
from ...errors import InputError
from ...present import plain
from ..common import EXIT_OK, date_arg, open_graph
from ..options import Parents, Verbs
from ..output import FORMATS, JSON_FORMATS, cell, emit, grid, write_json

# ``imports.READERS``, spelled here so that building the parser does not import the source readers
# (rdflib: 0.1 s of every command); tests/test_cold.py holds the two equal
IMPORT_KINDS = ("entity-list", "csl", "ftm", "gleif", "bods", "csv")


def add_parsers(sub: Verbs, parents: Parents) -> None:
    _add_import(sub, parents)
    _add_changes(sub, parents)
    _add_dedupe(sub, parents)
    _add_build(sub, parents)


def _add_import(sub: Verbs, parents: Parents) -> None:
    im = sub.add_parser(
        "import",
        parents=[parents.common],
        help="import a source file into the --store: "
        "whole or not at all; shows what entries it adds, removes and changes",
    )
    im.add_argument("kind", choices=IMPORT_KINDS, help="the source format")
    im.add_argument("file", help="the file to import")
    im.add_argument("--dry-run", action="store_true", help="read, check and compare; write nothing")
    im.add_argument("--diff", action="store_true", help="list every entry added, removed or changed")


def _add_changes(sub: Verbs, parents: Parents) -> None:
    ch = sub.add_parser(
        "changes",
        parents=[parents.common],
        help="entries added to and removed from a list between two dates, with citations",
    )
    ch.add_argument(
        "--list", required=True, dest="list_name", metavar="LIST", help="entity-list, meu-list, dod-1260h, ..."
    )
    ch.add_argument("--since", type=date_arg, required=True, metavar="YYYY-MM-DD")
    ch.add_argument("--until", type=date_arg, default=None, metavar="YYYY-MM-DD", help="default: today")


def _add_dedupe(sub: Verbs, parents: Parents) -> None:
    dd = sub.add_parser(
        "dedupe",
        parents=[parents.base],
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


def _add_build(sub: Verbs, parents: Parents) -> None:
    b = sub.add_parser("build", parents=[parents.common], help="regenerate graph/generated/ from the datasets")
    b.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of the public datasets (default: EXPORTGRAPH_DATA_DIR or shared/data)",
    )


def imports_max() -> int:
    from ... import imports

    return imports.PROPOSE_MAX


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    if not args.store:
        raise InputError("import needs a persistent store to keep what it imports: give --store DIR")
    s = open_graph(args).import_file(args.kind, args.file, as_of=args.as_of, dry_run=args.dry_run)
    counts = {w: sum(1 for c in s.changes if c.what == w) for w in ("added", "removed", "changed")}
    state = "dry run, nothing written" if args.dry_run else "unchanged" if s.unchanged else "imported"
    if args.format in JSON_FORMATS:
        write_json(
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
    grid(args)(["", s.file], rows, out)
    if args.diff and s.changes:
        print(file=out)
        grid(args)(
            ["change", "entry", "party", "details"],
            [(c.what, c.entry, c.name, "; ".join(c.details)) for c in s.changes],
            out,
        )
    return EXIT_OK


def cmd_changes(args: argparse.Namespace, out: TextIO) -> int:
    found = open_graph(args).changes(args.list_name, args.since, args.until)
    if args.format in JSON_FORMATS:
        write_json(args, out, plain(found))
        return EXIT_OK
    rows = [("added", cell(r["dateAdded"]), r["name"], r["country"], r["citation"]) for r in found["added"]]
    rows += [("removed", cell(r["dateRemoved"]), r["name"], r["country"], r["citations"]) for r in found["removed"]]
    grid(args)(["change", "date", "name", "country", "citation"], rows, out)
    return EXIT_OK


def cmd_dedupe(args: argparse.Namespace, out: TextIO) -> int:
    from ... import dedupe  # deferred: rapidfuzz and the screening tables (0.3 s), only for this verb

    threshold = dedupe.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 <= threshold <= 100:
        raise InputError(f"--threshold must be between 0 and 100, not {threshold}")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be 1 or more, not {args.limit}")
    found = dedupe.candidates(open_graph(args).store, threshold=threshold, everyone=args.everyone)
    if args.across_lists:
        found = [c for c in found if set(c.left.lists or ()) != set(c.right.lists or ())]
    found = found[: args.limit]
    print(f"exportgraph: {len(found)} candidate pairs (pairs already judged are not proposed again)", file=sys.stderr)
    if args.format == "csv":
        out.write(dedupe.review_csv(found))
        return EXIT_OK
    rows = list(csv.DictReader(io.StringIO(dedupe.review_csv(found))))
    if args.format in JSON_FORMATS:
        write_json(args, out, rows)
        return EXIT_OK
    grid(args)(
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


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    data_dir = args.data_dir or settings.shared_data_dir()
    if not data_dir.is_dir():
        raise InputError("no such folder; give --data-dir or set EXPORTGRAPH_DATA_DIR", source=str(data_dir))
    from ...build import build  # deferred: rdflib and the source readers, only for this verb

    counts = build(data_dir, progress=lambda m: print(m, file=sys.stderr))
    emit(args, out, ["file", "triples"], sorted(counts.items()))
    return EXIT_OK


VERBS = {"import": cmd_import, "changes": cmd_changes, "dedupe": cmd_dedupe, "build": cmd_build}
