"""One record per company: judgements merge records into one party (queries/derive/00-clusters.ru),
`dedupe` proposes pairs and reads its review file back, and every verb sees a cluster as one party.

Expectations from the regulations:
- Sugon is on the Entity List from 2019-06-24 (84 FR 29371), licence required for all items subject
  to the EAR (15 CFR 744.11; Supp. No. 4 to Part 744), and its entry names "Dawning Information
  Industry Co., Ltd." as an alias; the 1260H list names "Dawning Information Industry Co., Ltd."
  with the alias "Sugon" (91 FR 35189). One company: an EAR99 order to it is a licence case under
  its Entity List entry (EAR99 items are subject to the EAR, 15 CFR 734.3(c)), whichever name the
  order uses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from exportgraph import ExportGraph, dedupe
from exportgraph.errors import InputError
from exportgraph.store.embedded import IRI

PARTY = "https://w3id.org/exportgraph/id/party/"
SUGON, DAWNING = PARTY + "sugon", PARTY + "dawning-information-industry-co-ltd"
USER = "https://w3id.org/exportgraph/id/user/party/"
SOURCE_1260H = "https://w3id.org/exportgraph/id/source/dataset/nsfreg-dow-1260h/entities-47"


def judgements(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """A review file as a person fills it: (left, right, decision, source)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(dedupe.REVIEW_COLUMNS)
        for i, (left, right, decision, source) in enumerate(rows):
            w.writerow([f"p{i}", 100, left, "", "", right, "", "", "", decision, source, "test"])
    return path


def curated_clusters(graph: ExportGraph) -> dict[str, set[str]]:
    """The bundled graph's clusters: canonical party -> every record merged into it, and itself."""
    out: dict[str, set[str]] = {}
    for r in graph.store.select("SELECT ?m ?c WHERE { ?m eg:mergedInto ?c }"):
        out.setdefault(str(r["c"]), {str(r["c"])}).add(str(r["m"]))
    return out


def record_names(graph: ExportGraph, canonical: str) -> dict[str, str]:
    names = {
        str(r["m"]): str(r["n"])
        for r in graph.store.select(
            "SELECT ?m ?n WHERE { ?m eg:mergedInto ?c ; eg:recordName ?n }", {"c": IRI(canonical)}
        )
    }
    names[canonical] = graph.entity(canonical).name
    return names


def test_sugon_and_dawning_are_one_party_in_every_verb(bundled):
    clusters = curated_clusters(bundled)
    assert {SUGON, DAWNING} <= clusters.get(SUGON, set()), "the curated clusters join Sugon and Dawning"
    for name in ("Sugon", "Dawning Information Industry Co., Ltd.", DAWNING):
        assert bundled.entity(name).iri == SUGON
    ent = bundled.entity("Dawning Information Industry Co., Ltd.", dt.date(2026, 7, 1))
    assert {li.list for li in ent.listings} >= {"entity-list", "dod-1260h"}
    [via] = [li for li in ent.listings if li.list == "dod-1260h"]
    assert via.record == DAWNING and via.record_name == "Dawning Information Industry Co., Ltd."
    assert [m.iri for m in ent.members] == [DAWNING] and ent.members[0].sources
    # an EAR99 order to the 1260H name in October 2025: the Entity List entry fires (15 CFR 744.11)
    [v] = bundled.check(
        [
            {
                "order_id": "o1",
                "date": "2025-10-01",
                "item": "EAR99",
                "buyer": "Dawning Information Industry Co., Ltd.",
                "destination": "CN",
            }
        ]
    )
    assert v.verdict == "license_required" and "entity-list" in {r.rule for r in v.reasons}
    [screened] = bundled.screen(["Dawning Information Industry Co., Ltd."])
    assert [m.party for m in screened.matches if m.party in (SUGON, DAWNING)] == [SUGON]


def test_every_curated_cluster_is_one_party(bundled):
    clusters = curated_clusters(bundled)
    assert len(clusters) >= 4  # at least Sugon, Huawei, Inspur, SMIC (the four)
    day = "2026-12-01"
    names = {c: record_names(bundled, c) for c in clusters}
    wanted = [(c, record, name) for c in clusters for record, name in names[c].items()]
    # screening and checking take every record's name in one batch each
    screened = bundled.screen([name for _, _, name in wanted])
    verdicts = {
        v.order_id: v
        for v in bundled.check(
            [
                {"order_id": f"o{i}", "date": day, "item": "EAR99", "buyer": name, "destination": "CN"}
                for i, (_, _, name) in enumerate(wanted)
            ]
        )
    }
    for i, (canonical, record, name) in enumerate(wanted):
        assert bundled.entity(record).iri == canonical, record
        assert screened[i].input.name == name
        hits = [m.party for m in screened[i].matches if m.party in clusters[canonical]]
        assert hits == [canonical], (name, hits)
        # an order to any record's name is checked against the listings of every record
        if "entity-list" in {li.list for li in bundled.entity(canonical, dt.date(2026, 12, 1)).listings}:
            assert verdicts[f"o{i}"].verdict in ("license_required", "needs_review"), (name, verdicts[f"o{i}"])
    for canonical in clusters:
        name = names[canonical][next(r for r in names[canonical] if r != canonical)]
        assert bundled.exposure(name, dt.date(2026, 12, 1)).entity.iri == canonical


def test_a_merged_record_keeps_no_facts_but_its_name_and_sources(bundled):
    facts = {str(r["p"]) for r in bundled.store.select("SELECT DISTINCT ?p WHERE { ?m eg:mergedInto ?c ; ?p ?o }")}
    assert facts <= {"https://w3id.org/exportgraph/ontology#" + p for p in ("mergedInto", "recordName", "sameAs")} | {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://purl.org/dc/terms/source",
    }
    # the canonical party carries every source of its records
    missing = bundled.store.select(
        "SELECT ?m ?s WHERE { ?m eg:mergedInto ?c ; dct:source ?s FILTER NOT EXISTS { ?c dct:source ?s } }"
    )
    assert missing == []
    # nothing names a merged record but judgements and the provenance links
    left = bundled.store.select(
        "SELECT ?s ?p WHERE { ?m eg:mergedInto ?c . ?s ?p ?m FILTER(?p NOT IN (eg:record, eg:sameAs, eg:viaRecord)) }"
    )
    assert left == []
    assert bundled.hygiene() == []


def test_review_file_round_trip(tmp_path):
    graph = ExportGraph.open()
    found = dedupe.candidates(graph.store)
    rows = list(csv.DictReader(io.StringIO(dedupe.review_csv(found))))
    assert rows and list(rows[0]) == dedupe.REVIEW_COLUMNS and all(r["evidence"] for r in rows)
    pairs = {(r["left"], r["right"]) for r in rows}
    accept, reject, skip = [(r["left"], r["right"]) for r in rows[:3]]
    review = tmp_path / "review.csv"
    with review.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, dedupe.REVIEW_COLUMNS)
        w.writeheader()
        for r, decision in zip(rows[:3], ("accept", "reject", "skip"), strict=True):
            w.writerow(
                {**r, "decision": decision, "source": "https://example.org/registry note by an analyst", "note": "test"}
            )
    judged = ExportGraph.open([review])
    again = {(c.left.iri, c.right.iri) for c in dedupe.candidates(judged.store)}
    assert accept not in again and reject not in again and skip in again
    assert judged.resolve(accept[0]) == judged.resolve(accept[1])
    assert judged.resolve(reject[0]) != judged.resolve(reject[1])
    assert len(again) < len(pairs)


def test_a_rejected_pair_is_never_proposed_again(tmp_path):
    graph = ExportGraph.open()
    pair = next((c.left.iri, c.right.iri) for c in dedupe.candidates(graph.store))
    judged = ExportGraph.open([judgements(tmp_path / "j.csv", [(*pair, "reject", SOURCE_1260H)])])
    assert pair not in {(c.left.iri, c.right.iri) for c in dedupe.candidates(judged.store, threshold=0)}
    assert pair not in {(c.left.iri, c.right.iri) for c in dedupe.candidates(judged.store, everyone=True)}


@pytest.mark.parametrize(
    ("left", "right", "compared"),
    [
        # sister organisations that differ in a number or a place only
        ("CETC 14th Research Institute", "CASC 771 Research Institute", False),
        ("中芯国际集成电路制造(天津)有限公司", "中芯国际集成电路制造(深圳)有限公司", False),
        (
            "Semiconductor Manufacturing International (Tianjin) Corporation",
            "Semiconductor Manufacturing International (Shenzhen) Corporation",
            False,
        ),
        # the same number or place, or a place on one side only: compared
        ("CETC 14th Research Institute", "CETC 14 Research Institute", True),
        ("Nanjing Jiuding Refrigeration Equipment Co., Ltd.", "Jiuding Refrigeration Equipment Co (Pvt) Ltd.", True),
    ],
)
def test_names_with_different_numbers_or_places_are_not_compared(left, right, compared):
    normalise = dedupe.Normaliser()
    keys = [dedupe._keys(dedupe.Record(n, names=[n]), normalise) for n in (left, right)]
    score, _ = dedupe._similarity(*keys, normalise.place_words())
    assert (score >= 85) is compared, score


@pytest.mark.parametrize(
    ("decision", "source", "message"),
    [
        ("maybe", SOURCE_1260H, "decision 'maybe'"),
        ("accept", "", "needs a source"),
    ],
)
def test_bad_review_rows_name_line_and_column(tmp_path, decision, source, message):
    path = judgements(
        tmp_path / "bad.csv", [(SUGON, PARTY + "higon", "skip", ""), (SUGON, PARTY + "higon", decision, source)]
    )
    with pytest.raises(InputError) as err:
        ExportGraph.open([path])
    assert message in str(err.value) and "bad.csv:3 column" in str(err.value)


def test_a_record_that_does_not_exist_is_refused(tmp_path):
    path = judgements(tmp_path / "bad.csv", [(SUGON, PARTY + "no-such-record-anywhere", "accept", SOURCE_1260H)])
    with pytest.raises(InputError, match="no party record"):
        ExportGraph.open([path])


def test_a_contradiction_is_reported(tmp_path):
    # Higon is Sugon's subsidiary (84 FR 29371): judged one organisation with Chengdu Haiguang IC,
    # which is judged different from Sugon, while Higon is judged the same as Sugon: a contradiction
    ic = PARTY + "chengdu-haiguang-integrated-circuit"
    path = judgements(
        tmp_path / "j.csv",
        [
            (SUGON, PARTY + "higon", "accept", SOURCE_1260H),
            (PARTY + "higon", ic, "accept", SOURCE_1260H),
            (SUGON, ic, "reject", SOURCE_1260H),
        ],
    )
    graph = ExportGraph.open([path])
    assert any("judged different organisations are in one cluster" in e for e in graph.hygiene())


def test_a_judgement_imported_and_taken_back_in_a_store(tmp_path):
    """In a persistent store the merge moves facts in the live graph: an import that takes the
    judgement back restores both records as they were."""
    store = tmp_path / "store"
    ic, mt = PARTY + "chengdu-haiguang-integrated-circuit", PARTY + "chengdu-haiguang-microelectronics-technology"
    path = judgements(tmp_path / "decisions.csv", [(ic, mt, "accept", SOURCE_1260H)])

    def run(*argv):
        done = subprocess.run(
            [sys.executable, "-m", "exportgraph", *argv, "--store", str(store)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # an import proposes links to listed parties and merges nothing: "Tianjin Shuguang Computer
    # Industry" is an alias of Sugon's Entity List entry (84 FR 29371)
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "id,name,country,aliases,kind\nts1,Tianjin Shuguang Computer Industry,CN,,company\n", encoding="utf-8"
    )
    done = json.loads(run("import", "csv", str(parties), "--format", "json"))
    assert [(x["left"], x["right"]) for x in done["proposed_links"]] == [(SUGON, USER + "ts1")]
    run("import", "csv", str(path))
    graph = ExportGraph.open(store=store)
    assert graph.resolve(USER + "ts1") == USER + "ts1"
    assert graph.resolve(mt) == graph.resolve(ic)
    merged = graph.entity(ic)
    assert len([li for li in merged.listings if li.list == "entity-list"]) == 2
    del graph
    judgements(path, [(ic, mt, "reject", SOURCE_1260H)])
    run("import", "csv", str(path))
    graph = ExportGraph.open(store=store)
    a, b = graph.entity(ic), graph.entity(mt)
    assert a.iri == ic and b.iri == mt and not a.members
    assert [li.list for li in a.listings] == ["entity-list"] and [li.list for li in b.listings] == ["entity-list"]
    assert b.name == "Chengdu Haiguang Microelectronics Technology Co., Ltd." or b.name.startswith("Chengdu Haiguang")


def test_dedupe_cli_writes_the_review_file(tmp_path):
    out = tmp_path / "review.csv"
    done = subprocess.run(
        [sys.executable, "-m", "exportgraph", "dedupe", "--across-lists", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(set(r["left_lists"].split()) != set(r["right_lists"].split()) for r in rows)
    assert "candidate pairs" in done.stderr


def test_an_ownership_csv_can_name_sugon(tmp_path):
    """ "Sugon" was a name of two records (an Entity List name, a 1260H alias): an ownership CSV could
    not name it. Merged, it is one party, and the stake is Sugon's whichever name the file uses."""
    path = tmp_path / "ownership.csv"
    path.write_text(
        "owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"
        "Sugon,Higon,51,,,2020-01-01,,test\n"
        '"Dawning Information Industry Co., Ltd.",Chengdu Haiguang Integrated Circuit,40,,,,,test\n',
        encoding="utf-8",
    )
    graph = ExportGraph.open([path])
    owned = {s.name for s in graph.entity("Sugon", dt.date(2025, 1, 1)).subsidiaries}
    assert {"Higon", "Chengdu Haiguang Integrated Circuit"} <= {n.split(" (")[0] for n in owned if n}
