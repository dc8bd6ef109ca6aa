"""``/sparql`` (the SPARQL 1.1 Protocol) and ``/store`` (the read-only Graph Store Protocol), sent
on to the Oxigraph pool; ``SERVICE`` and ``LOAD`` are refused unless ``--allow-service`` names the
endpoint, and an update needs ``--allow-update`` and the token."""

from __future__ import annotations

import hmac
import time
from functools import cache
from importlib.resources import files
from urllib.parse import parse_qs

from ..guard import outbound
from .app import App
from .messages import Request, Response, text_response

FORWARD_HEADERS = ("Accept", "Content-Type")
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@cache
def service_description() -> bytes:
    """The SPARQL 1.1 service description (Turtle) that ``GET /sparql`` without a query answers."""
    return files(__package__).joinpath("service.ttl").read_bytes()


def _deadline(app: App) -> float:
    return time.monotonic() + app.timeout


def _answer(status: int, out: dict[str, str], data: bytes) -> Response:
    return Response(status, data, out.get("Content-Type", out.get("content-type", "text/plain")))


def sparql(app: App, req: Request) -> Response:
    """A query (GET, or POST as a form or as application/sparql-query) or an update."""
    body = req.body if req.method == "POST" else b""
    ctype = req.content_type
    form = parse_qs(req.query)
    if ctype == FORM:
        form.update(parse_qs(body.decode("utf-8", errors="replace")))
    if "update" in form or ctype == UPDATE:
        return _update(app, req, body, form)
    if req.method == "POST" and ctype not in (QUERY, FORM):
        return text_response(415, "POST a query as application/sparql-query or as a form (query=...)")
    texts = (
        [body.decode("utf-8", errors="replace")] if req.method == "POST" and ctype == QUERY else form.get("query", [])
    )
    for text in texts:
        refused = outbound(text, allowed=app.allow_service)
        if refused:
            return text_response(400, refused)
    headers = {k: v for k in FORWARD_HEADERS if (v := req.headers.get(k))}
    if req.method == "POST" and ctype == QUERY:
        path = "/query" + (f"?{req.query}" if req.query else "")
        return _answer(*app.pool.forward("POST", path, body, headers, _deadline(app)))
    if req.method == "POST":
        return _answer(*app.pool.forward("POST", "/query", body, headers, _deadline(app)))
    if "query" in form:  # sent on as a form: a long query never meets the engine's header limit
        headers["Content-Type"] = FORM
        return _answer(*app.pool.forward("POST", "/query", req.query.encode("ascii"), headers, _deadline(app)))
    return Response(200, service_description(), "text/turtle; charset=utf-8")


def _update(app: App, req: Request, body: bytes, form: dict[str, list[str]]) -> Response:
    if not app.allow_update:
        return text_response(
            403, "SPARQL Update is disabled on this server; start it with --allow-update and --token to allow it"
        )
    if not hmac.compare_digest(req.headers.get("Authorization", "").encode(), f"Bearer {app.token}".encode()):
        return text_response(401, "SPARQL Update needs Authorization: Bearer TOKEN")
    if req.method != "POST":
        return text_response(405, "SPARQL Update must be POSTed")
    ctype = req.content_type
    texts = [body.decode("utf-8", errors="replace")] if ctype == UPDATE else form.get("update", [])
    for text in texts:
        refused = outbound(text, update=True, allowed=app.allow_service)
        if refused:
            return text_response(400, refused)
    headers = {"Content-Type": req.headers.get("Content-Type") or ctype}
    path = "/update" + (f"?{req.query}" if req.query else "")
    status, out, data = app.pool.forward("POST", path, body, headers, _deadline(app))
    if 200 <= status < 300:
        app.changed()  # the jobs read the database again before they next answer
    return Response(status, data, out.get("Content-Type", "text/plain"))


def store(app: App, req: Request) -> Response:
    """The read-only Graph Store Protocol: GET or HEAD /store?default or /store?graph=IRI."""
    if req.method not in ("GET", "HEAD"):
        return text_response(405, "the graph store is read-only here: GET /store?default or /store?graph=IRI")
    form = parse_qs(req.query, keep_blank_values=True)
    if set(form) - {"default", "graph"} or len(form) != 1 or len(form.get("graph", [""])) != 1:
        return text_response(400, "GET /store?default or /store?graph=IRI (one of them)")
    headers = {k: v for k in ("Accept",) if (v := req.headers.get(k))}
    return _answer(*app.pool.forward("GET", f"/store?{req.query}", None, headers, _deadline(app)))
