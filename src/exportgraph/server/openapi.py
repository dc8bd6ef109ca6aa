"""``/openapi.json``: the OpenAPI 3.1 description of the jobs, the named queries and the SPARQL
endpoint. What does not change is ``openapi.json`` beside this module, with ``{placeholders}`` for
the server's limits; the named queries are added here, each from its template ``/queries/{name}``."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from .. import __version__
from .app import App

_PARAM_SCHEMA = {
    "iri": {"type": "string", "format": "iri"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
}
TEMPLATE = "/queries/{name}"


@cache
def _static() -> dict[str, Any]:
    return json.loads(files(__package__).joinpath("openapi.json").read_text(encoding="utf-8"))


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """The description with each ``"{name}"`` replaced by the value and each other string formatted."""
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    if isinstance(node, str) and node.startswith("{") and node.endswith("}") and node[1:-1] in values:
        return values[node[1:-1]]
    if isinstance(node, str) and "{" in node:
        return node.format_map(values)
    return node


def _named(template: dict[str, Any], name: str, q: Any) -> dict[str, Any]:
    """The description of ``GET /queries/{name}`` for one named query."""
    op = copy.deepcopy(template)
    get = op["get"]
    get["summary"] = q.summary
    get["operationId"] = "query-" + re.sub(r"[^A-Za-z0-9]+", "-", name)
    get["parameters"] = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "schema": {
                **_PARAM_SCHEMA.get(p.type, {"type": "string"}),
                **({"examples": [p.example]} if p.example else {}),
            },
        }
        for p in q.params
    ]
    return op


def openapi(app: App) -> dict:
    """An OpenAPI 3.1 description of the jobs, the named queries and the SPARQL endpoint."""
    values = {
        "version": __version__,
        "max_orders": app.max_orders,
        "max_names": app.max_names,
        "job_timeout": app.job_timeout,
        "timeout": app.timeout,
    }
    doc = _fill(_static(), values)
    template = doc["paths"].pop(TEMPLATE)
    for name, q in sorted(app.graph.queries.items()):
        doc["paths"][f"/queries/{name}"] = _named(template, name, q)
    return doc
