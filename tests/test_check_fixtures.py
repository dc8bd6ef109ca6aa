"""Each restriction shape against its fixtures (``shapes/restrictions/fixtures/``): the orders of
``<rule-id>.invalid.csv`` trigger the rule, those of ``<rule-id>.valid.csv`` do not, and each gets
the verdict the conformance suite expects of the case it is copied from."""

from __future__ import annotations

import csv
from functools import cache

import pytest

from exportgraph import ExportGraph, check, paths

FIXTURES = paths.RESTRICTIONS / "fixtures"
DATA = ("parties", "ownership", "listings")


def _split(text: str, sep: str) -> set[str]:
    return {x.strip() for x in (text or "").split(sep) if x.strip()}


@cache
def _graph(rule: str) -> ExportGraph | None:
    """The bundled graph with the rule's fixture data, and its scenario if it has one; None for a
    rule with neither (its fixtures are checked on the bundled graph as it is)."""
    data = [p for k in DATA if (p := FIXTURES / f"{rule}.{k}.csv").exists()]
    scenario = FIXTURES / f"{rule}.scenario.ttl"
    if not data and not scenario.exists():
        return None
    g = ExportGraph.open(data)
    return g.with_scenario(scenario) if scenario.exists() else g


@pytest.fixture
def graph(bundled):
    """The graph for a rule's fixtures: opened once per rule (valid and invalid share it), the
    session's bundled graph for a rule without data of its own (``ExportGraph.open([])`` is it)."""
    return lambda rule: _graph(rule) or bundled


def test_every_rule_has_a_valid_and_an_invalid_fixture_and_no_fixture_is_a_shape():
    for rule in check.rule_ids():
        for kind in ("valid", "invalid"):
            assert (FIXTURES / f"{rule}.{kind}.csv").is_file(), f"{rule}: no {kind} fixture"
    rules = set(check.rule_ids())
    for path in FIXTURES.iterdir():
        assert path.name == "README.md" or path.name.split(".")[0] in rules, path
    assert not any(FIXTURES in p.parents for p in paths.restriction_files())


@pytest.mark.parametrize("kind", ["invalid", "valid"])
@pytest.mark.parametrize("rule", check.rule_ids())
def test_fixture(rule: str, kind: str, graph):
    path = FIXTURES / f"{rule}.{kind}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        expected = {row["order_id"]: row for row in csv.DictReader(fh)}
    verdicts = graph(rule).check(path)
    assert [v.order_id for v in verdicts] == list(expected)
    for v in verdicts:
        e = expected[v.order_id]
        fired = set(v.rules)
        assert (rule in fired) == (kind == "invalid"), (v.order_id, v.rules, e["cfr"])
        assert v.verdict in _split(e["verdict"], "|"), (v.order_id, v.verdict, e["verdict"])
        must, may = _split(e["rules"], ";"), _split(e["may_fire"], ";")
        assert must <= fired <= must | may, (v.order_id, v.rules, e["rules"], e["may_fire"])
