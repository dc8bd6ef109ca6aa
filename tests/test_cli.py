"""The CLI on the bundled graph: the issue's acceptance facts, output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from exportgraph.cli import main

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph

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
    code, out, _ = run(
        capsys, "query", "list-entries", "--param", "list=entity-list", "--as-of", "2025-03-26", "--format", "json"
    )
    names = {r["name"] for r in json.loads(out)}
    assert code == 0 and "Inspur Taiwan" in names
    code, out, _ = run(
        capsys, "query", "list-entries", "--param", "list=entity-list", "--as-of", "2025-03-24", "--format", "json"
    )
    assert "Inspur Taiwan" not in {r["name"] for r in json.loads(out)}
    code, out, _ = run(capsys, "query", "--list", "x")
    assert code == 0 and "party-listings" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["entity", "No Such Party Whatsoever"], 3, "no party named"),
        (["entity", "Huawei"], 3, "matches"),
        (["entity", "Inspur Taiwan", "--as-of", "2025-02-30"], 2, "not a date"),
        (["query", "no-such-query"], 2, "no query named"),
        (["query", "chips", "--param", "x"], 2, "expected NAME=VALUE"),
        (["info", "--data", "missing.ttl"], 2, "no such file"),
    ],
)
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

    out = subprocess.run([sys.executable, "-m", "exportgraph", "--version"], capture_output=True, text=True, check=True)
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


# -- help, standard input, JSON Lines, tables (issue 19) --------------------------------------------


def _verbs() -> list[str]:
    import argparse

    from exportgraph.cli.parser import build_parser as _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize(
    "argv", [["--help"]] + [[verb, "--help"] for verb in _verbs()], ids=lambda argv: " ".join(argv)
)
def test_help_of_the_command_and_every_verb(capsys, argv):
    """A % in a help string is a %-format: "50% rule" printed the parser's parameters as a dict."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert out.startswith("usage: exportgraph")
    assert "{'" not in out and "%(" not in out and "%%" not in out, out
    if argv[0] in ("--help", "screen", "exposure"):
        assert "50% rule" in " ".join(out.split())


ORDERS = Path(__file__).parent.parent / "examples" / "orders.csv"
ROUTES = Path(__file__).parent / "fixtures" / "routes"


def _stdin(monkeypatch, data: str) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))


def test_check_reads_orders_from_standard_input():
    """`-` is standard input, in a real process: the same verdicts as from the file."""
    import subprocess
    import sys

    def check(*args, stdin=None):
        done = subprocess.run(
            [sys.executable, "-m", "exportgraph", "check", *args, "--format", "json"],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    from_file = check(str(ORDERS))
    assert from_file and check("-", stdin=ORDERS.read_text(encoding="utf-8")) == from_file


def test_screen_reads_names_from_standard_input(capsys, monkeypatch):
    _stdin(monkeypatch, "name,country\nInspur Taiwan,TW\n")
    code, out, err = run(capsys, "screen", "-", "--format", "json")
    assert code == 0, err
    [screened] = json.loads(out)
    assert screened["input"]["name"] == "Inspur Taiwan" and screened["matches"][0]["name"] == "Inspur Taiwan"
    _stdin(monkeypatch, "name,country\nInspur Taiwan,TW\nNobody,ZZ\n")
    code, _, err = run(capsys, "screen", "-")
    assert code == 2 and "<stdin>:3 column 'country': unknown country code 'ZZ'" in err, err
    assert "exportgraph-stdin" not in err  # the temporary file is never named


def test_data_and_a_query_from_standard_input(capsys, monkeypatch):
    _stdin(monkeypatch, "id,name,country,aliases,kind\nzz-1,Stdin Test Trading Ltd,HK,,company\n")
    code, out, err = run(capsys, "entity", "Stdin Test Trading Ltd", "--data", "-", "--format", "json")
    assert code == 0 and json.loads(out)["countries"] == ["HK"], err
    _stdin(
        monkeypatch,
        "PREFIX eg: <https://w3id.org/exportgraph/ontology#>\n"
        'SELECT ?name WHERE { ?p eg:alias "ETL-stdin" ; eg:name ?name }\n',
    )
    code, out, err = run(capsys, "query", "-", "--format", "json")
    assert code == 0 and json.loads(out) == [], err


@pytest.mark.parametrize(
    "argv", [["check", "-", "--data", "-"], ["screen", "-", "--data", "-"], ["info", "--data", "-", "--data", "-"]]
)
def test_standard_input_is_read_once(capsys, monkeypatch, argv):
    _stdin(monkeypatch, "")
    code, _, err = run(capsys, *argv)
    assert code == 2 and "- (standard input) can be given once" in err, err


def test_import_refuses_standard_input(capsys, tmp_path):
    code, _, err = run(capsys, "import", "csv", "-", "--store", str(tmp_path / "store"))
    assert code == 2 and "save standard input to a file" in err
    assert not (tmp_path / "store").exists()


def _lines(text: str) -> list:
    assert text.endswith("\n") and "\n\n" not in text
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(ORDERS)],
        ["screen", "--name", "Inspur Taiwan", "--name", "Sugon"],
        ["query", "list-entries", "--param", "list=entity-list", "--as-of", "2025-03-26"],
        ["query", "--list", "x"],
        [
            "routes",
            "--data",
            str(ROUTES / "parties.csv"),
            "--data",
            str(ROUTES / "supply.csv"),
            "--orders",
            str(ROUTES / "orders.csv"),
            "--as-of",
            "2025-10-01",
        ],
        ["entity", "Inspur Taiwan"],
        ["exposure", "Inspur Taiwan"],
        ["info"],
        ["changes", "--list", "entity-list", "--since", "2025-03-01", "--until", "2025-03-31"],
    ],
    ids=lambda argv: argv[0] + ("-list" if "--list" in argv and argv[0] == "query" else ""),
)
def test_jsonl_is_the_items_of_json_one_a_line(capsys, argv):
    code, as_json, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    code, as_jsonl, err = run(capsys, *argv, "--format", "jsonl")
    assert code == 0, err
    doc = json.loads(as_json)
    assert doc, "an empty result would test nothing"
    assert _lines(as_jsonl) == (doc if isinstance(doc, list) else [doc])
    assert len(as_jsonl.splitlines()) == (len(doc) if isinstance(doc, list) else 1)


def _column(table: str, index: int) -> list[str]:
    """The text of one column per row of a wrapped table (a row starts where the first column has text)."""
    lines = table.splitlines()
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    rows: list[list[str]] = []
    for line in lines[2:]:
        if line[:1].strip():
            rows.append([])
        end = starts[index + 1] if index + 1 < len(starts) else None
        if not line[max(0, starts[index] - 2) : starts[index]].strip():  # (not a long word of a column before)
            rows[-1].append(line[starts[index] : end].strip())
    return [" ".join(" ".join(r).split()) for r in rows]


def test_tables_wrap_reasons_and_cut_nothing(capsys, monkeypatch):
    """The reasons of every order whole in the table, wrapped to the terminal (COLUMNS), each line
    within it; `--wide`: one line an order, the same text."""
    code, out, _ = run(capsys, "check", str(ORDERS), "--format", "csv")
    reasons = [" ".join(row["reasons"].split()) for row in csv.DictReader(io.StringIO(out))]
    assert max(len(r) for r in reasons) > 200  # (they were cut at 60 characters)
    monkeypatch.setenv("COLUMNS", "100")
    code, table, _ = run(capsys, "check", str(ORDERS))
    assert code == 0
    body = table.split("\n\n")[0]  # the details under the table are lines of their own
    assert _column(body, 4) == reasons
    assert max(len(line) for line in body.splitlines()) <= 100
    code, wide, _ = run(capsys, "check", str(ORDERS), "--wide")
    lines = wide.split("\n\n")[0].splitlines()
    assert len(lines) == 2 + len(reasons)
    assert all(r in line for r, line in zip(reasons, lines[2:], strict=True))


def test_long_iris_and_citations_stay_whole(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    name = "Inspur (Beijing) Electronic Information Industry Co., Ltd."
    code, out, _ = run(capsys, "entity", name, "--format", "json")
    iri = json.loads(out)["iri"]
    assert len(iri) > 60
    code, table, _ = run(capsys, "entity", name)
    assert code == 0 and any(line.startswith("iri ") and iri in line for line in table.splitlines())
    code, table, _ = run(capsys, "check", str(ORDERS))
    assert "742.6(a)(6)(iii)(A)" in table  # a CFR paragraph is one word: never broken


def test_a_table_fits_its_width_and_breaks_no_word():
    from exportgraph.cli.output import table as _table

    iri = "https://w3id.org/exportgraph/id/party/" + "a-very-long-party-name-" * 3 + "ltd"
    reason = " ".join(f"word{i}" for i in range(120)) + " (15 CFR 744.23(a)(3); 90 FR 14048)"
    out = io.StringIO()
    _table(["id", "party", "reason"], [["o-1", iri, reason], ["o-2", "short", "brief"]], out, width=70)
    text = out.getvalue()
    lines = text.splitlines()
    assert any(iri in line for line in lines)
    assert _column(text, 2) == [reason, "brief"]
    assert all(len(line) <= 70 or iri in line for line in lines)
    wide = io.StringIO()
    _table(["id", "party", "reason"], [["o-1", iri, reason]], wide, wide=True, width=70)
    assert len(wide.getvalue().splitlines()) == 3 and reason in wide.getvalue()


def test_a_table_to_a_file_or_a_pipe_is_one_line_a_row(capsys, monkeypatch, tmp_path):
    """No terminal and no COLUMNS: nothing to wrap to, so each row is one line (grep finds it), still uncut."""
    monkeypatch.delenv("COLUMNS", raising=False)
    code, out, _ = run(capsys, "check", str(ORDERS), "--format", "csv")
    reasons = [row["reasons"] for row in csv.DictReader(io.StringIO(out))]
    target = tmp_path / "verdicts.txt"
    assert run(capsys, "check", str(ORDERS), "-o", str(target))[0] == 0
    lines = target.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
    assert len(lines) == 2 + len(reasons) and all(r in line for r, line in zip(reasons, lines[2:], strict=True))


def test_query_list_needs_no_query_and_a_query_without_list_does(capsys):
    code, out, _ = run(capsys, "query", "--list")
    assert code == 0 and "party-facts" in out
    code, _, err = run(capsys, "query")
    assert code == 2 and "--list" in err
