"""User CSVs: recognised by header, loaded whole or not at all, bad rows named by file, line, column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exportgraph import ExportGraph
from exportgraph.errors import InputError

CSV = Path(__file__).parent / "fixtures" / "csv"
WORLD = Path(__file__).parent / "fixtures" / "world.ttl"
GOOD = [CSV / "parties.csv", CSV / "ownership.csv", CSV / "listings.csv"]


def open_world(*files: Path) -> ExportGraph:
    return ExportGraph.open([WORLD, *files], bundled=False)


def test_good_files_load_in_any_order_and_show_in_profiles():
    graph = open_world(*reversed(GOOD))
    acme = graph.entity("Example Trading (HK) Ltd", as_of=dt.date(2025, 12, 1))
    assert acme.countries == ("HK",)
    assert "ETL" in acme.aliases
    assert [(s.name, s.percent_min, s.percent_max) for s in acme.owners] == [
        ("Example Holdings", 40, 60)]
    assert [(li.list, li.date_added, li.citations[0].label) for li in acme.listings] == [
        ("entity-list", dt.date(2025, 10, 1), "90 FR 99999")]
    holdco = graph.entity("Example Holdings", as_of=dt.date(2025, 12, 1))
    assert [(s.name, s.percent, s.listed) for s in holdco.owners] == [
        ("Inspur Group Co., Ltd.", 30, True)]
    before = graph.entity("Example Trading (HK) Ltd", as_of=dt.date(2025, 9, 30))
    assert [li.in_force for li in before.listings] == [False]


@pytest.mark.parametrize(("name", "line", "column", "message"), [
    ("bad-percent.csv", 3, "percent", "outside 0..100"),
    ("bad-range.csv", 2, "percent_min", "greater than percent_max"),
    ("bad-date.csv", 2, "valid_from", "not a date"),
    ("bad-country.csv", 2, "country", "unknown country code 'ZZ'"),
    ("bad-columns.csv", 3, None, "expected 5 columns, found 2"),
    ("bad-party.csv", 2, "owned", "neither a party id"),
    ("bad-list.csv", 2, "list", "unknown list 'not-a-list'"),
    ("bad-header.csv", 1, None, "unrecognised CSV header"),
])
def test_bad_rows_name_file_line_and_column(name, line, column, message):
    extra = [CSV / "parties.csv"] if name not in ("bad-country.csv", "bad-columns.csv", "bad-header.csv") else []
    with pytest.raises(InputError) as info:
        open_world(*extra, CSV / name)
    err = info.value
    assert err.source.endswith(name) and err.line == line and err.column == column
    assert message in str(err) and f"{name}:{line}" in str(err)


def test_a_bad_file_loads_nothing_of_itself():
    """bad-percent.csv has a good first row; it must not land when the second row is bad."""
    graph = open_world(CSV / "parties.csv")
    size = len(graph.store)
    with pytest.raises(InputError):
        graph.load([CSV / "bad-percent.csv"])
    assert len(graph.store) == size
    assert graph.entity("Example Trading (HK) Ltd").owners == ()


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_world(tmp_path / "nope.ttl")
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(InputError, match="unknown file type"):
        open_world(odd)


def test_malformed_turtle_names_the_file(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<a> <b> .\n")
    with pytest.raises(InputError, match="broken.ttl"):
        open_world(bad)
