"""Exports of the one property-graph view (``view.py``): one module per format.

graphml, gexf, cytoscape (Cytoscape.js JSON), dot, svg and png (Graphviz renders the DOT), neo4j
(a directory of CSV files for neo4j-admin import), jsonld and turtle (the RDF behind the view).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

from ..errors import InputError
from . import cytoscape, dot, gexf, graphml, neo4j, rdf
from .view import DEFAULT_INCLUDE, INCLUDE, View, build, parse_include

FORMATS = ("graphml", "gexf", "cytoscape", "dot", "svg", "png", "jsonld", "turtle", "neo4j")
SUFFIX = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
    "dot": ".dot",
    "svg": ".svg",
    "png": ".png",
    "jsonld": ".jsonld",
    "turtle": ".ttl",
    "neo4j": "",
}
_TEXT = {"graphml": graphml.write, "gexf": gexf.write, "cytoscape": cytoscape.write, "dot": dot.write}

__all__ = ["DEFAULT_INCLUDE", "FORMATS", "INCLUDE", "View", "atomic", "build", "check_target", "parse_include", "write"]


def write(view: View, fmt: str, out: str | Path | None, rdf_data: bytes | None = None) -> list[Path]:
    """Render ``view`` as ``fmt`` into ``out`` (a file; a directory for neo4j; ``None`` or ``-``:
    standard output, for the text formats). A file is written whole or not at all.
    ``rdf_data``: the N-Triples behind the view, for jsonld and turtle."""
    check_target(fmt, out)
    to_stdout = out is None or str(out) == "-"
    if fmt == "neo4j":
        return neo4j.write(view, Path(out))  # type: ignore[arg-type]
    if fmt in ("svg", "png"):
        path = Path(out) if not to_stdout else None  # type: ignore[arg-type]
        with atomic(path) as tmp:
            dot.render(view, fmt, tmp)
            if path is None:
                sys.stdout.write(tmp.read_text(encoding="utf-8"))
        return [path] if path else []
    if fmt in rdf.FORMATS:
        data = rdf.serialize(rdf_data or b"", fmt)
        text = data.decode("utf-8")
    else:
        buf = io.StringIO()
        _TEXT[fmt](view, buf)
        text = buf.getvalue()
    if to_stdout:
        sys.stdout.write(text)
        return []
    path = Path(out)  # type: ignore[arg-type]
    with atomic(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return [path]


def check_target(fmt: str, out: str | Path | None) -> None:
    """Refuse a format or an output that cannot be written, before any work is done."""
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown {fmt!r}; expected one of {', '.join(FORMATS)}")
    to_stdout = out is None or str(out) == "-"
    if to_stdout and fmt == "neo4j":
        raise InputError("--format neo4j writes a directory of CSV files: give -o DIR")
    if to_stdout and fmt == "png":
        raise InputError("--format png writes an image: give -o FILE.png")
    if not to_stdout:
        target = Path(out)  # type: ignore[arg-type]
        if not target.parent.is_dir():
            raise InputError(f"-o {out}: directory {target.parent} does not exist")
        if fmt == "neo4j" and target.exists() and not target.is_dir():
            raise InputError(f"-o {out}: --format neo4j writes a directory, and this is a file")
        if fmt != "neo4j" and target.is_dir():
            raise InputError(f"-o {out}: is a directory; give a file name")


class atomic:
    """A temporary file beside ``path`` that replaces it only when the block succeeds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def __enter__(self) -> Path:
        where = self.path.parent if self.path else None
        fd, name = tempfile.mkstemp(dir=where, prefix=".exportgraph-", suffix=".part")
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, kind, value, tb) -> None:
        try:
            if kind is None and self.path is not None:
                mask = os.umask(0)
                os.umask(mask)
                os.chmod(self.tmp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
                os.replace(self.tmp, self.path)
        finally:
            self.tmp.unlink(missing_ok=True)  # gone already when it was renamed
