"""The web app for analysts (``/``): its files, served from inside the package (no network at run
time), and what it reads besides the jobs (``jobs.py``): the data version that a screening or check
record states, and the lists' names."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib.resources import files
from typing import Any

from .. import __version__
from ..errors import NotFoundError
from ..present import plain
from .app import App
from .messages import Request, Response, json_response

# the app's files: name -> media type (nothing else under /app/ is served)
FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "record.css": "text/css; charset=utf-8",
}
_BLANK = re.compile(rb"_:[A-Za-z0-9_.-]+")


@cache
def _file(name: str) -> bytes:
    return files(__package__).joinpath("app", name).read_bytes()


def index(app: App, req: Request) -> Response:
    return Response(200, _file("index.html"), FILES["index.html"])


def asset(app: App, req: Request) -> Response:
    name = req.path.removeprefix("/app/")
    if name not in FILES:
        raise NotFoundError(f"no file {name!r} in the app")
    return Response(200, _file(name), FILES[name])


def content_hash(graph: Any) -> str:
    """SHA-256 of the graph's triples as sorted N-Triples lines (blank nodes read as one label, since
    their labels are made afresh at each load): two graphs with the same facts give the same hash."""
    lines = sorted(_BLANK.sub(b"_:b", line) for line in graph.store.dump().splitlines() if line.strip())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def version(app: App, req: Request) -> Response:
    """``GET /version``: the data a screening or check answers on: exportgraph's version, the graph's
    content hash and size, each list with its entries and newest change, the imports that brought
    the data (a store that ``import`` wrote)."""
    graph = app.jobs_graph()
    kept = app.version_of
    if kept is None or kept[0] is not graph:
        imports = [{k: plain(v) for k, v in r.items()} for r in graph.query("info-imports").rows]
        value = {
            "exportgraph": __version__,
            "graph_sha256": content_hash(graph),
            "triples": len(graph.store),
            "lists": graph.currency()["lists"],
            "imports": imports,
        }
        kept = app.version_of = (graph, value)
    return json_response(kept[1])


def lists(app: App, req: Request) -> Response:
    """``GET /lists``: the short names of the lists, for the app's filters and what-changed page."""
    return json_response(sorted(app.jobs_graph().parties.list_names()))
