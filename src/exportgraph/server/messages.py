"""A request as the routes see it, the response they return, and the one place an exception becomes
a response: an ``ExportGraphError`` carries its HTTP status (``errors.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import Message
from typing import Any

from ..errors import ExportGraphError


@dataclass
class Request:
    """A request whose body has been read: the method, the path and query of its target, the query's
    parameters (the last of each name), the headers and the body."""

    method: str
    path: str
    query: str
    params: dict[str, str]
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters ("" when not given)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode())


def text_response(status: int, message: str) -> Response:
    return Response(status, (message + "\n").encode(), "text/plain; charset=utf-8")


def error_response(exc: BaseException) -> Response:
    """The answer to an exception a route raised: the status an error carries with its message; a
    ValueError or TypeError is bad input (400); anything else is the server's fault (500)."""
    if isinstance(exc, ExportGraphError) and exc.status != 500:
        return text_response(exc.status, str(exc))
    if isinstance(exc, RecursionError):
        return text_response(400, "the request is nested too deeply")
    if isinstance(exc, (ValueError, TypeError)):
        return text_response(400, str(exc))
    return text_response(500, f"{type(exc).__name__}: {exc}")
