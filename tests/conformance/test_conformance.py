"""The conformance suite: scenario orders whose expected verdicts were decided from the regulations
(15 CFR, the Federal Register rules) by readers who had not seen the shapes or run the tool; each
expectation names the CFR paragraph and the FR citation that decide it (``cases/*/expected.csv``,
``README.md``). The store engine answers every order here; pyshacl-turbo and pyshacl answer a
sample in ``test_conformance_engines.py`` (a module of its own, so that the two run side by side)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import suite

from exportgraph import ExportGraph, check

EXPECTED = suite.expectations()
VERDICTS = {check.LICENSE_REQUIRED, check.NO_LICENSE_REQUIRED, check.NEEDS_REVIEW}


@pytest.fixture(scope="module")
def together(tmp_path_factory) -> tuple[ExportGraph, Path]:
    """The graph of every group that can share one, and their orders: opened once for the module."""
    return suite.combined(tmp_path_factory.mktemp("combined"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, together) -> dict[str, check.Verdict]:
    return suite.run(tmp_path_factory.mktemp("conformance"), together=together)


@pytest.mark.parametrize("e", EXPECTED, ids=[e.order_id for e in EXPECTED])
def test_verdict_is_the_regulation_s(e: suite.Expected, verdicts):
    v = verdicts.get(e.order_id)
    wrong = suite.judge(e, v)
    reasons = "\n".join(f"  {r.rule} ({r.effect}): {r.message}" for r in (v.reasons if v else ()))
    assert not wrong, (
        f"{e.group}/{e.order_id}: {'; '.join(wrong)}\n  decided by {e.cfr}; {e.fr}\n  why: {e.why}\n  got:\n{reasons}"
    )


def test_the_cases_are_well_formed():
    """Every order has one expectation with a known verdict, known rule ids, a CFR paragraph, an FR
    citation and a reason; every rule id is expected to fire somewhere and not to fire elsewhere."""
    ids = [e.order_id for e in EXPECTED]
    assert len(ids) == len(set(ids)) >= 150
    rules = set(check.rule_ids())
    for e in EXPECTED:
        assert e.verdicts and e.verdicts <= VERDICTS, e.order_id
        assert e.rules <= rules and e.may_fire <= rules, e.order_id
        assert e.cfr and e.fr and e.why, e.order_id
        if len(e.verdicts) > 1:
            assert e.unclear, f"{e.order_id}: several verdicts accepted without saying what is unclear"
    for g in suite.groups():
        with (suite.CASES / g / "orders.csv").open(encoding="utf-8", newline="") as fh:
            orders = {r["order_id"] for r in csv.DictReader(fh)}
        assert orders == {e.order_id for e in EXPECTED if e.group == g}, g
    for rule in rules - {"unresolved-input"}:
        fires = [e for e in EXPECTED if rule in e.rules]
        never = [e for e in EXPECTED if rule not in e.rules | e.may_fire]
        assert fires and never, f"{rule}: the suite must show where it fires and where it does not"
