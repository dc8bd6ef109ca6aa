"""Reasons an officer can file: the paragraph, the review policy for the destination and date, the
licence exceptions, the footnotes spelled out and the rule's period in force (issue: current to
today and fit to file). Each expected value comes from the text cited beside it."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from exportgraph import check
from exportgraph.cli import main

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph


def order(oid: str, day: str, item: str, dest: str, **parties: str) -> dict:
    return {"order_id": oid, "date": day, "item": item, "destination": dest, **parties}


@pytest.fixture(scope="module")
def verdicts(bundled):
    rows = [
        # 91 FR 1684 (effective 2026-01-15): case-by-case for exports from the US to China and Macau of
        # chips with a TPP below 21,000 and a total DRAM bandwidth below 6,500 GB/s (H200: TPP 15,832,
        # 4,800 GB/s); presumption of denial the day before (742.6(b)(10)) and for chips above (B200: TPP
        # above 21,000)
        order("h200-before", "2026-01-14", "NVIDIA H200", "CN"),
        order("h200-after", "2026-01-15", "NVIDIA H200", "CN"),
        order("h200-macau", "2026-01-15", "NVIDIA H200", "MO"),
        order("b200-after", "2026-01-15", "NVIDIA B200", "CN"),
        # D:5 and ITAR 126.1 are the same (Supp. No. 1 to part 740); the State Department removed
        # Cambodia from 126.1 effective 2025-11-07: D:5 (presumption of denial) the day before, D:1
        # (case-by-case, ACA under 740.8) from that day
        order("kh-before", "2025-11-06", "NVIDIA H100 SXM", "KH"),
        order("kh-after", "2025-11-07", "NVIDIA H100 SXM", "KH"),
        # an Entity List entry with footnote 4 (734.9(e)(2)): Higon, 84 FR 29371
        order("higon", "2025-06-01", "EAR99", "CN", consignee="Higon"),
        # BIS guidance of 2025-05-13 names the Ascend 910B a PRC 3A090 IC (GP10, 736.2(b)(10))
        order("ascend-before", "2025-05-12", "Huawei Ascend 910B", "MY"),
        order("ascend-after", "2025-05-13", "Huawei Ascend 910B", "MY"),
        # Huawei's entry carries footnotes 1 and 2 (734.9(e)(1)); a route through Singapore towards
        # China is a diversion red flag (Supp. No. 3 to part 732)
        order("huawei", "2025-06-01", "EAR99", "CN", consignee="Huawei Technologies Co., Ltd."),
        order("via-sg", "2025-06-01", "3A090", "CN", intermediaries="SG"),
    ]
    return {v.order_id: v for v in bundled.check(rows)}


def policies(v, rule: str) -> set[str]:
    return {r.review_policy or "" for r in v.reasons if r.rule == rule}


def test_the_h200_rule_changes_the_review_policy_on_its_effective_date(verdicts):
    assert verdicts["h200-before"].verdict == verdicts["h200-after"].verdict == check.LICENSE_REQUIRED
    assert policies(verdicts["h200-before"], "destination-3a090") == {"presumption of denial"}
    for oid in ("h200-after", "h200-macau"):
        assert all(p.startswith("case-by-case") for p in policies(verdicts[oid], "destination-3a090")), oid
        reason = next(r for r in verdicts[oid].reasons if r.rule == "destination-3a090")
        assert "91 FR 1684" in reason.review_policy_cfr
        assert any(x.rule == "ac-policy-2026-01" or x.citation == "88 FR 73458" for x in reason.in_force)
    assert policies(verdicts["b200-after"], "destination-3a090") == {"presumption of denial"}


def test_cambodia_leaves_d5_with_itar_126_1(verdicts):
    before, after = verdicts["kh-before"], verdicts["kh-after"]
    assert before.verdict == after.verdict == check.LICENSE_REQUIRED  # KH stays in D:1
    assert "presumption of denial" in policies(before, "destination-3a090")
    assert policies(after, "destination-3a090") == {"case-by-case"}
    assert not any("D:5" in r.message for r in after.reasons)
    aca = {(x.exception, x.status) for r in after.reasons for x in r.license_exceptions}
    assert ("ACA", "available") in aca


def test_an_entity_list_reason_spells_out_its_footnote_and_excludes_exceptions(verdicts):
    reason = next(r for r in verdicts["higon"].reasons if r.rule == "entity-list")
    assert reason.cfr.startswith("15 CFR 744.11")
    assert [(f.footnote, f.cfr) for f in reason.footnotes] == [(4, "15 CFR 734.9(e)(2)")]
    assert "foreign-produced" in reason.footnotes[0].meaning
    assert reason.review_policy == "presumption of denial"
    assert {(x.exception, x.status) for x in reason.license_exceptions} == {("all", "excluded")}
    assert [x.start.isoformat() for x in reason.in_force] == ["2019-06-24"]


def test_the_gp10_guidance_is_a_review_from_its_date(verdicts):
    assert verdicts["ascend-before"].verdict == check.NO_LICENSE_REQUIRED
    after = verdicts["ascend-after"]
    assert after.verdict == check.NEEDS_REVIEW and after.rules == ("prc-3a090-ic",)
    assert "736.2(b)(10)" in after.reasons[0].cfr


def test_every_reason_names_its_paragraph(verdicts):
    for v in verdicts.values():
        for r in v.reasons:
            assert r.cfr and "CFR" in r.cfr or "Supp." in (r.cfr or ""), (v.order_id, r.rule)


def test_every_rule_id_has_a_provision(bundled):
    found = {
        str(r["id"])
        for r in bundled.store.select("SELECT DISTINCT ?id WHERE { ?p a eg:Provision ; eg:provisionFor ?id }")
    }
    assert set(check.rule_ids()) <= found


def test_json_keeps_the_old_keys_and_adds_the_new(capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(",".join(check.COLUMNS) + "\nh,2026-01-15,NVIDIA H200,1,,,,,,CN,\n", encoding="utf-8")
    assert main(["check", str(path), "--format", "json"]) == 0
    reason = json.loads(capsys.readouterr().out)[0]["reasons"][0]
    assert {"rule", "effect", "message", "citation", "review_policy", "path"} <= set(reason)
    assert {"cfr", "review_policy_cfr", "license_exceptions", "footnotes", "in_force"} <= set(reason)
    assert reason["in_force"][0]["from"] == "2023-11-17"


def test_csv_has_a_column_per_field(capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(",".join(check.COLUMNS) + "\nh,2026-01-14,NVIDIA H200,1,,,,,,CN,\n", encoding="utf-8")
    assert main(["check", str(path), "--format", "csv"]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["review_policy"].split(" | ")[0] == "presumption of denial"
    assert "742.6(a)(6)(iii)" in row["cfr"] and "NAC" in row["license_exceptions"]
    assert row["in_force"].startswith("88 FR 73458: 2023-11-17")


def test_fail_on_exits_4_only_for_the_named_verdicts(capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        ",".join(check.COLUMNS) + "\nh,2026-01-14,NVIDIA H200,1,,,,,,CN,\ng,2026-01-14,NVIDIA H20,1,,,,,,DE,\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 0
    assert main(["check", str(path), "--fail-on", "license_required,needs_review"]) == 4
    assert "1 of 2 orders are license_required" in capsys.readouterr().err
    assert main(["check", str(path), "--fail-on", "needs_review", "--format", "json"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["check", str(path), "--fail-on", "licence_required"])
    assert exc.value.code == 2
    assert "unknown verdict 'licence_required'" in capsys.readouterr().err


def test_info_reports_how_current_each_list_and_rule_family_is(capsys):
    assert main(["info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    lists = {r["shortName"]: r for r in info["currency"]["lists"]}
    assert lists["entity-list"]["newestAdded"] >= "2025-09-29"
    rules = {(r["kind"], r["family"]): r for r in info["currency"]["rules"]}
    assert rules[("restriction", "destination-3a090")]["newest"] == "2026-01-15"
    assert rules[("restriction", "destination-3a090")]["newestCitation"] == "91 FR 1684"
    assert main(["info"]) == 0
    assert "newest rule, restriction: destination-3a090" in capsys.readouterr().out


def test_every_reason_names_its_paragraph_and_no_footnote_or_period_is_blank_or_twice(verdicts):
    """A reason an officer files names the paragraph it rests on; a footnote the graph cannot spell
    out says so instead of an empty string; the rule that added an entry is named once."""
    assert "transshipment" in verdicts["via-sg"].rules
    footnotes = {f.footnote for r in verdicts["huawei"].reasons for f in r.footnotes}
    assert {1, 2} <= footnotes
    for v in verdicts.values():
        for r in v.reasons:
            assert r.cfr, (v.order_id, r.rule)
            assert all(f.meaning and f.cfr for f in r.footnotes), (v.order_id, r.footnotes)
            assert len(set(r.in_force)) == len(r.in_force), (v.order_id, r.in_force)


def test_the_provisions_query_reads_only_the_facts_orders_are_grouped_by():
    """check asks check/reason-provisions once per distinct date, destination and item
    (check/order-keys.rq) and gives the answer to every order alike in those three: right only if
    the query reads nothing else of the order. Were a new test on the order added to the query,
    this fails until the grouping takes that fact too."""
    from exportgraph.queries import text

    body = "\n".join(line.split("#", 1)[0] for line in text("check/reason-provisions").splitlines()[1:])
    read = set(re.findall(r"\?order\s+([^\s?]+)", body))
    assert read == {"eg:orderDate", "eg:destination", "eg:item", "eg:item/eg:tpp", "eg:item/eg:dramBandwidth"}
    keys = text("check/order-keys")
    assert {"eg:orderDate", "eg:destination", "eg:item"} <= set(re.findall(r"\?order\s+(eg:\w+)", keys))


def test_an_order_checked_with_others_gets_what_it_gets_alone(bundled):
    """Orders checked together share the provisions asked once per date, destination and item, and
    the rules in force once per day; none of that may change an order's verdict or reasons. (Orders
    to one consignee legitimately interact: LPP's cap counts the year's TPP to it, 90 FR 4544,
    740.29; such orders are left out.)"""
    with (Path(__file__).parents[1] / "examples" / "orders.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    consignees = [r["consignee"] for r in rows if r["consignee"]]
    alone = [r for r in rows if not r["consignee"] or consignees.count(r["consignee"]) == 1]
    alone += [order(f"h200-cn-{i}", "2026-01-15", "NVIDIA H200", "CN") for i in (1, 2)]
    together = {v.order_id: v.to_dict() for v in bundled.check(alone)}
    assert len(together) == len(alone) >= 8
    assert any(v["verdict"] != check.NO_LICENSE_REQUIRED for v in together.values())
    for r in alone:
        (v,) = bundled.check([r])
        assert v.to_dict() == together[r["order_id"]], r["order_id"]


def test_orders_on_either_side_of_every_provision_bound_get_their_own_provisions(bundled, monkeypatch):
    """check asks the provisions once per destination, item and period between the days the provisions
    query compares dates with (check/provision-bounds.rq): the answer must be the one each order gets
    when asked for by itself. Orders on the day before, of and after every such day of the bundled
    graph (review policies change on these days: 91 FR 1684 from 2026-01-15, Cambodia from D:5 to D:1
    after 2025-11-06), to destinations in different groups, compared with every order asked alone."""
    import datetime as dt

    from exportgraph import grounds
    from exportgraph.queries import text

    bounds = {r["bound"] for r in bundled.store.select(text("check/provision-bounds"))}
    assert {dt.date(2026, 1, 15), dt.date(2025, 11, 6)} <= bounds  # read from the graph: could be false
    days = sorted({b + dt.timedelta(days=k) for b in bounds for k in (-1, 0, 1)})
    rows = [
        order(f"o-{day}-{item}-{dest}", day.isoformat(), item, dest)
        for day in days
        for item in ("NVIDIA H200", "NVIDIA H100 SXM")
        for dest in ("CN", "KH", "AE", "DE")
    ]
    grouped = [v.to_dict() for v in bundled.check(rows)]
    monkeypatch.setattr(grounds._Grounds, "_alike", lambda self, orders: {o: o for o in orders})
    alone = [v.to_dict() for v in bundled.check(rows)]
    assert len({v["verdict"] for v in grouped}) > 1
    assert grouped == alone
