"""The web app for analysts (``/``): its files, served from inside the package (no network at run
time), and the JSON it reads besides the jobs: an entity's profile, what changed on a list between
two dates, the ownership picture, and the data version that a screening or check record states."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from .. import __version__, limits
from ..dates import parse_date
from ..errors import InputError, NotFoundError
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


def _day(params: dict[str, str], key: str) -> dt.date | None:
    return parse_date(params[key], column=key) if params.get(key) else None


def _name(params: dict[str, str], usage: str) -> str:
    if not params.get("name"):
        raise InputError(usage)
    return params["name"]


def entity(app: App, req: Request) -> Response:
    """``GET /entity?name=...&as_of=...``: the profile ``exportgraph entity --format json`` gives."""
    name = _name(req.params, "GET /entity?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
    graph = app.jobs_graph()
    with limits.deadline(app.job_timeout):
        return json_response(plain(graph.entity(name, _day(req.params, "as_of"))))


def changes(app: App, req: Request) -> Response:
    """``GET /changes?list=...&since=...&until=...``: what ``exportgraph changes`` gives (``added``,
    ``removed``), and the rules that changed in the same days (``rules``: ``queries/rule-changes.rq``)."""
    params = req.params
    if not params.get("list") or not params.get("since"):
        raise InputError("GET /changes?list=LIST&since=YYYY-MM-DD[&until=YYYY-MM-DD]")
    since = _day(params, "since")
    assert since is not None
    until = _day(params, "until") or dt.date.today()
    graph = app.jobs_graph()
    with limits.deadline(app.job_timeout):
        found = dict(graph.changes(params["list"], since, until))
        found["rules"] = graph.query("rule-changes", **{"from": since, "to": until}).rows
        return json_response(plain(found))


def picture(app: App, req: Request) -> Response:
    """``GET /picture?name=...&as_of=...&depth=...``: the interactive picture ``exportgraph view``
    draws (one self-contained HTML page, no script or style from elsewhere)."""
    params = req.params
    name = _name(params, "GET /picture?name=NAME_OR_IRI[&as_of=YYYY-MM-DD][&depth=N]")
    try:
        depth = int(params.get("depth") or 2)
    except ValueError:
        raise InputError(f"depth {params['depth']!r} is not a whole number") from None
    if not 0 <= depth <= 4:
        raise InputError(f"depth must be 0 to 4, not {depth}")
    graph = app.jobs_graph()
    with tempfile.TemporaryDirectory() as tmp, limits.deadline(app.job_timeout):
        out = graph.view(name, Path(tmp) / "picture.html", depth=depth, as_of=_day(params, "as_of"))
        return Response(200, out.read_bytes(), "text/html; charset=utf-8")


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
