"""Candidate blocking gives what scoring every name gives (the reference: ``exhaustive=True``), and
the index a persistent store keeps is never read once the data changed."""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from exportgraph import ExportGraph
from exportgraph.screen import Entry, Index, Normaliser
from exportgraph.screen.blocking import PROBE_COST, Blocks

WORDS = ["huawei", "inspur", "sugon", "zhiyuan", "kunlun", "hikvision", "cambricon", "moore", "biren", "xiangdi"]
COMMON = ["technology", "electronics", "research", "institute", "group", "international", "semiconductor"]
FORMS = ["Co., Ltd.", "Company Limited", "LLC", "GmbH", "Corp.", "", "Limited", "有限公司"]
PLACES = ["Beijing", "Shanghai", "Shenzhen", ""]
HANZI = "中科曙光浪潮海康威视寒武纪摩尔线程壁仞昆仑芯智源华为"
THRESHOLDS = (75, 80, 85, 90, 95)


@cache
def normaliser() -> Normaliser:
    return Normaliser()


def answers(index: Index, names: list[str], countries: list[str | None], threshold: int, exhaustive: bool) -> list:
    found = index.match(names, countries, threshold=threshold, exhaustive=exhaustive)
    return [[(h.party, h.name, h.matched_name, h.matched_kind, h.score, tuple(h.why)) for h in hs] for hs in found]


def blocked(index: Index) -> Index:
    index.probe_cost = 0  # every input goes through the blocks, however small the index
    return index


def perturb(name: str, rnd: random.Random) -> str:
    """A name changed the way counterparty files change names."""
    how = rnd.randrange(7)
    if how == 0 and len(name) > 3:  # a dropped letter
        at = rnd.randrange(len(name))
        return name[:at] + name[at + 1 :]
    if how == 1 and len(name) > 3:  # two letters swapped
        at = rnd.randrange(len(name) - 1)
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if how == 2:  # another word order
        words = name.split()
        rnd.shuffle(words)
        return " ".join(words)
    if how == 3:
        return name.upper().replace(",", "").replace(".", "")
    if how == 4:  # another legal form
        return f"{name} {rnd.choice(FORMS)}"
    if how == 5 and len(name) > 2:  # a letter in
        at = rnd.randrange(len(name))
        return name[:at] + rnd.choice("aeiouxz") + name[at:]
    return name


name_words = st.lists(st.sampled_from(WORDS + COMMON) | st.text("abcdeiklmnorstuz", min_size=1, max_size=9), max_size=4)
party = st.tuples(st.sampled_from(PLACES), name_words, st.sampled_from(FORMS), st.text(HANZI, max_size=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parties=st.lists(party, min_size=1, max_size=25), seed=st.integers(0, 2**16))
def test_blocking_finds_what_scoring_every_name_finds(parties, seed):
    rnd = random.Random(seed)
    entries, names = [], []
    for i, (place, words, form, native) in enumerate(parties):
        name = " ".join(x for x in (place, *words, form) if x) or "Unnamed"
        country = rnd.choice(("CN", "HK", None))
        entries.append(Entry(f"p{i}", name, name, "name", (country,) if country else ()))
        if native:
            entries.append(Entry(f"p{i}", name, native + "有限公司", "native name", ()))
            names.append(perturb(native, rnd))
        names += [perturb(name, rnd), perturb(perturb(name, rnd), rnd), name]
    countries = [rnd.choice(("CN", "US", None)) for _ in names]
    index = blocked(Index(entries, normaliser()))
    for threshold in THRESHOLDS:
        assert answers(index, names, countries, threshold, False) == answers(index, names, countries, threshold, True)


def test_blocking_on_the_bundled_graph_finds_what_scoring_every_name_finds(bundled):
    index = blocked(bundled.screen_index())
    rnd = random.Random(17)
    listed = sorted({e.matched for es in index.entries for e in es})
    names = [perturb(n, rnd) for n in rnd.sample(listed, 600)] + rnd.sample(listed, 200)
    countries = [rnd.choice(("CN", "RU", None)) for _ in names]
    for threshold in (80, 90):
        found = answers(index, names, countries, threshold, False)
        assert found == answers(index, names, countries, threshold, True)
        assert sum(map(bool, found)) > 600  # most find their party: the comparison is not of empty lists
    index.probe_cost = PROBE_COST


@settings(max_examples=300, deadline=None)
@given(
    key=st.text("abcd", min_size=1, max_size=40),
    query=st.text("abcd", min_size=1, max_size=40),
    threshold=st.integers(75, 100),
)
def test_a_core_within_reach_is_a_candidate(key, query, threshold):
    """The pigeonhole blocking stands on, on strings of few letters (many near misses)."""
    blocks = Blocks([None, (key, key[::-1])], threshold)
    rows, ids = blocks.candidates([(query, query[::-1])])
    assert (1 in ids.tolist()) >= (round(fuzz.ratio(query, key)) >= threshold)
    assert not len(ids) or set(rows.tolist()) == {0}


@pytest.mark.parametrize("threshold", [80, 90])
def test_a_typo_in_a_short_distinctive_word_is_still_found(threshold):
    index = blocked(Index([Entry("p", "Synthetic Org 123456", "Synthetic Org 123456", "name", ())], normaliser()))
    for name in ("Synthetic Org 12346", "Synthetc Org 123456", "Synthetic Org123456", "Org Synthetic 123456"):
        assert answers(index, [name], [None], threshold, False) == answers(index, [name], [None], threshold, True)
    assert answers(index, ["Synthetic Org 12346"], [None], threshold, False)[0]  # a dropped digit still matches


def test_a_kept_index_is_read_until_an_import_changes_the_names(store, tmp_path, monkeypatch):
    graph = ExportGraph.open(store=store)
    assert not graph.screen(["Quetzal Lattice Devices"])[0].matches
    del graph
    [kept] = store.glob("screen-index-*.pickle")
    # a later process reads the kept index: it builds nothing
    again = ExportGraph.open(store=store)
    monkeypatch.setattr(type(again.parties.names), "build", lambda self: pytest.fail("built again"))
    assert again.screen(["Inspur Taiwan"])[0].matches[0].name == "Inspur Taiwan"
    monkeypatch.undo()
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,country,aliases,kind\nq1,Quetzal Lattice Devices Ltd,CN,,company\n")
    again.import_file("csv", parties)
    assert not kept.exists()  # the data changed: the old index is gone
    del again
    later = ExportGraph.open(store=store)
    [m] = later.screen(["Quetzal Lattice Devices"])[0].matches
    assert m.name == "Quetzal Lattice Devices Ltd"
    [new] = store.glob("screen-index-*.pickle")
    assert new != kept
