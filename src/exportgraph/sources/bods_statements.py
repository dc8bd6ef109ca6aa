"""BODS files read as statements: a JSON array or JSON Lines of statements (0.2 to 0.4), each
checked to be an object with its id and type, with the helpers that read a statement's values and
report where a bad one is (``bods`` turns the statements into triples)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rdflib import Literal, URIRef

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from .common import json_events

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_JSON_TYPES: dict[type, str] = {str: "a string", dict: "an object", list: "a list"}


@dataclass(frozen=True)
class Where:
    """A statement's place: its number in the file and, in JSON Lines, its line."""

    path: Path
    n: int
    line: int | None = None

    def error(self, message: str) -> InputError:
        if self.line is None:
            return InputError(f"statement {self.n}: {message}", source=str(self.path))
        return InputError(message, source=str(self.path), line=self.line)


def statements(path: Path) -> Iterator[tuple[Where, dict]]:
    """Each statement with its place, checked to be an object with its id and type."""
    try:
        fh = path.open("rb")
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL byte
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", source=str(path)) from None
    with fh:
        start = 3 if fh.read(3) == b"\xef\xbb\xbf" else 0
        fh.seek(start)
        head = b""
        while not head and (chunk := fh.read(65536)):
            head = chunk.lstrip()[:1]
        fh.seek(start)
        if head == b"[":
            yield from _array(path, fh)
        elif head == b"{":
            yield from _lines(path, fh)
        else:
            raise InputError("not BODS: expected a JSON array of statements or one statement a line", source=str(path))


def _array(path: Path, fh: IO[bytes]) -> Iterator[tuple[Where, dict]]:
    import ijson

    n = 0
    try:
        for n, statement in enumerate(ijson.items(json_events(fh, path, "BODS"), "item"), 1):
            yield _checked(Where(path, n), statement)
    except ijson.JSONError as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        reason = str(reason).strip().splitlines()[0] if str(reason).strip() else "the file ends early"
        raise Where(path, n + 1).error(f"not valid JSON ({reason})") from None
    except UnicodeDecodeError as exc:
        raise Where(path, n + 1).error(f"not UTF-8 text: {exc.reason}") from None


def _lines(path: Path, fh: IO[bytes]) -> Iterator[tuple[Where, dict]]:
    n = 0
    for line, raw in enumerate(fh, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", source=str(path), line=line) from None
        if not text.strip():
            continue
        n += 1
        try:
            statement = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            raise InputError(f"not one JSON statement on the line: {exc}", source=str(path), line=line) from None
        yield _checked(Where(path, n, line), statement)


def is_04(statement: dict) -> bool:
    return "statementId" in statement or "recordId" in statement or "recordType" in statement


def _checked(where: Where, statement: Any) -> tuple[Where, dict]:
    if not isinstance(statement, dict):
        raise where.error("a statement is not a JSON object")
    keys = ("statementId", "recordId", "recordType") if is_04(statement) else ("statementID", "statementType")
    for key in keys:
        if not isinstance(statement.get(key), str) or not statement[key].strip():
            raise where.error(f"no {key} (a BODS statement needs {' and '.join(keys)})")
    if is_04(statement) and not isinstance(statement.get("recordDetails"), dict):
        raise where.error("recordDetails is not an object")
    return where, statement


def index(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    """The first pass: which statement replaces which (0.2/0.3), the latest statement of each record
    (0.4: its date and number)."""
    successor: dict[str, str] = {}
    latest: dict[str, tuple[str, int]] = {}
    for where, statement in statements(path):
        if is_04(statement):
            day = statement.get("statementDate")
            day = day if isinstance(day, str) else ""
            record = statement["recordId"]
            if record not in latest or latest[record][0] <= day:
                latest[record] = (day, where.n)
            continue
        replaces = statement.get("replacesStatements") or []
        if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
            raise where.error("replacesStatements is not a list of statement ids")
        for old in replaces:
            if old != statement["statementID"]:
                successor.setdefault(old, statement["statementID"])
    return successor, latest


def current(sid: str, successor: dict[str, str]) -> str:
    """The statement that replaces ``sid``, directly or through others (``sid`` if none)."""
    seen = {sid}
    while successor.get(sid, sid) not in seen:
        sid = successor[sid]
        seen.add(sid)
    return sid


def node(key: str) -> URIRef:
    return ids.party(f"bods {key}")


def get(obj: dict, key: str, kind: type, where: Where) -> Any:
    """``obj[key]`` when it is of the JSON type expected, None when absent; another type is an error."""
    value = obj.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise where.error(f"{key} is not {_JSON_TYPES[kind]}")
    return value


def objects(obj: dict, key: str, where: Where) -> list[dict]:
    items = get(obj, key, list, where) or []
    if not all(isinstance(item, dict) for item in items):
        raise where.error(f"{key} is not a list of objects")
    return items


def texts(obj: dict, key: str, where: Where) -> list[str]:
    items = get(obj, key, list, where) or []
    if not all(isinstance(item, str) for item in items):
        raise where.error(f"{key} is not a list of strings")
    return [item.strip() for item in items if item.strip()]


def day(obj: dict, key: str, where: Where, *, last: bool = False) -> Literal | None:
    """A date as the graph writes it; a year or a month stands for its first (or ``last``) day."""
    text = (get(obj, key, str, where) or "").strip()
    if not text:
        return None
    if partial := _PARTIAL.match(text):
        year, month = int(partial.group(1)), partial.group(2)
        first, final = (int(month), int(month)) if month else (1, 12)
        try:
            day = dt.date(year, final, calendar.monthrange(year, final)[1]) if last else dt.date(year, first, 1)
        except (ValueError, calendar.IllegalMonthError):
            raise where.error(f"{key} {text!r} is not a date") from None
        return to_literal(day)
    try:
        return to_literal(parse_date(text[:10]))
    except InputError as exc:
        raise where.error(f"{key}: {exc}") from None
