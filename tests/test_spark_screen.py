"""Screening on Apache Spark (``screen --engine spark``, local mode) gives the matches screening here
gives, to the last reason: on a names file of listed names, aliases, Chinese names, misspellings
and unrelated names; on generated names (a hypothesis property); and through the CLI. The names
are spread over several partitions (round robin, so out of input order) and must come back each
in its place. One SparkSession serves the module."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_screen import LOOK_ALIKES, VARIANTS

from exportgraph.errors import InputError
from exportgraph.present import screening_json
from exportgraph.screen import Hit, Index, run

pytest.importorskip("pyspark")

pytestmark = pytest.mark.needs("java")

DAY = dt.date(2025, 10, 1)

# names a counterparty file holds besides test_screen's variants and look-alikes: misspellings,
# other legal forms and word orders, Chinese and Cyrillic script, a country that disagrees, names
# of nothing listed
MORE = [
    ("Inspur Grup Co Ltd", "CN"),
    ("Sugon Informaton Industry Co., Ltd.", None),
    ("Nettrix Informaiton Industry", "CN"),
    ("Huawei Technolgies", None),
    ("Hauwei Technologies Co., Ltd.", "CN"),
    ("Technologies Huawei", None),
    ("Semiconductor Manufacturing Internatonal Corporation", "CN"),
    ("Inspur Group Co., Ltd. (INSPUR)", None),
    ("Inspur Taiwan", "TW"),
    ("Inspur Taiwan", "US"),
    ("中科曙光信息产业股份有限公司", "CN"),
    ("中芯国际", None),
    ("浪潮电子信息产业股份有限公司", "CN"),
    ("ООО Газпром добыча", "RU"),
    ("Beijing Academy of Artificial Intelligence", "US"),
    ("Shanghai Zhiyuan Research Institute", "CN"),
    ("Acme Widgets GmbH", "DE"),
    ("Fixture Nobody Trading", None),
    ("Zzqxv Wwkjy Plbvt", None),
]


@pytest.fixture(scope="module", autouse=True)
def spark():
    from exportgraph.spark.session import session

    return session()


@pytest.fixture(scope="module")
def index(bundled) -> Index:
    return bundled.screen_index()


@pytest.fixture(scope="module")
def names_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "names.csv"
    rows = [(n, None) for n, _ in VARIANTS] + [(n, None) for n in LOOK_ALIKES] + MORE
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "country"])
        out.writerows([f"c{i}", n, c or ""] for i, (n, c) in enumerate(rows, 1))
    return path


@pytest.mark.parametrize(("threshold", "limit", "partitions"), [(80, 3, 3)])
def test_a_names_file_gives_the_same_matches(bundled, names_file, threshold, limit, partitions):
    from exportgraph.spark.screen import match

    here = bundled.screen(names_file, threshold=threshold, as_of=DAY, limit=limit)
    on_spark = functools.partial(match, partitions=partitions)
    there = run.screen(bundled.parties, names_file, threshold=threshold, as_of=DAY, limit=limit, match=on_spark)
    assert [screening_json(r) for r in there] == [screening_json(r) for r in here]
    assert there == here  # the result objects themselves, not only their JSON
    matched = sum(bool(r.matches) for r in here)
    assert matched >= 40 and len(here) - matched >= 10  # (a test of something: matches, and names without)
    assert sum(len(r.matches) > 1 for r in here) >= 5  # inputs with several hits, whose order must hold


def test_a_bad_threshold_is_the_same_error(index):
    from exportgraph.spark.screen import match

    with pytest.raises(InputError, match="between 0 and 100"):
        match(index, ["Inspur"], threshold=101)
    assert match(index, []) == []


# -- generated names: listed names edited, and text of any kind ---------------------------------------

LEGAL = ["", " Co., Ltd.", " Company Limited", " LLC", " GmbH", " Corp", " 有限公司", " (Beijing)", " Group"]
EDIT = st.tuples(
    st.integers(0, 100_000),  # which listed name
    st.sampled_from(["as listed", "drop", "swap", "double", "reorder", "upper"]),
    st.integers(0, 1_000),  # where
    st.sampled_from(LEGAL),
)
NAME = st.one_of(
    EDIT,
    st.text(max_size=40),  # anything, lone surrogates included
    st.text(alphabet="浪潮集团华为技术中芯国际曙光北京智源有限公司 ", min_size=1, max_size=12),
)


def edited(listed: list[str], edit: tuple[int, str, int, str]) -> str:
    which, how, where, legal = edit
    name = listed[which % len(listed)]
    at = where % max(len(name), 1)
    if how == "drop":
        name = name[:at] + name[at + 1 :]
    elif how == "swap" and at + 1 < len(name):
        name = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    elif how == "double":
        name = name[:at] + name[at : at + 1] * 2 + name[at + 1 :]
    elif how == "reorder":
        words = name.split()
        name = " ".join(words[at % max(len(words), 1) :] + words[: at % max(len(words), 1)])
    elif how == "upper":
        name = name.upper()
    return name + legal


@pytest.fixture(scope="module")
def listed(index) -> list[str]:
    return sorted({e.matched for es in index.entries for e in es})


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    batch=st.lists(st.tuples(NAME, st.sampled_from([None, "CN", "US", "TW", "RU"])), min_size=1, max_size=40),
    threshold=st.sampled_from([60, 80, 85, 90, 100]),
    limit=st.integers(1, 10),
    partitions=st.integers(1, 4),
)
@example(  # a lone surrogate (a name from the command line, undecodable there), a blank, a listed name
    batch=[("Inspur\udcff Group", None), ("\ud800", "CN"), (" ", None), ((7, "as listed", 0, ""), "CN")],
    threshold=90,
    limit=10,
    partitions=2,
)
def test_generated_names_match_as_embedded(index, listed, batch, threshold, limit, partitions):
    from exportgraph.spark.screen import match

    names = [edited(listed, n) if isinstance(n, tuple) else n for n, _ in batch]
    countries = [c for _, c in batch]
    here = index.match(names, countries, threshold=threshold, limit=limit)
    assert match(index, names, countries, threshold=threshold, limit=limit, partitions=partitions) == here


# -- every input comes back, once, in its place ------------------------------------------------------


def test_rows_lost_or_out_of_place_are_an_error():
    from exportgraph.spark.screen import COLUMNS, _collect

    def row(pos: int, rank: int, party: str | None = "p") -> tuple:
        return (pos, rank, party, "P", "P Ltd", "name", 95 if party else 0, ["why"] if party else [], [])

    good = pd.DataFrame([row(1, 1), row(0, -1, None), row(1, 0)], columns=COLUMNS)  # any order in
    hits = _collect(good, 2)
    assert hits == [
        [],
        [Hit("p", "P", "P Ltd", "name", 95, ["why"], ()), Hit("p", "P", "P Ltd", "name", 95, ["why"], ())],
    ]
    for rows, n in [
        ([row(0, -1, None)], 2),  # input 1 lost
        ([row(0, 0), row(0, 0), row(1, -1, None)], 2),  # a hit twice
        ([row(0, 1), row(1, -1, None)], 2),  # input 0's first hit lost
        ([row(0, -1, None), row(2, -1, None)], 2),  # a position that is no input
    ]:
        with pytest.raises(RuntimeError, match="screen on spark"):
            _collect(pd.DataFrame(rows, columns=COLUMNS), n)


# -- the CLI -------------------------------------------------------------------------------------------


def test_cli_engine_spark_prints_the_same_json(cli_bundled, names_file, capsys, monkeypatch):
    from exportgraph.cli import main
    from exportgraph.spark import screen as on_spark

    capsys.readouterr()
    used: list[int] = []
    real = on_spark.match
    monkeypatch.setattr(
        on_spark, "match", lambda index, names, *a, **k: used.append(len(names)) or real(index, names, *a, **k)
    )
    command = ["screen", str(names_file), "--format", "json", "--as-of", DAY.isoformat()]
    assert main(command) == 0
    here = capsys.readouterr().out
    assert main([*command, "--engine", "spark"]) == 0
    there = capsys.readouterr().out
    assert used == [len(json.loads(here))]  # Spark scored every name, once
    assert there == here
