"""OpenSanctions' `topics` and `datasets` in FtM entities (issue 16): a target that a government list
names (topics sanction, export.control, debarment; https://www.opensanctions.org/docs/topics/) is
put on a list per dataset, `opensanctions-<dataset>`, which screening shows and no licence verdict
reads. The fixture, tests/fixtures/ftm/topics.ftm.json, says where each line comes from."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import cli, info
from rdflib import Graph, Literal

from exportgraph import ExportGraph
from exportgraph.errors import InputError
from exportgraph.namespaces import DCTERMS, EG
from exportgraph.sources import ftm

FIXTURES = Path(__file__).parent / "fixtures"
TOPICS = FIXTURES / "ftm" / "topics.ftm.json"
CHECK = FIXTURES / "check"
EXAMPLES = Path(__file__).parents[1] / "examples"
CODES = {"AE", "CN", "CY", "DE", "IR", "RU", "VN"}


def read(path: Path) -> Graph:
    g = Graph()
    for _, triples in ftm.read(path, CODES):
        if not isinstance(triples, str):
            for t in triples:
                g.add(t)
    return g


def as_nt(path: Path, out: Path) -> Path:
    """The importer's triples of an FtM file as N-Triples, for `--data` (which reads RDF, not FtM)."""
    read(path).serialize(out, format="nt", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> tuple[ExportGraph, ExportGraph]:
    """The bundled graph with the realistic parties and the fixture's entities: without their topics
    (so on no list), and as they are."""
    tmp = tmp_path_factory.mktemp("ftm")
    untopical = tmp / "untopical.ftm.json"
    records = [json.loads(line) for line in TOPICS.read_text(encoding="utf-8").splitlines()]
    untopical.write_text(
        "".join(json.dumps({**r, "properties": {**r["properties"], "topics": []}}) + "\n" for r in records),
        encoding="utf-8",
    )
    parties = CHECK / "realistic-parties.csv"
    return (
        ExportGraph.open([parties, as_nt(untopical, tmp / "untopical.nt")]),
        ExportGraph.open([parties, as_nt(TOPICS, tmp / "topics.nt")]),
    )


def test_listed_topics_put_a_target_on_a_list_per_dataset_dated_as_opensanctions_gives():
    g = read(TOPICS)
    entries = {
        (
            str(g.value(g.value(e, EG.party), EG.name)),
            str(g.value(g.value(e, EG.onList), EG.shortName)),
            str(g.value(e, EG.dateAdded))[:10],
        )
        for e in g.subjects(EG.onList, None)
    }
    assert entries == {
        ("IRGC", "opensanctions-eu_fsf", "2012-03-24"),  # createdAt, not first_seen (2023-04-20)
        ("Vitalij Kuzmenko", "opensanctions-eu_fsf", "2024-02-23"),
        # the Sanction's startDate, not its listingDate (2023-10-25) or first_seen (2024-05-01)
        ("Test Export Controlled Devices Co.", "opensanctions-us_trade_csl", "2023-10-19"),
        ("Test Debarred Builders Ltd.", "opensanctions-worldbank_debarred", "2023-01-10"),  # first_seen
        ("Test Multi Listed Trading Ltd.", "opensanctions-eu_fsf", "2024-03-01"),
        ("Test Multi Listed Trading Ltd.", "opensanctions-gb_hmt_sanctions", "2024-03-01"),
        # its Sanction names gb_hmt_sanctions: not also listed on wd_peps, where its PEP topic came from
        ("Test Sanctioned Official Person", "opensanctions-gb_hmt_sanctions", "2022-03-15"),
    }  # the sanction-linked company and the PEP are on no list
    for e in g.subjects(EG.onList, None):
        assert g.value(e, EG.confidence) == EG.Unverified
        assert "not the day the listing took effect" in str(g.value(e, EG.note))
        assert g.value(e, EG.citation) is not None
    [linked] = g.subjects(EG.name, Literal("Test Linked Subsidiary Ltd."))
    assert set(g.objects(linked, DCTERMS.subject)) == {Literal("sanction.linked")}
    [pep] = g.subjects(EG.name, Literal("Test Sanctioned Official Person"))
    assert set(g.objects(pep, DCTERMS.subject)) == {Literal("role.pep"), Literal("sanction")}
    [entry] = g.subjects(EG.party, pep)
    assert set(g.objects(entry, DCTERMS.subject)) == {Literal("sanction")}
    # every dataset an entity names is kept, listed or not
    kept = {
        str(g.value(d, EG.rowKey))
        for d in g.subjects(EG.dataset, None)
        if any("opensanctions-wd-peps" in str(x) for x in g.objects(d, EG.dataset))
    }
    assert kept == {"test-pep", "test-pep-sanctioned"}


def test_screen_shows_an_imported_target_listed_by_the_lists_short_name(graphs):
    untopical, with_ftm = graphs
    assert untopical.screen(["Iranian Revolutionary Guard Corps"])[0].matches[0].lists == ()
    [hit] = with_ftm.screen(["Iranian Revolutionary Guard Corps"], as_of=dt.date(2025, 6, 1))
    [match] = [m for m in hit.matches if m.name == "IRGC"]
    [listing] = match.lists
    assert (listing.list, listing.in_force, listing.confidence, listing.date_added) == (
        "opensanctions-eu_fsf",
        True,
        "Unverified",
        dt.date(2012, 3, 24),
    )
    assert [li.list for li in with_ftm.entity("IRGC", dt.date(2025, 6, 1)).listings] == ["opensanctions-eu_fsf"]
    # before the date it has, the entry is not in force; a sanction-linked party is on no list
    [early] = with_ftm.screen(["Test Multi Listed Trading Ltd."], as_of=dt.date(2024, 2, 1))
    assert {(li.list, li.in_force) for li in early.matches[0].lists} == {
        ("opensanctions-eu_fsf", False),
        ("opensanctions-gb_hmt_sanctions", False),
    }
    [linked] = with_ftm.screen(["Test Linked Subsidiary Ltd."])
    assert linked.matches[0].name == "Test Linked Subsidiary Ltd." and linked.matches[0].lists == ()
    assert with_ftm.hygiene() == []  # every entry dated and cited, every list sourced


def test_an_opensanctions_list_changes_no_licence_verdict(graphs):
    """The restriction shapes and the 50% rule read the lists exportgraph curates, by IRI: the
    OpenSanctions lists are for screening. Orders to the imported parties, and orders not involving
    them, get the same verdicts and reasons whether OpenSanctions lists the parties or not."""
    untopical, with_ftm = graphs
    to_them = [
        {
            "order_id": f"ftm-{i}",
            "date": "2025-06-01",
            "item": "NVIDIA H20",
            "quantity": "1",
            "seller": "NVIDIA Corporation",
            "buyer": party,
            "consignee": party,
            "destination": country,
        }
        for i, (party, country) in enumerate(
            [
                ("Test Export Controlled Devices Co.", "CN"),
                ("Test Multi Listed Trading Ltd.", "AE"),
                ("Test Debarred Builders Ltd.", "VN"),
                ("IRGC", "IR"),
            ]
        )
    ]
    for orders in (to_them, EXAMPLES / "orders.csv", CHECK / "realistic-orders.csv"):
        before = [v.to_dict() for v in untopical.check(orders)]
        after = [v.to_dict() for v in with_ftm.check(orders)]
        assert len(after) >= 4 and after == before
        assert not any("opensanctions" in json.dumps(v) for v in after)
    assert {v["verdict"] for v in after} >= {"license_required", "no_license_required"}


LISTED = {"name": ["A"], "topics": ["sanction"]}
SEEN = "2024-01-01T00:00:00"


@pytest.mark.parametrize(
    ("entity", "says"),
    [
        ({"properties": {"name": ["A"], "topics": "sanction"}}, "property 'topics' is not a list of strings"),
        ({"properties": {"name": ["A"], "topics": [["sanction"]]}}, "property 'topics' is not a list of strings"),
        ({"properties": {"name": ["A"]}, "datasets": "eu_fsf"}, "'datasets' is not a list of dataset names"),
        ({"properties": {"name": ["A"]}, "datasets": ["eu_fsf", ""]}, "'datasets' is not a list of dataset names"),
        ({"properties": {"name": ["A"]}, "first_seen": 2024}, "'first_seen' is not a date and time in a string"),
        (
            {"properties": LISTED, "datasets": ["eu_fsf"], "first_seen": "sometime in 2024"},
            "column 'first_seen': 'sometime in 2024' is not a date",
        ),
        ({"properties": LISTED, "first_seen": SEEN}, "no 'datasets' say which"),
        ({"properties": LISTED, "datasets": ["us_trade_csl"]}, "listed but undated"),
        ({"properties": LISTED, "datasets": ["--"], "first_seen": SEEN}, "no letter or digit"),
    ],
)
def test_bad_topics_datasets_and_dates_name_the_file_and_line(tmp_path, entity, says):
    bad = tmp_path / "bad.ftm.json"
    fine = {"id": "ok", "schema": "Company", "properties": {"name": ["Fine Co"]}}
    bad.write_text(json.dumps(fine) + "\n" + json.dumps({"id": "a", "schema": "Company", **entity}) + "\n")
    with pytest.raises(InputError) as raised:
        list(ftm.read(bad, CODES))
    assert "bad.ftm.json:2" in str(raised.value) and says in str(raised.value), str(raised.value)


def test_import_ftm_lists_a_target_in_the_store_and_a_newer_copy_takes_it_off(store, tmp_path):
    copy = tmp_path / "topics.ftm.json"
    copy.write_text(TOPICS.read_text(encoding="utf-8"), encoding="utf-8")
    done = cli("import", "ftm", str(copy), "--store", str(store), "--format", "json", "--as-of", "2025-01-01")
    assert done.returncode == 0, done.stderr
    assert {c["name"] for c in json.loads(done.stdout)["changes"] if c["what"] == "added"} >= {
        "IRGC",
        "Test Export Controlled Devices Co.",
        "Test Debarred Builders Ltd.",
    }

    def lists(name: str, as_of: str) -> set[tuple]:
        done = cli("screen", "--name", name, "--store", str(store), "--as-of", as_of, "--format", "json")
        assert done.returncode == 0, done.stderr
        [result] = json.loads(done.stdout)
        return {(li["list"], li["in_force"]) for m in result["matches"] for li in m["lists"]}

    assert lists("Test Export Controlled Devices Co.", "2025-06-01") == {("opensanctions-us_trade_csl", True)}
    # a newer copy in which the company is no longer export-controlled: its entry stays, removed
    # on the copy's date; a bad line in a copy after that changes nothing
    copy.write_text(
        copy.read_text(encoding="utf-8").replace('"topics": ["export.control"]', '"topics": []'), encoding="utf-8"
    )
    done = cli("import", "ftm", str(copy), "--store", str(store), "--format", "json", "--as-of", "2025-09-01")
    assert done.returncode == 0, done.stderr
    assert [c["what"] for c in json.loads(done.stdout)["changes"]] == ["removed"]
    assert lists("Test Export Controlled Devices Co.", "2025-06-01") == {("opensanctions-us_trade_csl", True)}
    assert lists("Test Export Controlled Devices Co.", "2025-10-01") == {("opensanctions-us_trade_csl", False)}
    before = info(store)
    lines = copy.read_text(encoding="utf-8").splitlines()
    undated = {"id": "x", "schema": "Company", "properties": LISTED, "datasets": ["eu_fsf"]}
    copy.write_text("\n".join([*lines, json.dumps(undated)]) + "\n", encoding="utf-8")
    done = cli("import", "ftm", str(copy), "--store", str(store))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"topics.ftm.json:{len(lines) + 1}: the entity is listed but undated" in done.stderr, done.stderr
    assert info(store) == before
