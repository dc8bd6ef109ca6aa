"""The names to screen: from a CSV, or from strings, dicts or ``Input``s."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from ..model import Input
from ..sources.common import csv_rows


def read_inputs(names: str | Path | Iterable[str | dict | Input], countries: set[str]) -> list[Input]:
    """Inputs from a CSV (a ``name`` column; optional ``country`` and ``id``), or from strings,
    dicts or ``Input``s. A blank name or an unknown country code is an ``InputError`` naming the
    place, and nothing is screened."""
    if isinstance(names, Path) or (isinstance(names, str) and names.lower().endswith(".csv")):
        path = Path(names)
        header, items = csv_rows(path)
        if "name" not in header:
            raise InputError("a names CSV needs a 'name' column (optional: country, id)", source=str(path), line=1)
        where = str(path)
    elif isinstance(names, str):
        items, where = [(1, {"name": names})], "input"
    else:
        items, where = [], "input"
        for i, n in enumerate(names, 1):
            if isinstance(n, Input):
                n = {"name": n.name, "country": n.country, "id": n.id}
            items.append((i, {"name": n} if isinstance(n, str) else {k: str(v) for k, v in n.items() if v is not None}))
    out = []
    for line, row in items:
        name = (row.get("name") or "").strip()
        if not name:
            raise InputError("empty name", source=where, line=line, column="name")
        country = (row.get("country") or "").strip().upper() or None
        if country and country not in countries:
            raise InputError(
                f"unknown country code {country!r} (expected ISO 3166 alpha-2)",
                source=where,
                line=line,
                column="country",
            )
        out.append(Input(name, country, (row.get("id") or "").strip() or None))
    return out
