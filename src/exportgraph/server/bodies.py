"""Request bodies of the jobs: JSON lists of orders or names, of the expected types, no deeper
than the jobs need, and no more items than the server's caps (413)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, NoReturn

from ..errors import ExportGraphError, InputError


class TooMany(ExportGraphError):
    """More items in one request than the server takes (413)."""

    status = 413


MAX_JSON_DEPTH = 8  # the jobs take a list of objects of scalars: anything deeper is refused before parsing
_JSON_TYPES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
    list: "a list",
    dict: "an object",
}


def _json_depth_ok(body: bytes) -> bool:
    """Whether brackets outside strings nest at most MAX_JSON_DEPTH deep (checked before parsing,
    so that a body of 20,000 '[' is a 400, not a RecursionError)."""
    depth = 0
    for m in re.finditer(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', body):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif tok in (b"]", b"}"):
            depth -= 1
    return True


def _json_list(body: bytes, what: str) -> list:
    if not _json_depth_ok(body):
        raise InputError(f"the request body nests lists or objects over {MAX_JSON_DEPTH} deep; POST a list of {what}")

    def constant(name: str) -> NoReturn:
        raise InputError(f"the request body has {name}, which is not a JSON number")

    try:
        value = json.loads(body or b"null", parse_constant=constant)
    except ValueError as exc:
        raise InputError(f"the request body is not JSON: {exc}") from None
    if not isinstance(value, list):
        raise InputError(f"POST a JSON list of {what}")
    return value


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def orders_json(body: bytes, cap: int) -> list[dict[str, str]]:
    """A JSON list of orders: objects whose values are strings or numbers (as the CSV's cells)."""
    value = _json_list(body, "orders")
    if len(value) > cap:
        raise TooMany(
            f"{len(value)} orders in one request; this server checks at most {cap} (--max-orders): send them in parts"
        )
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InputError(f"order {i}: {_kind(item)}; expected an object with the check columns")
        row = {}
        for k, v in item.items():
            if isinstance(v, bool) or not isinstance(v, (str, int, float, type(None))):
                raise InputError(f"order {i}, field {k!r}: {_kind(v)}; expected a string")
            row[k] = "" if v is None else str(v)
        out.append(row)
    return out


def names_json(body: bytes, cap: int) -> list:
    """A JSON list of names: strings, or objects with string ``name``, ``country`` and ``id``."""
    value = _json_list(body, "names")
    if len(value) > cap:
        raise TooMany(
            f"{len(value)} names in one request; this server screens at most {cap} (--max-names): send them in parts"
        )
    for i, item in enumerate(value):
        if isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(v, (str, type(None))):
                    raise InputError(f"name {i}, field {k!r}: {_kind(v)}; expected a string")
        elif not isinstance(item, str):
            raise InputError(f"name {i}: {_kind(item)}; expected a string or an object with a name")
    return value


def count_csv_rows(body: bytes, cap: int) -> None:
    """Refuse an orders CSV of more rows than the cap before any work (the header is not an order)."""
    try:
        rows = sum(1 for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if any(c.strip() for c in row))
    except (UnicodeDecodeError, csv.Error):
        return  # the reader that checks reports it, with the line
    if rows - 1 > cap:
        raise TooMany(
            f"{rows - 1} orders in one request; this server checks at most {cap} (--max-orders): send them in parts"
        )
