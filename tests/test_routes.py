"""Routes through intermediaries to listed or covered parties and restricted destinations, ranked by
risk; supply relations as user data; shared addresses."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.errors import InputError
from exportgraph.store.embedded import IRI

F = "tests/fixtures/routes/"
DAY = dt.date(2025, 10, 1)
U = "https://w3id.org/exportgraph/id/user/party/"


@pytest.fixture(scope="module")
def graph() -> ExportGraph:
    return ExportGraph.open([F + "parties.csv", F + "supply.csv"])


def names(route) -> list[str]:
    return [n.removeprefix("Fixture ") for n in route.names]


def test_routes_are_ranked_by_risk_and_say_why(graph):
    routes = graph.routes(as_of=DAY, orders=F + "orders.csv")
    assert [names(r) for r in routes] == [
        ["Chip Maker", "Distributor MY", "Nettrix Information Industry Co., Ltd."],
        ["Chip Maker", "Distributor MY", "Twin TW", "Inspur Taiwan"],
        ["Chip Maker", "Distributor SG", "Shell HK"],
    ]
    nettrix, inspur, hk = routes
    assert [f.factor for f in nettrix.target_factors] == ["listed", "restricted destination"]
    assert {(f.factor, f.subject) for f in nettrix.risk_factors} == {
        ("recently founded", U + "dist-my"),
        ("diversion hub", "MY"),
        ("diversion hub", "AE"),
    }
    assert nettrix.steps[-1].transit == ("AE",)  # the order's bare AE leg
    assert {f.factor for f in inspur.risk_factors} == {
        "recently founded",
        "shares an address with a listed party",
        "diversion hub",
    }
    assert nettrix.score > inspur.score > hk.score == 5
    assert "order r-1" in hk.steps[0].label and "supply NVIDIA H100 SXM" in hk.steps[0].label


def test_supply_relations_alone_and_their_validity(graph):
    routes = graph.routes(as_of=DAY)
    assert [names(r)[-1] for r in routes] == ["Inspur Taiwan", "Shell HK"]
    before = graph.routes(as_of=dt.date(2025, 2, 1))  # only the Singapore distributor's first relation
    assert before == []


def test_filters_to_destination_and_via(graph):
    assert [names(r) for r in graph.routes(as_of=DAY, to="Inspur Taiwan")] == [
        ["Chip Maker", "Distributor MY", "Twin TW", "Inspur Taiwan"],
        ["Distributor MY", "Twin TW", "Inspur Taiwan"],
    ]
    assert [names(r)[-1] for r in graph.routes(as_of=DAY, destination="DE")] == ["Cloud DE"]
    assert [names(r)[-1] for r in graph.routes(as_of=DAY, via="SG")] == ["Shell HK"]
    assert graph.routes(as_of=DAY, via="JP") == []
    with pytest.raises(InputError, match="unknown country code 'XX'"):
        graph.routes(via="XX")


def test_shared_address_is_derived_ignoring_case_and_punctuation(graph):
    rows = graph.store.select("SELECT ?b WHERE { ?a eg:sharesAddressWith ?b }", {"a": IRI(U + "twin-tw")})
    assert [str(r["b"]) for r in rows] == ["https://w3id.org/exportgraph/id/party/inspur-taiwan"]


def test_cli_json_and_table(capsys, cli_bundled):
    data = ["--data", F + "parties.csv", "--data", F + "supply.csv", "--as-of", "2025-10-01"]
    assert main(["routes", *data, "--orders", F + "orders.csv", "--format", "json", "--limit", "1"]) == 0
    captured = capsys.readouterr()
    [route] = json.loads(captured.out)
    assert set(route) == {"score", "path", "parties", "steps", "reaches", "risk_factors"}
    assert route["parties"][-1]["name"] == "Nettrix Information Industry Co., Ltd."
    assert "3 routes; showing the 1 riskiest" in captured.err
    assert main(["routes", *data, "--to", "Inspur Taiwan", "--destination", "CN"]) == 2
    assert main(["routes", *data, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "score,hops,path,reaches,risk" and len(lines) == 3
    assert "Fixture Twin TW" in lines[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "supplier,customer,item,valid_from,valid_to,source\nnobody,maker,x,,,\n",
            "supply.csv:2 column 'supplier': 'nobody' is neither a party id",
        ),
        (
            "supplier,customer,item,valid_from,valid_to,source\nmaker,maker,x,,,\n",
            "supply.csv:2 column 'customer': supplier and customer are the same party",
        ),
        (
            "supplier,customer,item,valid_from,valid_to,source\nmaker,dist-sg,x,2025-13-01,,\n",
            "supply.csv:2 column 'valid_from'",
        ),
    ],
)
def test_bad_supply_rows_name_the_place_and_load_nothing(tmp_path, text, message):
    path = tmp_path / "supply.csv"
    path.write_text(text, encoding="utf-8")
    graph = ExportGraph.open([F + "parties.csv"])
    before = len(graph.store)
    with pytest.raises(InputError, match=message):
        graph.load([F + "parties.csv", path])  # ids of a parties file are known to the files loaded with it
    assert len(graph.store) == before


def test_parties_file_takes_optional_address_and_founded_columns(tmp_path):
    path = tmp_path / "parties.csv"
    path.write_text("id,name,country,aliases,kind,founded\np1,Fixture P1,,,company,2024-02-30\n", encoding="utf-8")
    with pytest.raises(InputError, match="parties.csv:2 column 'founded'"):
        ExportGraph.open([path], bundled=False)
    path.write_text("id,name,country,aliases,kind,phone\np1,Fixture P1,,,company,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="unrecognised CSV header"):
        ExportGraph.open([path], bundled=False)


def test_a_cycle_is_walked_and_an_order_without_destination_keeps_its_consignee(tmp_path):
    (tmp_path / "loop-parties.csv").write_text(
        "id,name,country,aliases,kind\nloop-sg,Fixture Loop SG,SG,,company\nloop-my,Fixture Loop MY,MY,,company\n",
        encoding="utf-8",
    )
    (tmp_path / "loop-supply.csv").write_text(
        "supplier,customer,item,valid_from,valid_to,source\nloop-sg,loop-my,x,,,fixture\nloop-my,loop-sg,x,,,fixture\n"
        "loop-my,Inspur Taiwan,x,,,fixture\n",
        encoding="utf-8",
    )
    graph = ExportGraph.open(
        [F + "parties.csv", F + "supply.csv", tmp_path / "loop-parties.csv", tmp_path / "loop-supply.csv"]
    )
    found = [names(r) for r in graph.routes(as_of=DAY)]
    assert ["Loop SG", "Loop MY", "Inspur Taiwan"] in found  # no party starts the loop; it is walked anyway
    orders = [
        {
            "order_id": "nd-1",
            "date": "2025-09-01",
            "item": "EAR99",
            "seller": "maker",
            "consignee": "Inspur Taiwan",
            "intermediaries": "dist-sg@SG",
            "destination": "",
        }
    ]
    routes = graph.routes(as_of=DAY, orders=orders)
    nd = [r for r in routes if any("nd-1" in s.label for s in r.steps)]
    assert nd and names(nd[0])[-1] == "Inspur Taiwan" and nd[0].steps[-1].country == "TW"


def test_a_party_on_two_lists_counts_once(graph):
    rows = graph.query("routes/risk", as_of="2026-07-01").rows
    inspur = [r for r in rows if str(r["subject"]).endswith("/inspur-group-co-ltd") and r["factor"] == "listed"]
    assert len(inspur) == 1 and inspur[0]["weight"] == 5
    assert "Entity List" in inspur[0]["detail"] and "1260H" in inspur[0]["detail"]


def test_via_country_takes_lower_case(graph):
    upper = graph.query("routes/via-country", country="SG", as_of="2025-10-01").rows
    assert upper and graph.query("routes/via-country", country="sg", as_of="2025-10-01").rows == upper


def test_two_data_files_of_one_name_are_refused(tmp_path):
    """CSV rows are named after their file name; two files called supply.csv would merge silently."""
    (tmp_path / "supply.csv").write_text(
        "supplier,customer,item,valid_from,valid_to,source\ndist-sg,dist-my,x,,,fixture\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="another data file has the same name"):
        ExportGraph.open([F + "parties.csv", F + "supply.csv", tmp_path / "supply.csv"])
    graph = ExportGraph.open([F + "parties.csv", F + "supply.csv"])
    before = len(graph.store)
    with pytest.raises(InputError, match="same name"):
        graph.load([tmp_path / "supply.csv"])
    assert len(graph.store) == before
    graph.load([F + "parties.csv", F + "supply.csv"])  # the same files again are fine
