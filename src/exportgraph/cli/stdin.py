"""``-`` for a file argument: standard input, read whole into a temporary file of its own."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from ..errors import InputError

STDIN = "-"  # a file argument that names standard input
STDIN_NAME = "<stdin>"  # what messages call it

# the arguments that name a file a verb reads, by attribute (the `--data` list apart): `-` is standard input
FILE_ARGS = {"orders": "the orders", "scenario": "--scenario", "names": "the names CSV", "query": "the query"}


class Stdin:
    """Standard input for the one file argument given as ``-``: read whole into a file in a temporary
    folder (the readers take paths, and a file is read twice by `check --scenario`), named
    ``stdin.csv`` (or ``.ttl``, ``.jsonld``, ``.rdf``, ``.rq``, ``.ru``, by what it holds), removed
    afterwards. Messages name it ``<stdin>``."""

    def __init__(self) -> None:
        self.folder: tempfile.TemporaryDirectory | None = None
        self.path: Path | None = None

    def take(self, args: argparse.Namespace) -> None:
        slots: list[tuple[str, int | None, str]] = [
            (attr, None, label) for attr, label in FILE_ARGS.items() if getattr(args, attr, None) == STDIN
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
        self.path = Path(self.folder.name) / ("stdin" + stdin_suffix(attr, data))
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


def stdin_suffix(attr: str, data: bytes) -> str:
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
