"""Exposure of one organisation: chains up and down, the 50% rule and how it is reached, and the
integrated ownership figure, which is kept apart from the rule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from exportgraph import ExportGraph
from exportgraph.cli import main

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph

P = "https://w3id.org/exportgraph/id/party/"
FIX = "tests/fixtures/check/"
DAY = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def world() -> ExportGraph:
    """X and Y listed; X 50% of A, A 50% of B (a chain); X 25% + Y 25% of C (aggregate); X 49% of
    E, E 100% of F; an unknown stake (H), ranges (I 40-60%, J 50-70%); see tests/test_check.py."""
    return ExportGraph.open([FIX + "parties.csv", FIX + "ownership.csv", FIX + "listings.csv"])


def test_inspur_group_lists_its_six_listed_subsidiaries(capsys):
    assert main(["exposure", "Inspur Group Co., Ltd.", "--format", "json", "--as-of", "2025-10-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"entity", "listings", "owners", "subsidiaries", "affiliates_rule"} <= set(out)
    assert out["entity"]["name"] == "Inspur Group Co., Ltd."
    subs = {s["name"]: s for s in out["subsidiaries"]}
    assert len(subs) == 6
    assert "Inspur Taiwan" in subs and "Inspur Software Co., Ltd." in subs
    for s in subs.values():
        assert {"name", "percent"} <= set(s) and s["depth"] == 1
        assert s["lists"] == ["entity-list"]
        assert s["listings"][0]["citations"] == ["90 FR 14048"] and s["listings"][0]["date_added"] == "2025-03-25"
    assert [li["list"] for li in out["listings"] if li["in_force"]] == ["entity-list"]


def test_inspur_taiwan_has_inspur_group_as_ultimate_parent_headquartered_in_china(bundled):
    e = bundled.exposure("Inspur Taiwan", DAY)
    assert e.ultimate_parent == {
        "party": P + "inspur-group-co-ltd",
        "name": "Inspur Group Co., Ltd.",
        "headquarters": ["CN"],
    }
    [owner] = e.owners
    assert (owner.name, owner.depth, owner.listed, owner.country) == ("Inspur Group Co., Ltd.", 1, True, "CN")
    assert owner.percent is None  # the sources call it a subsidiary and give no figure
    [integrated] = e.integrated_ownership
    assert (integrated.percent_min, integrated.percent_max, integrated.exact) == (0, 100, False)
    assert e.affiliates_rule.reach == "listed"


def test_chain_of_majorities_is_indirect_and_multiplies_through(world):
    e = world.exposure("Fixture B (50% of A)", DAY)
    assert [(o.name, o.depth, o.percent) for o in e.owners] == [
        ("Fixture A (50% of X)", 1, Decimal(50)),
        ("Fixture Listed X", 2, Decimal(50)),
    ]
    rule = e.affiliates_rule
    assert (rule.status, rule.covered, rule.reach) == ("covered", True, "indirect")
    assert [(c["name"], c["owner_status"]) for c in e.covering_stakes] == [("Fixture A (50% of X)", "covered")]
    # The risk figure: 50% of 50% = 25%; the rule covers B all the same.
    [x] = e.integrated_ownership
    assert (x.name, x.percent_min, x.percent_max, x.exact, x.paths) == ("Fixture Listed X", 25, 25, True, 1)


def test_direct_and_aggregate(world):
    assert world.exposure("Fixture A (50% of X)", DAY).affiliates_rule.reach == "direct"
    c = world.exposure("Fixture C (25% X + 25% Y)", DAY)
    assert (c.affiliates_rule.status, c.affiliates_rule.reach) == ("covered", "aggregate")
    assert sorted((i.name, i.percent_min) for i in c.integrated_ownership) == [
        ("Fixture Listed X", 25),
        ("Fixture Listed Y", 25),
    ]


def test_below_fifty_is_not_covered_but_still_has_an_integrated_figure(world):
    f = world.exposure("Fixture F (100% of E)", DAY)
    assert (f.affiliates_rule.status, f.affiliates_rule.covered) == ("not covered", False)
    [x] = f.integrated_ownership
    assert (x.name, x.percent_min) == ("Fixture Listed X", 49)


def test_unknown_and_range_stakes_are_possibly_covered(world):
    h = world.exposure("Fixture H (unknown stake of X)", DAY)
    assert (h.affiliates_rule.status, h.affiliates_rule.reach, h.affiliates_rule.covered) == (
        "possibly covered",
        "possibly",
        False,
    )
    [x] = h.integrated_ownership
    assert (x.percent_min, x.percent_max, x.exact) == (0, 100, False)


def test_stakes_count_only_within_their_dates(world):
    """G was divested by X: while the stake held, X is its owner and G a subsidiary of X; after, not."""
    before = world.exposure("Fixture G (divested by X)", dt.date(2024, 6, 1))
    after = world.exposure("Fixture G (divested by X)", DAY)
    assert [o.name for o in before.owners] == ["Fixture Listed X"]
    assert after.owners == () and after.integrated_ownership == ()
    x_after = {s.name for s in world.exposure("Fixture Listed X", DAY).subsidiaries}
    x_before = {s.name for s in world.exposure("Fixture Listed X", dt.date(2024, 6, 1)).subsidiaries}
    assert "Fixture G (divested by X)" in x_before - x_after


def test_subsidiaries_down_the_chain_with_their_standing(world):
    e = world.exposure("Fixture Listed X", DAY)
    subs = {s.name: s for s in e.subsidiaries}
    assert subs["Fixture B (50% of A)"].depth == 2 and subs["Fixture B (50% of A)"].via_name == "Fixture A (50% of X)"
    assert subs["Fixture A (50% of X)"].affiliates_rule.status == "covered"
    assert subs["Fixture F (100% of E)"].affiliates_rule.status == "not covered"


def test_table_output_and_unknown_name(capsys):
    assert main(["exposure", "Inspur Taiwan", "--as-of", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert "ultimate parent       Inspur Group Co., Ltd., headquartered in CN" in out
    assert "risk figure" in out
    assert main(["exposure", "No Such Party Anywhere Ltd"]) == 3
