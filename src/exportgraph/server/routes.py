"""What answers which request: a table of (method, path) to route, a route being a function of the
app and the request that returns the response (or raises an error that carries its status)."""

from __future__ import annotations

from collections.abc import Callable

from . import jobs, sparql, webapp
from .app import App
from .messages import Request, Response, json_response
from .openapi import openapi

Route = Callable[[App, Request], Response]
READ = ("GET", "HEAD")
ANY = ("GET", "HEAD", "POST")


def description(app: App, req: Request) -> Response:
    return json_response(openapi(app))


_TABLE: list[tuple[tuple[str, ...], str, Route]] = [
    (ANY, "/sparql", sparql.sparql),
    (ANY, "/store", sparql.store),
    (READ, "/", webapp.index),
    (READ, "/app/{name}", webapp.asset),
    (READ, "/entity", jobs.entity),
    (READ, "/changes", jobs.changes),
    (READ, "/picture", jobs.picture),
    (READ, "/version", webapp.version),
    (READ, "/lists", webapp.lists),
    (READ, "/openapi.json", description),
    (READ, "/queries", jobs.queries),
    (READ, "/queries/{name}", jobs.named),
    (("POST",), "/check", jobs.check),
    (("POST",), "/screen", jobs.screen),
    (READ, "/exposure", jobs.exposure),
]
ROUTES: dict[tuple[str, str], Route] = {(m, path): route for methods, path, route in _TABLE for m in methods}
# paths that end in a parameter (the rest of the path, slashes and all): prefix -> the table's path
TEMPLATES = {path.removesuffix("{name}"): path for _, path, _ in _TABLE if path.endswith("{name}")}


def find(method: str, path: str) -> Route | None:
    """The route for the method and path, or None (404)."""
    if (method, path) in ROUTES:
        return ROUTES[method, path]
    for prefix, template in TEMPLATES.items():
        if path.startswith(prefix):
            return ROUTES.get((method, template))
    return None
