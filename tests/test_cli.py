"""The CLI on the bundled graph: the issue's acceptance facts, output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from exportgraph.cli import main

INSPUR_SUBSIDIARIES = {
    "Inspur (Beijing) Electronic Information Industry Co., Ltd.",
    "Inspur Electronic Information Industry Co., Ltd.",
    "Inspur Electronic Information (Hong Kong) Co., Ltd.",
    "Inspur (HK) Electronics Co., Ltd.",
    "Inspur Software Co., Ltd.",
    "Inspur Taiwan",
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_inspur_taiwan_is_listed_under_90_fr_14048_with_inspur_group_as_parent(capsys):
    code, out, _ = run(capsys, "entity", "Inspur Taiwan", "--format", "json")
    assert code == 0
    ent = json.loads(out)
    el = [li for li in ent["listings"] if li["list"] == "entity-list"]
    assert len(el) == 1 and el[0]["in_force"]
    assert el[0]["date_added"] == "2025-03-25"
    cite = el[0]["citations"][0]
    assert (cite["label"], cite["published"], cite["effective"]) == ("90 FR 14048", "2025-03-28", "2025-03-25")
    assert 4 in el[0]["footnotes"]
    assert "Inspur Group Co., Ltd." in [o["name"] for o in ent["owners"]]
    assert ent["ultimate_parent"] == "Inspur Group Co., Ltd."


def test_before_its_listing_inspur_taiwan_is_not_in_force(capsys):
    code, out, _ = run(capsys, "entity", "Inspur Taiwan", "--as-of", "2025-01-01", "--format", "json")
    assert code == 0
    assert [li["in_force"] for li in json.loads(out)["listings"]] == [False]


def test_inspur_group_lists_the_six_subsidiaries(capsys):
    code, out, _ = run(capsys, "entity", "Inspur Group Co., Ltd.", "--format", "json")
    assert code == 0
    names = {s["name"] for s in json.loads(out)["subsidiaries"]}
    assert INSPUR_SUBSIDIARIES <= names


def test_info_counts(capsys):
    code, out, _ = run(capsys, "info", "--format", "json")
    info = json.loads(out)
    assert code == 0
    assert info["entityListEntries"] >= 3400
    assert info["countries"] >= 249
    assert info["chips"] >= 25


def test_entity_table_and_csv(capsys):
    code, out, _ = run(capsys, "entity", "IEIT Systems Co. Ltd.")
    assert code == 0 and "Inspur Electronic Information Industry Co., Ltd." in out and "90 FR 14048" in out
    code, out, _ = run(capsys, "entity", "Inspur Taiwan", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["field", "value", "source"] and ["name", "Inspur Taiwan", ""] in rows


def test_query_with_params_and_list(capsys):
    code, out, _ = run(capsys, "query", "list-entries", "--param", "list=entity-list",
                       "--as-of", "2025-03-26", "--format", "json")
    names = {r["name"] for r in json.loads(out)}
    assert code == 0 and "Inspur Taiwan" in names
    code, out, _ = run(capsys, "query", "list-entries", "--param", "list=entity-list",
                       "--as-of", "2025-03-24", "--format", "json")
    assert "Inspur Taiwan" not in {r["name"] for r in json.loads(out)}
    code, out, _ = run(capsys, "query", "--list", "x")
    assert code == 0 and "party-listings" in out


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["entity", "No Such Party Whatsoever"], 3, "no party named"),
    (["entity", "Huawei"], 3, "matches"),
    (["entity", "Inspur Taiwan", "--as-of", "2025-02-30"], 2, "not a date"),
    (["query", "no-such-query"], 2, "no query named"),
    (["query", "chips", "--param", "x"], 2, "expected NAME=VALUE"),
    (["info", "--data", "missing.ttl"], 2, "no such file"),
])
def test_errors_and_exit_codes(capsys, argv, code, message):
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse rejects a bad --as-of itself, with exit status 2
        got = exc.code
    assert got == code
    assert message in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "exportgraph", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("exportgraph ")


def test_chip_names_do_not_resolve_as_parties(capsys):
    """Regression: chips carry eg:name too, and 'Huawei' listed Ascend chips among its matches.
    A chip's name shows the chip (its ECCN derivation), never a party."""
    code, out, _ = run(capsys, "entity", "NVIDIA H100 SXM")
    assert code == 0 and "3A090.a" in out and "15832" in out
    code, _, err = run(capsys, "entity", "Huawei")
    assert code == 3 and "Ascend" not in err


def test_owner_source_is_shown_by_its_label(capsys):
    code, out, _ = run(capsys, "entity", "Inspur Taiwan", "--format", "json")
    owner = next(o for o in json.loads(out)["owners"] if o["name"] == "Inspur Group Co., Ltd.")
    assert owner["source"].startswith("https://w3id.org/exportgraph/id/source/")
    assert owner["source_label"] and not owner["source_label"].startswith("https://w3id.org/")
