"""The ``exportgraph`` parser: the command, and its verbs as each command module adds them."""

from __future__ import annotations

import argparse

from .. import __version__
from .commands import check, export, imports, info, parties, query, serve
from .options import add_engine, parents

# in the order `exportgraph --help` lists the verbs
COMMANDS = (info, query, check, parties, serve, export, imports)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="exportgraph",
        description="A knowledge graph of AI-chip export controls.",
        epilog="Exit codes: 0 ok; 2 usage or input error; 3 name not found or ambiguous.",
    )
    p.add_argument("--version", action="version", version=f"exportgraph {__version__}")
    sub = p.add_subparsers(dest="verb", required=True)
    shared = parents()
    for command in COMMANDS:
        command.add_parsers(sub, shared)
    for choice in sub._choices_actions:  # `exportgraph VERB --help` says what the verb does
        verb = sub.choices[choice.dest]
        verb.description = verb.description or (choice.help or "").replace("%%", "%")
        add_engine(verb)
    return p


# each verb's handler: (args, out) -> exit code
VERBS = {verb: handler for command in COMMANDS for verb, handler in command.VERBS.items()}
