"""The jobs: ``/queries``, ``/queries/{name}``, ``/check``, ``/screen``, ``/exposure``, ``/entity``,
``/changes`` and ``/picture``, each under the job time limit, answering with the CLI's JSON (the
picture: the page ``exportgraph view`` writes)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from .. import limits
from ..dates import parse_date
from ..errors import InputError, NotFoundError
from ..present import exposure_json, plain, screening_json
from .app import App
from .bodies import count_csv_rows, names_json, orders_json
from .messages import Request, Response, json_response


def _job(app: App) -> AbstractContextManager[None]:
    """The time limit every job runs under."""
    return limits.deadline(app.job_timeout)


@contextmanager
def _orders_lock(app: App) -> Iterator[None]:
    """The graph of orders, which two checks cannot share; waiting counts against the time limit."""
    left = limits.remaining()
    if not app.orders.acquire(timeout=max(0.0, left) if left is not None else -1):
        raise limits.TimeLimit(
            f"another check held the graph of orders past the time limit of {app.job_timeout:g} s; try again"
        )
    try:
        yield
    finally:
        app.orders.release()


def _day(params: dict[str, str], key: str = "as_of") -> dt.date | None:
    return parse_date(params[key], column=key) if params.get(key) else None


def _name(params: dict[str, str], usage: str) -> str:
    """The ``name`` parameter, or a 400 that shows how the call is made."""
    if not params.get("name"):
        raise InputError(usage)
    return params["name"]


def queries(app: App, req: Request) -> Response:
    return json_response(
        [
            {
                "name": n,
                "summary": q.summary,
                "source": q.source,
                "returns": list(q.returns),
                "params": [
                    {"name": p.name, "type": p.type, "example": p.example, "required": p.required} for p in q.params
                ],
                "text": q.text,
            }
            for n, q in sorted(app.graph.queries.items())
        ]
    )


def named(app: App, req: Request) -> Response:
    name, params = req.path.removeprefix("/queries/"), dict(req.params)
    graph = app.jobs_graph()
    if name not in graph.queries:
        raise NotFoundError(f"no query named {name!r}")
    if "as_of" in params:  # the spelling of every other call; the query's own name is asOf
        if "asOf" in params:
            raise InputError("give as_of or asOf, not both")
        params["asOf"] = params.pop("as_of")
    with _job(app):
        result = graph.run_query(name, params)
    return json_response(
        {"columns": list(result.columns), "rows": [{k: plain(v) for k, v in r.items()} for r in result.rows]}
    )


def check(app: App, req: Request) -> Response:
    ctype, body, as_of = req.content_type, req.body, _day(req.params)
    graph = app.jobs_graph()
    if ctype == "application/json":
        orders = orders_json(body, app.max_orders)
        with _job(app), _orders_lock(app):
            verdicts = graph.check(orders, as_of=as_of)
    elif ctype in ("text/csv", "text/plain", ""):
        count_csv_rows(body, app.max_orders)
        with tempfile.NamedTemporaryFile(suffix=".csv") as fh, _job(app), _orders_lock(app):
            fh.write(body)
            fh.flush()
            try:
                verdicts = graph.check(fh.name, as_of=as_of)
            except InputError as exc:
                raise InputError(str(exc).replace(fh.name, "request body")) from None
    else:
        raise InputError("POST orders as text/csv (the check columns) or application/json (a list of objects)")
    return json_response([v.to_dict() for v in verdicts])


def screen(app: App, req: Request) -> Response:
    params = req.params
    names = names_json(req.body, app.max_names)
    try:
        threshold = int(params["threshold"]) if params.get("threshold") else None
    except ValueError:
        raise InputError(f"threshold {params['threshold']!r} is not a whole number") from None
    graph = app.jobs_graph()  # before the time limit starts: taking a copy is not the job's time
    with _job(app):
        results = graph.screen(names, threshold=threshold, as_of=_day(params))
    return json_response([screening_json(r) for r in results])


def exposure(app: App, req: Request) -> Response:
    name = _name(req.params, "GET /exposure?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
    graph = app.jobs_graph()
    with _job(app):
        e = graph.exposure(name, _day(req.params))
    return json_response(exposure_json(e))


def entity(app: App, req: Request) -> Response:
    """``GET /entity?name=...&as_of=...``: the profile ``exportgraph entity --format json`` gives."""
    name = _name(req.params, "GET /entity?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
    graph = app.jobs_graph()
    with _job(app):
        return json_response(plain(graph.entity(name, _day(req.params))))


def changes(app: App, req: Request) -> Response:
    """``GET /changes?list=...&since=...&until=...``: what ``exportgraph changes`` gives (``added``,
    ``removed``), and the rules that changed in the same days (``rules``: ``queries/rule-changes.rq``)."""
    params = req.params
    if not params.get("list") or not params.get("since"):
        raise InputError("GET /changes?list=LIST&since=YYYY-MM-DD[&until=YYYY-MM-DD]")
    since = parse_date(params["since"], column="since")
    until = _day(params, "until") or dt.date.today()
    graph = app.jobs_graph()
    with _job(app):
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
    with tempfile.TemporaryDirectory() as tmp, _job(app):
        out = graph.view(name, Path(tmp) / "picture.html", depth=depth, as_of=_day(params))
        return Response(200, out.read_bytes(), "text/html; charset=utf-8")
