"""Every named query: a header that says what it answers, a body that parses, declared parameters
that the body uses, declared columns that it projects, and a golden result on the fixture world."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery

from exportgraph import ExportGraph
from exportgraph.namespaces import PREFIXES
from exportgraph.paths import QUERIES
from exportgraph.present import plain as _plain
from exportgraph.queries import catalogue

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
# SELECTs with golden results. The CONSTRUCTs are tested where they are used: check/context needs
# orders loaded (tests/test_check.py, where the SHACL engines that read it must agree with the
# store), export/describe is the RDF export (tests/test_export.py: JSON-LD and Turtle round trips).
QUERY_NAMES = sorted(
    n for n in catalogue() if not n.startswith("hygiene/") and n not in ("check/context", "export/describe")
)


@pytest.fixture(scope="module")
def world() -> ExportGraph:
    return ExportGraph.open([FIXTURES / "world.ttl"], bundled=False)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_header_params_and_columns(name):
    q = catalogue()[name]
    assert q.summary, f"{name}: empty summary"
    body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
    parsed = prepareQuery(body, initNs=PREFIXES)
    if parsed.algebra.name == "ConstructQuery":
        projected = sorted({str(t) for triple in parsed.algebra["template"] for t in triple if isinstance(t, Variable)})
        assert sorted(q.returns) == projected, f"{name}: header returns {q.returns}, template has {projected}"
        return
    projected = [str(v) for v in parsed.algebra["PV"]]
    assert list(q.returns) == projected, f"{name}: header returns {q.returns}, query projects {projected}"
    for p in q.params:
        assert re.search(rf"\?{p.name}\b", body), f"{name}: parameter {p.name} is declared but unused"
        assert p.example is not None, f"{name}: parameter {p.name} has no example"


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_golden(name, world, update_golden):
    q = catalogue()[name]
    params = {p.name: p.example for p in q.params}
    rows = [{k: _plain(v) for k, v in row.items()} for row in world.run_query(name, params).rows]
    path = GOLDEN / (name.replace("/", "__") + ".json")
    if update_golden:
        path.write_text(json.dumps(rows, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no golden file for {name}: run pytest --update-golden and review the diff"
    assert rows == json.loads(path.read_text())


def test_every_golden_file_has_a_query():
    names = {n.replace("/", "__") for n in QUERY_NAMES}
    orphans = [p.name for p in GOLDEN.glob("*.json") if p.stem not in names]
    assert not orphans, f"golden files without a query: {orphans}"


def test_derive_updates_parse_and_are_idempotent(world):
    world.derive()  # also drops the 50% rule that queries needing it materialised
    before = len(world.store)
    world.derive()
    assert len(world.store) == before
    assert list((QUERIES / "derive").glob("*.ru"))


def test_unknown_and_missing_parameters_are_input_errors(world):
    from exportgraph.errors import InputError

    with pytest.raises(InputError, match="needs parameter 'asOf'"):
        world.query("rules-in-force")
    with pytest.raises(InputError, match="has no parameter 'bogus'"):
        world.query("chips", bogus=1)
    with pytest.raises(InputError, match="not a date"):
        world.query("rules-in-force", as_of="2025-13-40")


def test_hostile_string_parameter_is_bound_not_pasted(world):
    """A quote and a brace in a value must stay data: the query still answers, and finds nothing."""
    rows = world.query("find-party", query='x" } ; DROP ALL ; SELECT * WHERE { "').rows
    assert rows == []
    assert world.query("find-party", query="inspur taiwan").rows[0]["name"] == "Inspur Taiwan"


def test_a_name_is_looked_up_as_written_first_then_ignoring_case(world):
    """find-party-exact (an index lookup) matches only the name as written; resolve() falls back
    to find-party (ignoring case), so both spellings reach the same party."""
    assert world.query("find-party-exact", query="inspur taiwan").rows == []
    exact = world.query("find-party-exact", query="Inspur Taiwan").rows
    assert [str(r["name"]) for r in exact] == ["Inspur Taiwan"]
    assert world.resolve("inspur taiwan") == world.resolve("Inspur Taiwan") == str(exact[0]["party"])


def test_a_name_spelled_in_another_case_by_another_party_is_ambiguous(tmp_path):
    """GLEIF writes names in capitals: "INSPUR TAIWAN" as a second party's name must not let the
    name as written pick one of them silently."""
    from exportgraph.errors import AmbiguousError

    other = tmp_path / "parties.csv"
    other.write_text("id,name,country,aliases,kind\nlei-x,INSPUR TAIWAN,TW,,company\n")
    graph = ExportGraph.open([FIXTURES / "world.ttl", other], bundled=False)
    for spelling in ("Inspur Taiwan", "INSPUR TAIWAN", "inspur taiwan"):
        with pytest.raises(AmbiguousError):
            graph.resolve(spelling)


def test_a_users_rq_file_without_header_takes_any_parameter(world, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text(
        "# a comment that says where { is not the query\n"
        "SELECT ?name WHERE { ?p eg:name ?name ; eg:country ?c . ?c eg:alpha2 ?code }"
    )
    rows = world.query(str(rq), code="TW").rows
    assert [r["name"] for r in rows] == ["Inspur Taiwan"]


def test_a_users_rq_file_with_a_syntax_error_is_an_input_error(world, tmp_path):
    from exportgraph.errors import InputError

    rq = tmp_path / "broken.rq"
    rq.write_text("SELECT ?x WHERE { ?x eg:name }")
    with pytest.raises(InputError, match="SPARQL syntax error"):
        world.query(str(rq))


# -- as_of in the query API, DataFrames with dates (issue 19) ----------------------------------------


def test_as_of_is_the_querys_as_of_and_as_of_spelled_asof_is_deprecated(world):
    import datetime as dt
    import warnings

    from exportgraph.errors import InputError

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as_of warns of nothing
        by_date = world.query("rules-in-force", as_of=dt.date(2025, 10, 15)).rows
        assert by_date and world.query("rules-in-force", as_of="2025-10-15").rows == by_date
        assert world.run_query("rules-in-force", {"asOf": "2025-10-15"}).rows == by_date  # the query's own names
    assert world.query("rules-in-force", as_of="2019-01-01").rows != by_date
    with pytest.warns(DeprecationWarning, match="use as_of=") as caught:
        assert world.query("rules-in-force", asOf="2025-10-15").rows == by_date
    assert caught[0].filename == __file__  # the warning points at the caller
    with pytest.raises(InputError, match="not both"):
        world.query("rules-in-force", as_of="2025-10-15", asOf="2025-10-15")
    with pytest.raises(InputError, match="needs parameter 'asOf'"):
        world.query("rules-in-force", as_of=None)


def test_to_dataframe_has_date_columns(world):
    pd = pytest.importorskip("pandas")
    result = world.query("list-entries", list="entity-list", as_of="2025-10-15")
    frame = result.to_dataframe()
    assert list(frame.columns) == list(result.columns) and len(frame) == len(result.rows) > 0
    assert pd.api.types.is_datetime64_any_dtype(frame["dateAdded"])
    taiwan = frame[frame["name"] == "Inspur Taiwan"]
    assert taiwan["dateAdded"].iloc[0] == pd.Timestamp("2025-03-25")
    assert (frame["dateAdded"] <= pd.Timestamp("2025-10-15")).all()
    assert not pd.api.types.is_datetime64_any_dtype(frame["name"])
    rules = world.query("rules-in-force", as_of="2025-10-15").to_dataframe()
    assert pd.api.types.is_datetime64_any_dtype(rules["published"])
    assert pd.api.types.is_datetime64_any_dtype(rules["effective"])


def test_to_dataframe_missing_and_far_dates():
    import datetime as dt

    pd = pytest.importorskip("pandas")
    from exportgraph.api import QueryResult

    rows = [{"day": dt.date(2025, 3, 25), "end": None, "n": 1}, {"day": None, "end": dt.date(9999, 12, 31), "n": 2}]
    frame = QueryResult(("day", "end", "n"), rows).to_dataframe()
    assert pd.api.types.is_datetime64_any_dtype(frame["day"]) and pd.api.types.is_datetime64_any_dtype(frame["end"])
    assert frame["day"].isna().tolist() == [False, True] and frame["end"].iloc[1].year == 9999
    assert frame["n"].tolist() == [1, 2]


def test_a_decimal_parameter_must_be_finite():
    from exportgraph.errors import InputError
    from exportgraph.queries import convert

    assert str(convert("12.5", "decimal", "parameter 'x'")) == "12.5"
    for value in ("NaN", "Infinity", "-inf"):
        with pytest.raises(InputError, match="is not a finite decimal"):
            convert(value, "decimal", "parameter 'x'")


def test_every_query_and_update_of_the_package_has_a_header_with_a_summary():
    """Updates and the package's own texts say what they do, like the named queries."""
    from exportgraph import queries as q
    from exportgraph.paths import QUERIES

    files = sorted(p for p in QUERIES.rglob("*") if p.suffix in (".rq", ".ru"))
    assert len(files) > 60
    for path in files:
        name = path.relative_to(QUERIES).with_suffix("").as_posix()
        assert q.load(name).summary, path
    assert not any(n.startswith(q.INTERNAL) for n in q.catalogue())
    with pytest.raises(LookupError):
        q.load("internal/no-such-query")
