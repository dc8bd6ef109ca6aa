"""The exports and pictures of the graph: the property-graph view of a date (``View``), written in
each format (``export.FORMATS``), or drawn around one organisation (``view``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ..errors import ParameterError
from ..parties import Parties
from ..picture import render_html
from ..queries import Runner
from ..store import Value
from ..store.embedded import IRI
from . import atomic, build, check_target, parse_include, write
from .html import picture as html_picture
from .view import View

PICTURE_FORMATS = ("html", "svg", "png")


def view_of(
    queries: Runner,
    parties: Parties,
    focus: str | None,
    depth: int,
    as_of: dt.date,
    include: str | Sequence[str] | None,
) -> View:
    """The whole graph, or the neighbourhood of ``focus`` ``depth`` ownership levels up and down."""
    kinds = parse_include(include if include is None or isinstance(include, str) else ",".join(include))
    focus_iri = parties.resolve(focus) if focus else None
    citations = queries.catalogue["export/citations"].text

    def cited(resources: list[str]) -> list[dict]:  # the citations of a neighbourhood's resources only
        return queries.store.select(citations, [{"subject": IRI(r)} for r in resources]) if resources else []

    return build(
        queries("export/nodes", asOf=as_of).rows,
        queries("export/edges", asOf=as_of).rows,
        cited if focus_iri else queries("export/citations").rows,
        as_of=as_of,
        focus=focus_iri,
        depth=depth,
        include=kinds,
    )


def export(
    queries: Runner,
    parties: Parties,
    fmt: str,
    out: str | Path | None,
    focus: str | None,
    depth: int,
    as_of: dt.date,
    include: str | Sequence[str] | None,
) -> list[Path]:
    """Write the view as ``fmt`` into ``out``; the RDF formats describe each resource of the view."""
    check_target(fmt, out)  # before any work
    if isinstance(include, str):
        parse_include(include)
    _check_depth(depth)
    view = view_of(queries, parties, focus, depth, as_of, include)
    data = None
    if fmt in ("jsonld", "turtle"):
        describe = queries.catalogue["export/describe"].text  # the 50% rule of the date: view_of computed it
        rows: list[dict[str, Value]] = [{"resource": IRI(r), "asOf": view.as_of} for r in view.resources()]
        data = queries.store.construct(describe, rows)  # a VALUES block: one row per resource
    return write(view, fmt, out, data)


def picture(
    queries: Runner, parties: Parties, name_or_iri: str, out: str | Path, depth: int, as_of: dt.date, fmt: str
) -> Path:
    """One organisation's ownership neighbourhood: ``html`` (interactive, one self-contained file),
    ``svg`` or ``png`` (Graphviz). Returns the path written."""
    if fmt not in PICTURE_FORMATS:
        raise ParameterError("{fmt}: unknown {value!r}; expected html, svg or png", "fmt", value=fmt)
    check_target("svg" if fmt == "html" else fmt, out)  # a file in an existing directory
    _check_depth(depth)
    view = view_of(queries, parties, name_or_iri, depth, as_of, "owners,subsidiaries,listings")
    if fmt != "html":
        view.edges = [e for e in view.edges if e.attrs["type"] != "listing"]
        view.nodes = {k: n for k, n in view.nodes.items() if n.attrs["kind"] != "list-entry"}
        return write(view, fmt, out)[0]
    title = str(view.nodes[view.focus].attrs["label"]) if view.focus else "exportgraph"
    path = Path(out)
    with atomic(path) as tmp:
        tmp.write_text(render_html(html_picture(view, title)), encoding="utf-8")
    return path


def _check_depth(depth: int) -> None:
    if depth < 0:
        raise ParameterError("{depth} must be 0 or more, not {value}", "depth", value=depth)
