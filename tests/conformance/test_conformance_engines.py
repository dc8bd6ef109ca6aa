"""The conformance suite's sample for the SHACL engines: pyshacl-turbo and pyshacl answer a sample
of the orders (pyshacl is slow), each right by the regulation (``cases/*/expected.csv``) and the
same as the store engine's answer for the same file. The store engine answers every order in
``test_conformance.py``; this module is its own so that the two run on two workers side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
import suite

from exportgraph import ExportGraph, check

EXPECTED = suite.expectations()


# one order per rule id that must fire (from groups that share a graph), and one where nothing
# fires from each of three groups: enough to show the SHACL engines read the same facts (pyshacl is slow)
def _sample() -> list[str]:
    shared = [e for e in EXPECTED if not suite.isolated(e.group)]
    picked = {
        next(e.order_id for e in shared if rule in e.rules)
        for rule in check.rule_ids()
        if any(rule in e.rules for e in shared)
    }
    picked |= {
        next(e.order_id for e in shared if e.group == g and e.verdicts == {check.NO_LICENSE_REQUIRED})
        for g in ("clean", "e2-hq", "aff-fictional")
    }
    return sorted(picked)


SAMPLE = _sample()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[ExportGraph, Path]:
    """The graph of every group that can share one (as ``test_conformance.py`` opens it), and the
    sample's orders."""
    out: Path = tmp_path_factory.mktemp("sample")
    graph, orders = suite.combined(out)
    header, rows = suite.read_rows(orders)
    suite._write(out / "sample.csv", header, [r for r in rows if r["order_id"] in SAMPLE])
    return graph, out / "sample.csv"


@pytest.fixture(scope="module")
def verdicts(sample) -> dict[str, check.Verdict]:
    """The store engine's verdicts for the sample."""
    graph, orders = sample
    return {v.order_id: v for v in graph.check(orders)}


def test_the_sample_holds_a_firing_order_for_each_rule_and_the_store_engine_is_right_on_it(verdicts):
    shared = {rule for e in EXPECTED if not suite.isolated(e.group) for rule in e.rules}
    assert set(verdicts) == set(SAMPLE)
    assert shared <= {rule for e in EXPECTED if e.order_id in verdicts for rule in e.rules}
    for e in EXPECTED:
        if e.order_id in verdicts:
            assert not suite.judge(e, verdicts[e.order_id]), (e.order_id, suite.judge(e, verdicts[e.order_id]))


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_the_shacl_engines_agree_on_a_sample(engine, sample, verdicts):
    graph, orders = sample
    got = {v.order_id: v for v in graph.check(orders, engine=engine)}
    assert set(got) == set(SAMPLE)
    for e in EXPECTED:
        if e.order_id in got:
            assert not suite.judge(e, got[e.order_id]), (engine, e.order_id, suite.judge(e, got[e.order_id]))
            assert got[e.order_id].to_dict() == verdicts[e.order_id].to_dict(), (engine, e.order_id)
