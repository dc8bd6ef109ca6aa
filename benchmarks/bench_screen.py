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
used here only), less any whose normalised name is in the index. Recall is the share of positives
whose party is among the matches at the threshold; the false-match rate is the share of negatives
with any match. Both matchers get the same targets (every party with its names, aliases and
countries) and the same inputs; nomenklatura blocks with its own DuckDB index and scores with its
``logic-v2`` algorithm (threshold 0.7, its default cut-off), through benchmarks/nomenklatura_matcher.py.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exportgraph import ExportGraph, settings  # noqa: E402
from exportgraph.screen import DEFAULT_THRESHOLD  # noqa: E402

LEGAL = [("Co., Ltd.", "Company Limited"), ("Co., Ltd.", "CO LTD"), ("Corporation", "Corp."),
         ("Limited", "Ltd"), ("Company", "Co."), ("LLC", "Limited Liability Company"), ("Inc.", "Incorporated")]


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
    words[longest] = w[:i] + w[i + 1:] if kind == "typo" else w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return " ".join(words), kind


def labelled(graph: ExportGraph, n: int, seed: int) -> tuple[list[tuple[str, str | None]], list[str | None], list[str]]:
    """Inputs (name, country), labels (the party, or None for a negative) and how each was made."""
    rnd = random.Random(seed)
    rows = graph.store.select(
        "SELECT DISTINCT ?p ?n ?code WHERE { ?e eg:party ?p . { ?p eg:name ?n } UNION { ?p eg:alias ?n } "
        "OPTIONAL { ?p eg:country/eg:alpha2 ?code } } ORDER BY ?p ?n")
    names = [(str(r["p"]), str(r["n"]), r["code"] and str(r["code"])) for r in rows if len(str(r["n"])) >= 6]
    index = graph.screen_index()
    known = {k.compact for k in index.keys}
    negatives = []
    codes = {str(r["c"]) for r in graph.store.select("SELECT ?c WHERE { ?x eg:alpha2 ?c }")}
    path = settings.shared_data_dir() / "opensanctions_us_cn_lists" / "cn_countersanctions.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Type"] != "Person" and index.normalise(row["Name"]).compact not in known:
                code = (row["Country"] or "").split(";")[0].strip().upper()
                negatives.append((row["Name"], code if code in codes else None))
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
    return inputs, labels, kinds


def score(results: list[list[str]], labels: list[str | None]) -> tuple[float, float, int, int]:
    pos = [(r, lab) for r, lab in zip(results, labels, strict=True) if lab is not None]
    neg = [r for r, lab in zip(results, labels, strict=True) if lab is None]
    recall = sum(lab in r for r, lab in pos) / len(pos)
    false = sum(bool(r) for r in neg) / len(neg) if neg else 0.0
    return recall, false, len(pos), len(neg)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--names", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-nomenklatura", action="store_true")
    ap.add_argument("--algorithm", default="logic-v2", help="nomenklatura scoring algorithm")
    args = ap.parse_args(argv)

    graph = ExportGraph.open()
    t = time.perf_counter()
    index = graph.screen_index()
    t_index = time.perf_counter() - t
    inputs, labels, kinds = labelled(graph, args.names, args.seed)
    names, countries = [n for n, _ in inputs], [c for _, c in inputs]
    counts = {k: kinds.count(k) for k in sorted(set(kinds))}
    print(f"{len(inputs)} inputs ({', '.join(f'{k} {v}' for k, v in counts.items())}); "
          f"{len(index)} distinct normalised names of {len({e.party for es in index.entries for e in es})} parties",
          file=sys.stderr)

    by_kind: dict[str, list[list[str]]] = {}  # matcher -> the parties each input matched
    table = [("matcher", "threshold", "index s", "match s", "names/s", "recall", "false matches", "peak RSS MB")]
    for threshold in sorted({DEFAULT_THRESHOLD, 85, 88, 92}):
        graph._screen_index = None  # cold: a fresh index each time, so no word is already looked up
        index = graph.screen_index()
        t = time.perf_counter()
        hits = index.match(names, countries, threshold=threshold)
        dt = time.perf_counter() - t
        recall, false, _, _ = score([[h.party for h in hs] for hs in hits], labels)
        if threshold == DEFAULT_THRESHOLD:
            by_kind[f"exportgraph {threshold}"] = [[h.party for h in hs] for hs in hits]
        label = "exportgraph" + (" (default)" if threshold == DEFAULT_THRESHOLD else "")
        table.append((label, threshold, f"{t_index:.2f}", f"{dt:.2f}", f"{len(names) / dt:,.0f}",
                      f"{recall:.3f}", f"{false:.3f}", f"{rss_mb():.0f}"))
    t = time.perf_counter()
    full = graph.screen([{"name": n, "country": c} for n, c in inputs])
    dt = time.perf_counter() - t
    recall, false, npos, nneg = score([[m.party for m in s.matches] for s in full], labels)
    table.append(("exportgraph screen() incl. lists + 50% rule", DEFAULT_THRESHOLD, "", f"{dt:.2f}",
                  f"{len(names) / dt:,.0f}", f"{recall:.3f}", f"{false:.3f}", f"{rss_mb():.0f}"))

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
        recall, false, _, _ = score([[p for p, _ in r] for r in results], labels)
        by_kind[f"nomenklatura {args.algorithm}"] = [[p for p, _ in r] for r in results]
        total = timings["index_s"] + timings["match_s"]
        table.append((f"nomenklatura {args.algorithm}", 0.7, f"{timings['index_s']:.2f}", f"{timings['match_s']:.2f}",
                      f"{len(names) / total:,.0f}", f"{recall:.3f}", f"{false:.3f}", f"{rss_mb():.0f}"))

    print(f"positives {npos}, negatives {nneg}")
    _print(table)
    print()
    rows = [("recall by variant", "inputs", *by_kind)]
    for kind, count in counts.items():
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if kind == "negative":
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
