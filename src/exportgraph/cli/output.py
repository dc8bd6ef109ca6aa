"""How the verbs print results: tables (wrapped to the terminal), CSV, JSON and JSON Lines."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import textwrap
from collections.abc import Callable, Sequence
from typing import TextIO

from .. import settings
from ..present import plain

FORMATS = ("table", "json", "jsonl", "csv")  # of the verbs that print results
JSON_FORMATS = ("json", "jsonl")
MIN_TABLE_WIDTH = 60  # a table wraps to the terminal's width, but never to fewer columns than this
MIN_COLUMN_WIDTH = 8
SHORT_CELL = 30  # a wrapped table gives each column this much before the long ones share the rest

Grid = Callable[[Sequence[str], Sequence[Sequence[object]], TextIO], None]


def write_json(args: argparse.Namespace, out: TextIO, value: object) -> None:
    """``--format json``: one indented document. ``--format jsonl`` (JSON Lines): each item of the
    list that json prints, one compact object a line; an output that is one object is one line."""
    if args.format == "jsonl":
        for item in value if isinstance(value, list) else [value]:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    json.dump(value, out, indent=2, ensure_ascii=False)
    print(file=out)


def grid(args: argparse.Namespace) -> Grid:
    """The writer of rows in the chosen format: CSV, or a table (``--wide``: unwrapped)."""
    if args.format == "csv":
        return write_csv
    wide = getattr(args, "wide", False)
    return lambda columns, rows, out: table(columns, rows, out, wide=wide)


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    out: TextIO,
    *,
    wide: bool = False,
    width: int | None = None,
) -> None:
    """Rows under their column names, nothing cut: a cell longer than its column wraps onto more
    lines within it, so that the table fits ``width`` (default: ``table_width``). A word is never
    broken (an IRI, a citation, a CFR paragraph): one longer than its column stands out past it, and
    the row's next columns go on from the line below. ``wide``, or no width (a file or a pipe):
    every row on one line, however long."""
    width = None if wide else width or table_width(out)
    wide = width is None
    cells = [[cell(v) for v in row] for row in rows]
    if wide:
        cells = [[" ".join(v.splitlines()) for v in row] for row in cells]
    head = list(columns)
    natural = [max([len(h)] + [len(line) for r in cells for line in r[i].splitlines()]) for i, h in enumerate(head)]
    widths = natural if width is None else fit(head, cells, natural, width)
    starts = [sum(widths[:i]) + 2 * i for i in range(len(widths))]
    for r in [head, ["-" * w for w in widths], *cells]:
        queues = [([v] if wide else wrap(v, w)) if v else [] for v, w in zip(r, widths, strict=True)]
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


def table_width(out: TextIO) -> int | None:
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


def fit(head: list[str], cells: list[list[str]], natural: list[int], width: int) -> list[int]:
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


def wrap(text: str, width: int) -> list[str]:
    """A cell's lines, at most ``width`` wide where no word is longer; its own line breaks kept."""
    out = []
    for para in text.splitlines() or [""]:
        out += textwrap.wrap(para, width, break_long_words=False, break_on_hyphens=False) or [""]
    return out


def cell(v: object) -> str:
    v = plain(v)
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(cell(x) for x in v)
    return str(v)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[object]], out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    w.writerows([cell(v) for v in row] for row in rows)


def emit(args: argparse.Namespace, out: TextIO, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    if args.format in JSON_FORMATS:
        write_json(args, out, [dict(zip(columns, map(plain, r), strict=True)) for r in rows])
    else:
        grid(args)(columns, rows, out)
