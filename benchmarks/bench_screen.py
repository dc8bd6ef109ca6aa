"""Benchmark of name screening: speed and recall of exportgraph's matcher beside nomenklatura's.

    python benchmarks/bench_screen.py                    # 10,000 names, both matchers
    python benchmarks/bench_screen.py --names 2000 --no-nomenklatura

The labelled set is built from the bundled graph's own names and aliases (seeded, reproducible):
each positive is one name or alias of a party on a list, changed the way counterparty files
change names (upper case without punctuation, another legal form, the legal form dropped, one
letter dropped or swapped in the longest word, the parts around a comma swapped or the last word
first).
Its label is the party. The negatives are real names of organisations that are on none of our
lists: China's counter-sanctions list of US organisations (OpenSanctions source CSV, CC BY-NC,
used here only), less any that is a name in the graph written alike (case, punctuation and
the commonest legal forms aside), and Chinese companies on the UFLPA Entity List (DHS, via nsfreg), a
list the graph does not hold, less the same. Recall is the share of positives
whose party is among the matches at the threshold; the false-match rate is the share of negatives
with any match. Both matchers get the same targets (every party with its names, aliases and
countries) and the same inputs; nomenklatura blocks with its own DuckDB index and scores with its
``logic-v2`` algorithm (threshold 0.7, its default cut-off), through benchmarks/nomenklatura_matcher.py.

A second class comes from the graph's Chinese native names, written the way people type them: the
short (brand) name, i.e. the native name without its legal form, group, bracketed or leading place
and trailing trade words (浪潮集团有限公司 -> 浪潮; this benchmark's own short lists below, not the
matcher's; only a brand of two to four characters with no legal form or place inside), the brand in
pinyin ("Langchao", "Lang Chao") and the whole name in pinyin ("Langchao Jituan Youxian Gongsi");
one input per native name and kind, from its own seeded generator so that the English sample does
not change when native names are added. Its negatives are the Chinese names of the same
counter-sanctions list, as given, shortened and in pinyin the same way.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from anyascii import anyascii  # noqa: E402
from pypinyin import lazy_pinyin  # noqa: E402

from exportgraph import ExportGraph, settings  # noqa: E402
from exportgraph.screen import DEFAULT_THRESHOLD  # noqa: E402

LEGAL = [
    ("Co., Ltd.", "Company Limited"),
    ("Co., Ltd.", "CO LTD"),
    ("Corporation", "Corp."),
    ("Limited", "Ltd"),
    ("Company", "Co."),
    ("LLC", "Limited Liability Company"),
    ("Inc.", "Incorporated"),
]


# What a short Chinese name leaves out: legal forms and group words, places (leading or in brackets),
# trade words at the end. Short on purpose: a brand is what is left, and it must keep two characters.
ZH_FORMS = ["股份有限公司", "有限责任公司", "有限公司", "股份公司", "公司", "集团", "控股"]
ZH_PLACES = [
    "北京",
    "上海",
    "天津",
    "重庆",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "长沙",
    "合肥",
    "济南",
    "青岛",
    "厦门",
    "珠海",
    "无锡",
    "大连",
    "沈阳",
    "哈尔滨",
    "郑州",
    "昆山",
    "香港",
    "广东",
    "江苏",
    "浙江",
    "山东",
    "湖北",
    "湖南",
    "四川",
    "陕西",
    "河北",
    "河南",
    "安徽",
    "福建",
    "辽宁",
    "吉林",
    "黑龙江",
]
ZH_TRADES = [
    "信息技术",
    "信息产业",
    "集成电路",
    "人工智能",
    "计算机",
    "研究院",
    "研究所",
    "科技",
    "技术",
    "信息",
    "产业",
    "电子",
    "制造",
    "软件",
    "智能",
]
_ZH = re.compile(r"[\u4e00-\u9fff]")
_ZH_BRACKET = re.compile(r"[（(][^)）]*[)）]")


def zh_brand(name: str) -> str:
    """The short name: 浪潮集团有限公司 -> 浪潮, 天津曙光计算机产业有限公司 -> 曙光."""
    text, before = _ZH_BRACKET.sub("", name).strip(), None
    ends, starts = sorted(ZH_FORMS + ZH_TRADES, key=len, reverse=True), sorted(ZH_PLACES, key=len, reverse=True)
    while text != before:
        before = text
        end = next((a for a in ends if text.endswith(a) and len(text) - len(a) >= 2), "")
        text = text[: len(text) - len(end)]
        start = next((a for a in starts if text.startswith(a) and len(text) - len(a) >= 2), "")
        text = text[len(start) :]
    return text


def pinyin(name: str, rnd: random.Random, words: bool) -> str:
    """A Chinese name in pinyin as people write it: syllables run together per brand and per affix
    ("Langchao Jituan Youxian Gongsi") or one by one ("Lang Chao Ji Tuan"), title or upper case."""
    text = name.replace("(", " ").replace(")", " ").replace("（", " ").replace("）", " ")
    parts = [text]
    if words:
        cut = sorted(["股份", "有限", "责任", "公司", "集团", "控股", *ZH_TRADES, *ZH_PLACES], key=len, reverse=True)
        parts = [p for p in re.split("(" + "|".join(cut) + ")", text) if p]
    out = []
    for part in parts:
        syllables = [anyascii(s) for s in lazy_pinyin(part, v_to_u=True)]
        out.extend(["".join(syllables)] if words else syllables)
    text = " ".join(w.capitalize() for w in out if w.strip())
    return text.upper() if rnd.random() < 0.2 else text


def chinese_variants(name: str, rnd: random.Random) -> list[tuple[str, str]]:
    """The Chinese class: the brand and the brand in pinyin (when the name has affixes to leave out
    and what is left looks like a brand: two to four characters, no legal form or place inside)
    and the whole name in pinyin."""
    brand = zh_brand(name)
    branded = brand != name and 2 <= len(brand) <= 4 and not any(a in brand for a in ZH_FORMS + ZH_PLACES)
    out = [(brand, "zh brand"), (pinyin(brand, rnd, words=rnd.random() < 0.7), "zh brand pinyin")] if branded else []
    out.append((pinyin(name, rnd, words=rnd.random() < 0.7), "zh full pinyin"))
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def perturb(name: str, rnd: random.Random) -> tuple[str, str]:
    """One realistic variant of a name, and what was done to it."""
    kind = rnd.choice(["upper", "legal", "drop-legal", "typo", "swap", "reorder"])
    if kind == "upper":
        return "".join(c for c in name.upper() if c.isalnum() or c.isspace()), kind
    if kind in ("legal", "drop-legal"):
        for a, b in LEGAL:
            for x, y in ((a, b), (b, a)):
                if x in name:
                    return name.replace(x, "" if kind == "drop-legal" else y).strip(" ,"), kind
        return name + " Co., Ltd.", "add-legal"
    words = name.split()
    if kind == "reorder" and "," in name:
        head, _, tail = name.partition(",")
        return f"{tail.strip()} {head.strip()}", kind
    if kind == "reorder" and len(words) > 1:
        return " ".join(words[-1:] + words[:-1]), kind
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) < 7:
        return name.lower(), "lower"
    i = rnd.randrange(1, len(w) - 2)
    words[longest] = w[:i] + w[i + 1 :] if kind == "typo" else w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return " ".join(words), kind


def labelled(graph: ExportGraph, n: int, seed: int) -> tuple[list[tuple[str, str | None]], list[str | None], list[str]]:
    """Inputs (name, country), labels (the party, or None for a negative) and how each was made."""
    rnd = random.Random(seed)
    rows = graph.store.select(
        "SELECT DISTINCT ?p ?n ?code WHERE { ?e eg:party ?p . { ?p eg:name ?n } UNION { ?p eg:alias ?n } "
        "OPTIONAL { ?p eg:country/eg:alpha2 ?code } } ORDER BY ?p ?n"
    )
    names = [(str(r["p"]), str(r["n"]), r["code"] and str(r["code"])) for r in rows if len(str(r["n"])) >= 6]
    every = graph.store.select("SELECT DISTINCT ?n WHERE { ?p eg:name|eg:alias|eg:nativeName ?n }")
    known = {_plain(str(r["n"])) for r in every}  # a negative is no name in the graph, written alike
    negatives, negatives_zh = [], []
    codes = {str(r["c"]) for r in graph.store.select("SELECT ?c WHERE { ?x eg:alpha2 ?c }")}
    path = settings.shared_data_dir() / "opensanctions_us_cn_lists" / "cn_countersanctions.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Type"] == "Person":
                continue
            if _plain(row["Name"]) in known:  # on China's lists in the graph: not a negative in any script
                continue
            code = (row["Country"] or "").split(";")[0].strip().upper()
            negatives.append((row["Name"], code if code in codes else None))
            zh = row["Chinese name"].strip()
            if _ZH.search(zh) and _plain(zh) not in known and _plain(zh_brand(zh)) not in known:
                negatives_zh.append(zh)
    n_neg = min(len(negatives), n // 10)
    inputs, labels, kinds = [], [], []
    for _ in range(n - n_neg):
        party, name, code = rnd.choice(names)
        variant, kind = perturb(name, rnd)
        inputs.append((variant, code if rnd.random() < 0.5 else None))
        labels.append(party)
        kinds.append(kind)
    for name, code in rnd.sample(negatives, n_neg):
        inputs.append((name, code))
        labels.append(None)
        kinds.append("negative")
    uflpa = json.loads((settings.shared_data_dir() / "us_restricted_lists_nsfreg" / "dhs_uflpa.json").read_text())
    for e in uflpa["entities"]:  # Chinese companies on a list that the graph does not hold
        if _plain(e["name"]) not in known and not any(_plain(a) in known for a in e["aliases"]):
            inputs.append((e["name"], None))
            labels.append(None)
            kinds.append("negative cn company")
    zh_rnd = random.Random(seed + 1)  # its own draws: the sample above stays the same
    native = graph.store.select("SELECT DISTINCT ?p ?n WHERE { ?e eg:party ?p . ?p eg:nativeName ?n } ORDER BY ?p ?n")
    for r in native:
        if _ZH.search(str(r["n"])):
            for variant, kind in chinese_variants(str(r["n"]), zh_rnd):
                inputs.append((variant, None))
                labels.append(str(r["p"]))
                kinds.append(kind)
    for zh in sorted(set(negatives_zh)):
        brand = zh_brand(zh)
        for variant in dict.fromkeys([zh, brand, pinyin(brand, zh_rnd, words=True)]):
            inputs.append((variant, None))
            labels.append(None)
            kinds.append("negative zh")
    return inputs, labels, kinds


_FORMS = {"co", "ltd", "limited", "company", "corp", "corporation", "inc", "incorporated", "llc", "plc", "the"}


def _plain(name: str) -> str:
    """A name compared without case, punctuation and the commonest legal forms (this file's own rule,
    so that which inputs are negatives does not depend on the matcher under test)."""
    words = re.sub(r"[^0-9a-z]+", " ", anyascii(name).lower()).split()
    return "".join(w for w in words if w not in _FORMS) or "".join(words)


NEGATIVES = ("negative", "negative cn company", "negative zh")


def score(results: list[list[str]], labels: list[str | None], kinds: list[str]) -> tuple[float, ...]:
    """Recall over the positives; per kind of negative, the share with any match."""
    pos = [(r, lab) for r, lab in zip(results, labels, strict=True) if lab is not None]
    recall = sum(lab in r for r, lab in pos) / len(pos)
    rates = []
    for kind in NEGATIVES:
        neg = [r for r, k in zip(results, kinds, strict=True) if k == kind]
        rates.append(sum(bool(r) for r in neg) / len(neg) if neg else 0.0)
    return recall, *rates


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--names", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-nomenklatura", action="store_true")
    ap.add_argument("--algorithm", default="logic-v2", help="nomenklatura scoring algorithm")
    args = ap.parse_args(argv)

    graph = ExportGraph.open()
    index = graph.screen_index()
    inputs, labels, kinds = labelled(graph, args.names, args.seed)
    names, countries = [n for n, _ in inputs], [c for _, c in inputs]
    counts = {k: kinds.count(k) for k in sorted(set(kinds))}
    print(
        f"{len(inputs)} inputs ({', '.join(f'{k} {v}' for k, v in counts.items())}); "
        f"{len(index)} distinct normalised names of {len({e.party for es in index.entries for e in es})} parties",
        file=sys.stderr,
    )

    by_kind: dict[str, list[list[str]]] = {}  # matcher and threshold -> the parties each input matched
    table = [
        (
            "matcher",
            "threshold",
            "index s",
            "match s",
            "names/s",
            "recall",
            "false: US orgs",
            "false: CN companies",
            "false: zh names",
            "peak RSS MB",
        )
    ]
    for threshold in sorted({DEFAULT_THRESHOLD, 85, 88, 92}):
        graph.parties.names.reset()  # cold: a fresh index each time, so no word is already looked up
        t = time.perf_counter()
        index = graph.screen_index()
        t_index = time.perf_counter() - t
        t = time.perf_counter()
        hits = index.match(names, countries, threshold=threshold)
        dt = time.perf_counter() - t
        found = [[h.party for h in hs] for hs in hits]
        recall, *false = score(found, labels, kinds)
        by_kind[f"exportgraph {threshold}" + (" (default)" if threshold == DEFAULT_THRESHOLD else "")] = found
        label = "exportgraph" + (" (default)" if threshold == DEFAULT_THRESHOLD else "")
        table.append(
            (
                label,
                threshold,
                f"{t_index:.2f}",
                f"{dt:.2f}",
                f"{len(names) / dt:,.0f}",
                f"{recall:.3f}",
                *(f"{f:.3f}" for f in false),
                f"{rss_mb():.0f}",
            )
        )
    t = time.perf_counter()
    full = graph.screen([{"name": n, "country": c} for n, c in inputs])
    dt = time.perf_counter() - t
    recall, *false = score([[m.party for m in s.matches] for s in full], labels, kinds)
    table.append(
        (
            "exportgraph screen() incl. lists + 50% rule",
            DEFAULT_THRESHOLD,
            "",
            f"{dt:.2f}",
            f"{len(names) / dt:,.0f}",
            f"{recall:.3f}",
            *(f"{f:.3f}" for f in false),
            f"{rss_mb():.0f}",
        )
    )

    if not args.no_nomenklatura:
        from nomenklatura_matcher import match

        by_party: dict[str, tuple[list[str], set[str]]] = {}
        for es in index.entries:
            for e in es:
                names_, codes = by_party.setdefault(e.party, ([], set()))
                if e.matched not in names_:
                    names_.append(e.name) if e.name not in names_ else None
                    names_.append(e.matched) if e.matched not in names_ else None
                codes.update(e.countries)
        targets = [(p, ns, sorted(cs)) for p, (ns, cs) in by_party.items()]
        results, timings = match(targets, list(inputs), threshold=0.7, algorithm=args.algorithm)
        found = [[p for p, _ in r] for r in results]
        recall, *false = score(found, labels, kinds)
        by_kind[f"nomenklatura {args.algorithm} 0.7"] = found
        total = timings["index_s"] + timings["match_s"]
        table.append(
            (
                f"nomenklatura {args.algorithm}",
                0.7,
                f"{timings['index_s']:.2f}",
                f"{timings['match_s']:.2f}",
                f"{len(names) / total:,.0f}",
                f"{recall:.3f}",
                *(f"{f:.3f}" for f in false),
                f"{rss_mb():.0f}",
            )
        )

    npos = sum(lab is not None for lab in labels)
    print(
        f"positives {npos}, negatives {len(labels) - npos}; false = share of negatives with any match: "
        "US organisations on China's lists, Chinese companies on the UFLPA list, Chinese names of the former"
    )
    _print(table)
    print()
    rows = [("recall by variant", "inputs", *by_kind)]
    for kind, count in counts.items():
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if kind.startswith("negative"):
            cells = [f"{sum(bool(res[i]) for i in idx) / count:.3f} matched" for res in by_kind.values()]
        else:
            cells = [f"{sum(labels[i] in res[i] for i in idx) / count:.3f}" for res in by_kind.values()]
        rows.append((kind, count, *cells))
    _print(rows)


def _print(table: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
