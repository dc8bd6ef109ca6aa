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
    assert [(s.name, s.percent_min, s.percent_max) for s in acme.owners] == [("Example Holdings", 40, 60)]
    assert [(li.list, li.date_added, li.citations[0].label) for li in acme.listings] == [
        ("entity-list", dt.date(2025, 10, 1), "90 FR 99999")
    ]
    holdco = graph.entity("Example Holdings", as_of=dt.date(2025, 12, 1))
    assert [(s.name, s.percent, s.listed) for s in holdco.owners] == [("Inspur Group Co., Ltd.", 30, True)]
    before = graph.entity("Example Trading (HK) Ltd", as_of=dt.date(2025, 9, 30))
    assert [li.in_force for li in before.listings] == [False]


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("bad-percent.csv", 3, "percent", "outside 0..100"),
        ("bad-range.csv", 2, "percent_min", "greater than percent_max"),
        ("bad-date.csv", 2, "valid_from", "not a date"),
        ("bad-country.csv", 2, "country", "unknown country code 'ZZ'"),
        ("bad-columns.csv", 3, None, "expected 5 columns, found 2"),
        ("bad-party.csv", 2, "owned", "neither a party id"),
        ("bad-list.csv", 2, "list", "unknown list 'not-a-list'"),
        ("bad-header.csv", 1, None, "unrecognised CSV header"),
    ],
)
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


# -- numbers that are not finite (issue 19): refused where they are written, never a traceback ------

OWNERSHIP = "owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "inf", "-inf", "-Infinity", "sNaN", "NaN%"])
@pytest.mark.parametrize("column", ["percent", "percent_min", "percent_max"])
def test_a_percentage_that_is_not_finite_names_file_line_and_column(tmp_path, value, column):
    cells = {"percent": "", "percent_min": "", "percent_max": "", column: value}
    bad = tmp_path / "own.csv"
    bad.write_text(
        OWNERSHIP + "holdco,acme-hk,30,,,,,\n"
        f"holdco,acme-hk,{cells['percent']},{cells['percent_min']},{cells['percent_max']},,,\n"
    )
    with pytest.raises(InputError) as info:
        open_world(CSV / "parties.csv", bad)
    err = info.value
    assert (err.source, err.line, err.column) == (str(bad), 3, column)
    assert f"own.csv:3 column '{column}': {value.rstrip('%')!r} is not a finite number" in str(err)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf"])
def test_the_cli_exits_2_on_a_percentage_that_is_not_finite(tmp_path, capsys, value):
    from exportgraph.cli import main

    bad = tmp_path / "own.csv"
    bad.write_text(OWNERSHIP + f'"Inspur Group Co., Ltd.",Inspur Taiwan,{value},,,,,\n')
    assert main(["entity", "Inspur Taiwan", "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"own.csv:2 column 'percent': '{value}' is not a finite number" in err and "Traceback" not in err


STAKE = """@prefix eg: <https://w3id.org/exportgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/exportgraph/id/stake/t1> a eg:OwnershipStake ;
    eg:owner <https://w3id.org/exportgraph/id/party/inspur-group-co-ltd> ;
    eg:owned <https://w3id.org/exportgraph/id/party/inspur-taiwan> ;
    eg:percent {value} .
"""


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('"NaN"^^xsd:decimal', "'NaN' is not a finite number"),
        ('"INF"^^xsd:double', "'INF' is not a finite number"),
        ('"-INF"^^xsd:float', "'-INF' is not a finite number"),
        ("1e999", "'1e999' is not a finite number"),
        ('"abc"^^xsd:decimal', "'abc' is not a number"),
    ],
)
def test_rdf_data_with_a_number_that_is_not_finite_is_refused(tmp_path, value, says):
    """The exposure of Inspur Taiwan ended in decimal.InvalidOperation on such a stake."""
    bad = tmp_path / "stake.ttl"
    bad.write_text(STAKE.format(value=value))
    with pytest.raises(InputError) as info:
        open_world(bad)
    assert (info.value.line, info.value.column) == (6, "eg:percent") and says in str(info.value)
    assert "stake.ttl:6 column 'eg:percent'" in str(info.value)


def test_rdf_orders_and_a_scenario_with_a_number_that_is_not_finite_exit_2(tmp_path, capsys, cli_bundled):
    from exportgraph.cli import main

    orders = tmp_path / "orders.ttl"
    orders.write_text(
        "@prefix eg: <https://w3id.org/exportgraph/ontology#> .\n"
        '<urn:o1> a eg:Order ; eg:orderId "rdf-1" ;\n'
        '    eg:quantity "NaN"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    )
    assert main(["check", str(orders)]) == 2
    err = capsys.readouterr().err
    assert "orders.ttl:3 column 'eg:quantity': 'NaN' is not a finite number" in err and "Traceback" not in err
    good = tmp_path / "orders.csv"
    good.write_text(
        "order_id,date,item,quantity,seller,buyer,consignee,end_user,intermediaries,destination,end_use\n"
        "o1,2025-06-01,NVIDIA H100 SXM,8,,,Inspur Taiwan,,,TW,\n"
    )
    scenario = tmp_path / "lower.ttl"
    scenario.write_text(
        "<https://w3id.org/exportgraph/id/rule/ai-diffusion-2025-01> "
        "<https://w3id.org/exportgraph/ontology#tppCap> "
        '"INF"^^<http://www.w3.org/2001/XMLSchema#double> .\n'
    )
    assert main(["check", str(good), "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "lower.ttl:1 column 'eg:tppCap': 'INF' is not a finite number" in err and "Traceback" not in err
