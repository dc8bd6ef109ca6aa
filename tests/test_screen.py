"""Screening names against the bundled graph: variants, aliases and other scripts are found; names
that only look alike are not; scores, reasons, lists and the 50% rule come with each match."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.errors import InputError, NotFoundError
from exportgraph.screen import COUNTRY_PENALTY, DEFAULT_THRESHOLD, SHORT_FORM_SCORE, Normaliser

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph

P = "https://w3id.org/exportgraph/id/party/"
FIX = "tests/fixtures/check/"

# Realistic variants of listed names: a counterparty file's spelling, an alias, another legal form, a
# typo, the Chinese-script name. Each must find the party (its slug) as the best match (or tied
# with it: SMIC's full name is also a 1260H list entry of its own).
VARIANTS = [
    ("INSPUR GROUP CO LTD", "inspur-group-co-ltd"),
    ("Inspur Group Company Limited", "inspur-group-co-ltd"),
    ("浪潮集团有限公司", "inspur-group-co-ltd"),
    ("IEIT Systems", "inspur-electronic-information-industry-co-ltd"),
    ("Inspur Electronic Information Industry Co Ltd", "inspur-electronic-information-industry-co-ltd"),
    ("Zhiyuan Research Institute", "beijing-academy-of-artificial-intelligence"),
    ("BAAI", "beijing-academy-of-artificial-intelligence"),
    ("Beijing Academy of Artificial Inteligence", "beijing-academy-of-artificial-intelligence"),
    ("Sugon Information Industry Co., Ltd.", "sugon"),
    ("中科曙光", "sugon"),
    ("Zhongke Shuguang", "sugon"),
    ("Nettrix Information Industry (Beijing) Company Limited", "nettrix-information-industry-co-ltd"),
    ("NETTRIX INFORMATION INDUSTRY", "nettrix-information-industry-co-ltd"),
    ("Suma Technology Co., Ltd.", "suma-techology-co-ltd"),
    ("Huawei Technologies Co Ltd", "huawei-technologies-co-ltd"),
    ("华为技术有限公司", "huawei-technologies-co-ltd"),
    ("Semiconductor Manufacturing International Corp.", "semiconductor-manufacturing-international-corporation-smic"),
    ("SMIC", "semiconductor-manufacturing-international-corporation-smic"),
    ("中芯国际集成电路制造有限公司", "semiconductor-manufacturing-international-corporation-smic"),
    # the names people type (issue 16): short and brand names, pinyin, English abbreviations
    ("浪潮", "inspur-group-co-ltd"),
    ("Langchao", "inspur-group-co-ltd"),
    ("Langchao Jituan Youxian Gongsi", "inspur-group-co-ltd"),
    ("曙光", "sugon"),
    ("华为", "huawei-technologies-co-ltd"),
    ("北京智源人工智能研究院", "beijing-academy-of-artificial-intelligence"),
    ("Beijing Zhiyuan Research Institute", "beijing-academy-of-artificial-intelligence"),
    ("Beijing Academy of AI", "beijing-academy-of-artificial-intelligence"),
    ("中芯北方", "smic-northern-integrated-circuit-manufacturing-beijing-co-ltd"),
    ("Zhong Xin Bei Fang", "smic-northern-integrated-circuit-manufacturing-beijing-co-ltd"),
    ("Suma Technology", "suma-techology-co-ltd"),  # the list itself spells it "Techology"
]

# Names that look like listed ones but are other organisations: nothing may match them.
LOOK_ALIKES = [
    "Inspire Group Co Ltd",
    "Netflix Information Industry",
    "Summit Microelectronics",
    "Sugar Information Industry",
    "Smith Manufacturing International Corp",
    "Huawen Foods Co Ltd",
    "Beijing Academy of Arts",
    "Apple Inc",
    "BAAJ",
    "Sumac Technology",
    "Shanghai Zhiyuan Research Institute",
    "Institute of Technology",
    "长江电子有限公司",
    "Shanghai Academy of AI",
]


@pytest.mark.parametrize(("name", "slug"), VARIANTS)
def test_variants_find_the_listed_party_first(bundled, name, slug):
    [result] = bundled.screen([name], as_of=dt.date(2025, 10, 1))
    assert result.matches, f"{name!r} found nothing"
    top = result.matches[0].score
    best = next((m for m in result.matches if m.score == top and m.party == P + slug), None)
    assert best, f"{name!r} -> {[(m.name, m.score) for m in result.matches]}"
    assert best.score >= DEFAULT_THRESHOLD
    assert best.lists and any(li.in_force for li in best.lists)
    assert best.affiliates_rule.status == "listed"


def test_look_alikes_find_nothing(bundled):
    results = bundled.screen(LOOK_ALIKES)
    found = {r.input.name: [(m.name, m.score) for m in r.matches] for r in results if r.matches}
    assert found == {}


def test_each_match_says_which_name_matched_and_why(bundled):
    [r] = bundled.screen(["中科曙光"])
    m = r.matches[0]
    assert (m.name, m.matched_name, m.matched_kind) == ("Sugon", "中科曙光", "native name")
    [r] = bundled.screen(["Suma Technology"])
    m = r.matches[0]
    assert m.matched_name == "Suma Techology Co., Ltd." and m.score < 100
    assert "similar spelling" in m.why[0]
    [r] = bundled.screen(["Zhongke Shuguang Co., Ltd."])
    assert "normalising" in r.matches[0].why[0]


def test_a_country_that_disagrees_lowers_the_score(bundled):
    [same, other] = bundled.screen(
        [{"name": "Inspur Taiwan", "country": "TW"}, {"name": "Inspur Taiwan", "country": "US"}], threshold=50
    )
    assert same.matches[0].score == 100
    assert other.matches[0].score == 100 - COUNTRY_PENALTY
    assert any("country US" in w for w in other.matches[0].why)


def test_inputs_get_the_same_variants_as_the_index(bundled):
    [r] = bundled.screen(["Inspur Group Co., Ltd. (INSPUR)"])  # the bracketed acronym is tried apart
    assert r.matches and r.matches[0].name == "Inspur Group Co., Ltd." and r.matches[0].score == 100


def test_a_misspelt_common_brand_still_scores_on_its_nearest_word(bundled):
    """ "huawei" is in a hundred listed names, so it is not distinctive; a misspelling of it is, and
    is compared with the nearest word of the other name instead of counting as a different name."""
    [r] = bundled.screen(["Hauwei Technologies Co., Ltd."], threshold=80)
    assert r.matches and r.matches[0].name == "Huawei Technologies Co., Ltd."
    assert 80 <= r.matches[0].score < 90


def test_threshold_decides_what_is_a_match(bundled):
    [loose] = bundled.screen(["Suma Technology"], threshold=80)
    [strict] = bundled.screen(["Suma Technology"], threshold=100)
    assert loose.matches and not strict.matches
    with pytest.raises(InputError, match="between 0 and 100"):
        bundled.screen(["x"], threshold=101)


def test_short_names_match_only_exactly(bundled):
    [exact, near] = bundled.screen(["SMIC", "SMIK"])
    assert exact.matches and not near.matches


def test_normaliser_forms_scripts_and_abbreviations():
    n = Normaliser()
    assert n("Huawei Technologies Co., Ltd.").words == n("HUAWEI TECH CO LTD").words == ("huawei", "technology")
    assert n("OOO Gazprom Dobycha").words == n("Obshchestvo S Ogranichennoi Otvetstvennostyu Gazprom Dobycha").words
    assert n("ООО Газпром добыча").words == ("gazprom", "dobycha")
    assert n("ООО Газпром добыча").scripts == ("Cyrillic",)
    assert n("浪潮集团有限公司").words == ("langchao", "group")
    assert n("Xi'an Aerospace").words == ("xian", "aerospace")
    assert n("Co., Ltd.").words == ("co", "ltd")  # nothing but a legal form keeps its words


def test_affiliates_rule_comes_with_each_match_as_of_the_date():
    graph = ExportGraph.open([FIX + "parties.csv", FIX + "ownership.csv", FIX + "listings.csv"])
    [during] = graph.screen(["Fixture A (50% of X)"], as_of=dt.date(2025, 10, 1))
    a = during.matches[0].affiliates_rule
    assert (a.status, a.covered, a.reach, a.rule_status) == ("covered", True, "direct", "in force")
    [suspended] = graph.screen(["Fixture A (50% of X)"], as_of=dt.date(2026, 1, 15))
    assert suspended.matches[0].affiliates_rule.rule_status == "suspended"
    [aggregate] = graph.screen(["Fixture C (25% X + 25% Y)"], as_of=dt.date(2025, 10, 1))
    assert aggregate.matches[0].affiliates_rule.reach == "aggregate"
    [clean] = graph.screen(["Fixture Clean GmbH"], as_of=dt.date(2025, 10, 1))
    assert (clean.matches[0].affiliates_rule.status, clean.matches[0].affiliates_rule.covered) == ("not covered", False)


def test_csv_input_and_json_contract(tmp_path, capsys):
    names = tmp_path / "names.csv"
    names.write_text("id,name,country\nc1,INSPUR GROUP CO LTD,CN\nc2,Fixture Nobody Trading,DE\n", encoding="utf-8")
    assert main(["screen", str(names), "--format", "json", "--as-of", "2025-10-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["input"] for o in out] == [
        {"name": "INSPUR GROUP CO LTD", "country": "CN", "id": "c1"},
        {"name": "Fixture Nobody Trading", "country": "DE", "id": "c2"},
    ]
    m = out[0]["matches"][0]
    assert {"name", "matched_name", "score", "lists", "affiliates_rule"} <= set(m)
    assert m["name"] == "Inspur Group Co., Ltd." and m["score"] == 100
    entity_list = [li for li in m["lists"] if li["list"] == "entity-list"][0]
    assert entity_list["citations"][0]["label"] == "88 FR 13675"
    assert m["affiliates_rule"]["covered"] is True
    assert out[1]["matches"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nom,country\nInspur,CN\n", "needs a 'name' column"),
        ("name,country\nInspur,XX\n", "names.csv:2 column 'country': unknown country code 'XX'"),
        ("name,country\n,CN\n", "names.csv:2 column 'name': empty name"),
        ("name,country\nInspur,CN,extra\n", "names.csv:2: expected 2 columns"),
    ],
)
def test_bad_names_files_are_errors_naming_the_place(tmp_path, capsys, text, message):
    names = tmp_path / "names.csv"
    names.write_text(text, encoding="utf-8")
    assert main(["screen", str(names)]) == 2
    assert message in capsys.readouterr().err


def test_the_cli_argument_is_always_a_file(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("name\nBAAI\n", encoding="utf-8")
    assert main(["screen", str(names), "--format", "csv"]) == 0
    assert ",BAAI,100,Beijing Academy of Artificial Intelligence," in capsys.readouterr().out
    assert main(["screen", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_needs_names_or_a_file(capsys):
    assert main(["screen"]) == 2
    assert "give a names CSV or --name" in capsys.readouterr().err
    assert main(["screen", "--name", "Inspur Taiwan", "--name", "BAAI", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,input,score,name,matched_name,lists,affiliates_rule,why"
    assert any(line.startswith(",BAAI,100,Beijing Academy of Artificial Intelligence,BAAI,") for line in lines)


def test_a_short_name_says_what_was_left_out(bundled):
    """中芯北方 is no name on any list: it is what is left of the native name 中芯北方集成电路制造(北京)有限公司
    without its legal form, place and trade words, and the match says so, scoring below the same name."""
    [r] = bundled.screen(["中芯北方"])
    m = r.matches[0]
    assert (m.matched_name, m.matched_kind) == ("中芯北方集成电路制造(北京)有限公司", "native name")
    assert m.score == SHORT_FORM_SCORE
    assert "short name" in m.why[0] and "中芯北方" in m.why[0]
    [r] = bundled.screen(["中芯北方集成电路制造(北京)有限公司"])
    assert r.matches[0].score == 100


def test_a_place_is_left_out_only_when_it_does_not_disagree(bundled):
    [beijing, shanghai] = bundled.screen(["Beijing Zhiyuan Research Institute", "Shanghai Zhiyuan Research Institute"])
    assert beijing.matches[0].matched_name == "Zhiyuan Research Institute"
    assert "leading place ('beijing')" in beijing.matches[0].why[0]
    assert shanghai.matches == ()  # BAAI's names start with Beijing


def test_normaliser_reads_chinese_as_pinyin_by_the_word():
    """pypinyin reads a character by its word (长江 Changjiang, not anyascii's Zhangjiang; 重庆 Chongqing),
    and the pinyin of a legal form is a legal form however it is spaced."""
    n = Normaliser()
    assert n("长江存储").compact == "changjiangcunchu"
    assert n("重庆").compact == "chongqing"
    assert (
        n("Lang Chao Ji Tuan You Xian Gong Si").compact
        == n("Langchao Jituan Youxian Gongsi").compact
        == n("LANGCHAO JITUAN YOUXIANGONGSI").compact
        == "langchaojituan"
    )
    assert n("华为技术有限公司").words == n("Huawei Technologies Co., Ltd.").words == ("huawei", "technology")


def test_normaliser_forms():
    n = Normaliser()
    forms = {k.form: k for k in n.forms("浪潮集团有限公司")}
    assert forms["written"].words == ("langchao", "group")
    assert forms["pinyin"].compact == "langchaojituan"
    assert (forms["short name"].compact, forms["short name"].note) == ("langchao", "浪潮")
    assert n.short_names("上海移远通信技术股份有限公司") == ["移远通信技术", "移远通信", "移远"]
    assert n.short_names("中国电子科技集团公司第十四研究所") == []  # a group word left inside: no short name
    assert n.short_names("中科曙光") == []  # nothing to leave out
    placeless = [k for k in n.forms("Beijing Zhiyuan Research Institute") if k.form == "placeless"]
    assert [(k.words, k.note) for k in placeless] == [(("zhiyuan", "research", "institute"), "beijing")]
    assert "short name" not in {k.form for k in n.forms("浪潮集团有限公司", short_name=False)}


def test_initials_a_i_are_not_artificial_intelligence(bundled):
    """Writing every "AI" out as "artificial intelligence" lost "... Akademika AI Berga" (a listed
    institute named after A. I. Berg) in the benchmark; the phrase is now also written short, as
    another form, and "AI" itself stays as typed."""
    n = Normaliser()
    assert n("AI Berga").compact == n("A.I. Berga").compact == "aiberga"
    contracted = [k for k in n.forms("Beijing Academy of Artificial Intelligence") if k.form == "contracted"]
    assert contracted[0].words == ("beijing", "academy", "of", "ai")
    [r] = bundled.screen(["AO TSENTRALNY NAUCHNOISSLEDOVSTELSKI RADIOTEKHNICHESKI INSTITUT IMENI AKADEMIKA AI BERGA"])
    assert r.matches and "Berg" in r.matches[0].name
    [r] = bundled.screen(["Beijing Academy of AI"])
    assert "'artificial intelligence' written 'ai'" in r.matches[0].why[0]


def test_entity_suggests_the_nearest_names(bundled, capsys):
    """The Entity List spells it "Suma Techology": a search for "Suma Technology" finds no party by
    name, and says which names come nearest; a name like none says nothing more."""
    with pytest.raises(NotFoundError) as err:
        bundled.resolve("Suma Technology")
    message = str(err.value)
    assert message.startswith("no party named 'Suma Technology'; did you mean 'Suma Techology Co., Ltd.', ")
    assert message.count("', '") == 4  # five names
    assert main(["entity", "Suma Technology"]) == 3
    assert "did you mean 'Suma Techology Co., Ltd.'" in capsys.readouterr().err
    with pytest.raises(NotFoundError, match=r"^no party named 'Zzqxv Wwkjy Plbvt'$"):
        bundled.resolve("Zzqxv Wwkjy Plbvt")
