"""Time limits for long work: code run under ``deadline(seconds)`` stops with ``TimeLimit`` at the
next ``checkpoint()`` after the time is up. The server runs every job under one; the CLI and the
Python API run without (``checkpoint()`` then costs a lookup).

A deadline belongs to the thread (a context variable), so one request's limit never stops another's
work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import ExportGraphError

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("exportgraph_deadline", default=None)


class TimeLimit(ExportGraphError):
    """The work ran past its time limit and was stopped."""

    status = 503


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    token = _DEADLINE.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left under the current deadline (None: no deadline)."""
    d = _DEADLINE.get()
    return None if d is None else d[0] - time.monotonic()


def checkpoint() -> None:
    d = _DEADLINE.get()
    if d is not None and time.monotonic() > d[0]:
        raise TimeLimit(f"stopped after the server's time limit of {d[1]:g} s; send less at once")
