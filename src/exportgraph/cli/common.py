"""What the verbs share: exit codes, the graph they open, the type of a date option."""

from __future__ import annotations

import argparse
import datetime as dt

from ..api import ExportGraph

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_VERDICT = 0, 2, 3, 4


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def open_graph(args: argparse.Namespace, *, light: bool = False) -> ExportGraph:
    """The graph the options name; ``light`` for a verb that asks little of it (``ExportGraph.open``)."""
    return ExportGraph.open(
        args.data,
        endpoint=args.endpoint,
        update_endpoint=args.update_endpoint,
        graph=args.graph,
        store=args.store,
        light=light,
    )
