"""The jobs: ``/queries``, ``/queries/{name}``, ``/check``, ``/screen`` and ``/exposure``, each under
the job time limit, answering with the CLI's JSON."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

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


def _as_of(params: dict[str, str]) -> dt.date | None:
    return parse_date(params["as_of"], column="as_of") if params.get("as_of") else None


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
    ctype, body, as_of = req.content_type, req.body, _as_of(req.params)
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
        results = graph.screen(names, threshold=threshold, as_of=_as_of(params))
    return json_response([screening_json(r) for r in results])


def exposure(app: App, req: Request) -> Response:
    params = req.params
    if not params.get("name"):
        raise InputError("GET /exposure?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
    graph = app.jobs_graph()
    with _job(app):
        e = graph.exposure(params["name"], _as_of(params))
    return json_response(exposure_json(e))
