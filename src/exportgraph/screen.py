"""Screening: match counterparty names against every name and alias of every party in the graph.

How a name is compared (the tables are data, in ``names.toml``):

1. **Normalise** both sides the same way: cut Chinese-script legal forms, write common Chinese terms
   as the English word the English names use (技术 -> technology, 集团 -> group), transliterate the
   rest to Latin (Chinese to pinyin with ``pypinyin``, one word per run of characters; Cyrillic,
   Greek, ... with ``anyascii``), lower-case, drop punctuation, drop legal forms (Co., Ltd., Company
   Limited, LLC, GmbH, JSC, OOO, Pte, youxian gongsi, ...), write abbreviations out (Tech ->
   technology, Intl -> international). A list name with a bracketed acronym, "... Corporation
   (SMIC)", is also indexed without the bracket and as the acronym alone.
2. **Other forms** of a name (``Normaliser.forms``), on both sides unless said: a Chinese name also
   in plain pinyin (浪潮集团 -> "langchao jituan"); in the index, its short names, the name without
   legal form, group, place and trade words (浪潮集团有限公司 -> 浪潮, "langchao"); a name with
   "artificial intelligence" also with "ai"; any of these also without the place it starts with
   (Beijing Zhiyuan Research Institute -> Zhiyuan Research Institute) when a distinctive word is
   left. A short name or a name without its place meets only a name as written (never another
   such form), only when the two are the same after normalising, and scores ``SHORT_FORM_SCORE``:
   a match, below the 100 of the same name. An input without its place does not meet a party
   whose names start with another place.
3. **Score** 0-100 with ``rapidfuzz``: the better of the edit similarity (Indel ratio) of the words
   in sorted order (so word order does not matter) and of the words run together (so "Zhong Ke"
   meets "Zhongke"). Scoring runs as ``cdist`` matrices on every core, inputs grouped by length against
   the names whose length can reach the threshold.
4. **Guard** short names: a name of fewer than ``SHORT`` letters after normalising ("BAAI", "Suma")
   matches only exactly, since one changed letter in four is a different name.
5. **Country**: when the input gives a country and the party has countries recorded, none of
   which is the input's, the score drops by ``COUNTRY_PENALTY``.

A match is a score of at least the threshold (default ``DEFAULT_THRESHOLD``). The threshold was
set on ``benchmarks/bench_screen.py``'s labelled variants and look-alike negatives; see README.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from anyascii import anyascii
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from .errors import InputError
from .limits import checkpoint
from .model import AffiliatesStatus as AffiliatesStatus  # re-exported: results live in model
from .model import Input
from .model import Match as Match
from .model import Screening as Screening

DEFAULT_THRESHOLD = 90
CHUNK = 2_000  # names compared at once; a time limit is checked between chunks
COUNTRY_PENALTY = 10
SHORT = 5
NEAR = 60  # a name less alike than this is no suggestion ("did you mean")
SHORT_FORM_SCORE = 95  # a short name or a name without its place, the same as a name as written

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SCRIPTS = (
    ("Chinese", _CJK),
    ("Cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
    ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("Korean", re.compile(r"[\uac00-\ud7af]")),
    ("Japanese", re.compile(r"[\u3040-\u30ff]")),
)
_ACRONYM = re.compile(r"^(.*\S)\s*\(([A-Z][A-Z0-9&-]{2,})\)$")
COMMON_SHARE = 0.0025
AS_WRITTEN = ("written", "pinyin", "contracted")  # forms compared by edit similarity; the others only exactly


@dataclass(frozen=True)
class Key:
    """A name after normalising: its words, the words sorted, the words run together.

    ``form`` says which form of the name it is: "written", "pinyin" (a Chinese name in plain pinyin),
    "contracted" (``note`` says which phrase is written short), "short name"
    (``note`` is the short name, e.g. 浪潮) or "placeless" (``note`` is the place left out)."""

    words: tuple[str, ...]
    scripts: tuple[str, ...]  # non-Latin scripts transliterated, e.g. ("Chinese",)
    form: str = "written"
    note: str = ""

    @property
    def sorted(self) -> str:
        return " ".join(sorted(self.words))

    @property
    def compact(self) -> str:
        return "".join(self.words)


def pinyin(text: str) -> str:
    """Chinese characters in toneless pinyin, run together; ü as u: 长江存储 -> changjiangcunchu."""
    return anyascii("".join(lazy_pinyin(text, v_to_u=True)))


def _alternation(strings: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, set(strings)), key=len, reverse=True))


class Normaliser:
    """Turns a name into its ``Key`` (``__call__``), or into every form it is known by (``forms``),
    with the tables of ``names.toml``."""

    def __init__(self, tables: dict | None = None) -> None:
        t = tables or tomllib.loads((Path(__file__).parent / "names.toml").read_text(encoding="utf-8"))
        zh = t["chinese"]
        self._zh_forms = re.compile(_alternation(zh["legal_forms"]))
        self._zh_terms = dict(sorted(zh["terms"].items(), key=lambda kv: len(kv[0]), reverse=True))
        self._zh_places = re.compile(_alternation(zh["places"]))
        self._zh_drops = sorted(zh["short_name_drops"], key=len, reverse=True)
        self._zh_place_set = frozenset(zh["places"])
        self._zh_bracket = re.compile(r"[(（]\s*(?:" + _alternation(zh["places"]) + r")\s*[)）]")
        syllables = [lazy_pinyin(f) for f in zh["legal_forms"]]  # 有限公司: you xian gong si
        phrases = (
            set(t["legal_forms"]["phrases"])
            | {" ".join(s) for s in syllables if len(s) > 1}
            | {" ".join("".join(s[i : i + 2]) for i in range(0, len(s), 2)) for s in syllables if len(s) > 2}
        )
        self._phrases = re.compile(r"(?:^| )(?:" + _alternation(phrases) + r")(?= |$)")
        self._words = frozenset(t["legal_forms"]["words"]) | {"".join(s) for s in syllables}
        self._abbrev = {k: tuple(v.split()) for k, v in t["abbreviations"].items()}
        self._contractions = {tuple(k.split()): v for k, v in t["contractions"].items()}
        places = [lazy_pinyin(p) for p in zh["places"]]
        self._places = sorted(
            {tuple(s) for s in places}
            | {("".join(s),) for s in places}
            | {tuple(p.split()) for p in t["places"]["latin"]},
            key=len,
            reverse=True,
        )

    def place_words(self) -> frozenset[str]:
        """The places of ``names.toml`` as one normalised word each ("tianjin", "innermongolia")."""
        return frozenset("".join(p) for p in self._places)

    def __call__(self, name: str) -> Key:
        """The name as written, normalised."""
        scripts = tuple(s for s, rx in _SCRIPTS if rx.search(name))
        text = name
        if "Chinese" in scripts:
            text = self._zh_forms.sub(" ", text)
            for term, repl in self._zh_terms.items():
                text = text.replace(term, f" {repl} ")
            text = self._zh_places.sub(lambda m: f" {m.group(0)} ", text)
            text = _CJK.sub(lambda m: " " + pinyin(m.group(0)) + " ", text)
        return Key(self._words_of(text), scripts)

    def forms(self, name: str, short_name: bool = True) -> list[Key]:
        """The name as written, then the other forms it is known by: a Chinese name in plain pinyin
        (terms not translated) and, with ``short_name``, its short names; the name with a phrase
        written short ("artificial intelligence": "ai"); any of these without the place it starts
        with. Forms that come out the same as an earlier one are left out."""
        written = self(name)
        out = [written]
        if "Chinese" in written.scripts:
            text = self._zh_places.sub(lambda m: f" {m.group(0)} ", self._zh_forms.sub(" ", name))
            out.append(
                Key(self._words_of(_CJK.sub(lambda m: " " + pinyin(m.group(0)) + " ", text)), written.scripts, "pinyin")
            )
            for short in self.short_names(name) if short_name else ():
                out.append(Key((pinyin(short),), written.scripts, "short name", short))
        for phrase, short in self._contractions.items():
            words, n = list(written.words), len(phrase)
            at = [i for i in range(len(words) - n + 1) if tuple(words[i : i + n]) == phrase]
            for i in reversed(at):
                words[i : i + n] = [short]
            if at:
                out.append(Key(tuple(words), written.scripts, "contracted", f"{' '.join(phrase)!r} written {short!r}"))
        for k in list(out):
            n = next((len(p) for p in self._places if k.words[: len(p)] == p), 0)
            if 0 < n < len(k.words):
                out.append(Key(k.words[n:], k.scripts, "placeless", " ".join(k.words[:n])))
        seen: set[str] = set()
        unique = []
        for k in out:
            if k.words and k.compact not in seen:
                seen.add(k.compact)
                unique.append(k)
        return unique

    def short_names(self, name: str) -> list[str]:
        """The Chinese short names: what is left of the name, step by step, as its legal form and
        bracketed places go, then one at a time its leading places and trailing group and trade
        words, in every order (上海移远通信技术股份有限公司 -> 移远通信技术, 移远通信, 移远, ...). A step
        counts when no place and no group or trade word is left in it but at its end (中国电子科技集团
        第十四 does not), it is all Chinese characters, and its pinyin has at least ``SHORT`` letters."""
        bare = re.sub(r"\s+", "", self._zh_forms.sub("", name))
        text = re.sub(r"\s+", "", self._zh_forms.sub("", self._zh_bracket.sub("", name)))
        steps, todo = [text], [text]
        while todo:  # every way of cutting: 智源人工智能 loses 人工智能 or 智能
            t = todo.pop()
            cut = [t[: len(t) - len(d)] for d in self._zh_drops if t.endswith(d) and len(t) - len(d) >= 2]
            cut += [t[len(p) :] for p in self._zh_place_set if t.startswith(p) and len(t) - len(p) >= 2]
            for c in cut:
                if c not in steps:
                    steps.append(c)
                    todo.append(c)
        out = []
        for step in steps:
            head = step
            while end := next((d for d in self._zh_drops if head.endswith(d) and head != d), ""):
                head = head[: len(head) - len(end)]
            inside = any(w in head for w in (*self._zh_drops, *self._zh_place_set))
            if step != bare and not inside and _CJK.fullmatch(step) and len(pinyin(step)) >= SHORT:
                out.append(step)
        return out

    def _words_of(self, text: str) -> tuple[str, ...]:
        text = anyascii(text).lower().replace("&", " and ")
        text = re.sub(r"['`\u2019]", "", text)
        text = re.sub(r"[^0-9a-z]+", " ", text).strip()
        stripped = self._phrases.sub(" ", f" {text} ").split()
        words: list[str] = []
        for w in stripped:
            if w in self._words:
                continue
            words.extend(_singular(x) for x in self._abbrev.get(w, (w,)))
        return tuple(words) if words else tuple(text.split())  # nothing but a legal form keeps its words


def _singular(word: str) -> str:
    """A light plural strip, the same on both sides: technologies -> technology, systems -> system."""
    if len(word) < 5 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def variants(name: str) -> list[str]:
    """The name, and for "Long Name (ACR)" also "Long Name" and "ACR"."""
    m = _ACRONYM.match(name.strip())
    return [name, m.group(1), m.group(2)] if m else [name]


@dataclass(frozen=True)
class Entry:
    party: str
    name: str  # the party's primary name
    matched: str  # the name or alias that matched
    kind: str  # name, alias or native name
    countries: tuple[str, ...]


@dataclass
class Hit:
    party: str
    name: str
    matched_name: str
    matched_kind: str
    score: int
    why: list[str] = field(default_factory=list)
    countries: tuple[str, ...] = ()


class Index:
    """Every name and alias in each of its forms, normalised once; ``match`` scores a batch of
    inputs against them."""

    def __init__(self, entries: Iterable[Entry], normaliser: Normaliser | None = None) -> None:
        self.normalise = normaliser or Normaliser()
        by_key: dict[tuple[str, str, str], int] = {}
        self.keys: list[Key] = []
        self.entries: list[list[Entry]] = []
        placeless: list[tuple[Key, Entry]] = []

        def add(k: Key, e: Entry) -> None:
            slot = by_key.setdefault((k.form, k.sorted, k.compact), len(self.keys))
            if slot == len(self.keys):
                self.keys.append(k)
                self.entries.append([])
            if e not in self.entries[slot]:
                self.entries[slot].append(e)

        for e in entries:
            for v in variants(e.matched):
                for k in self.normalise.forms(v):
                    if k.form == "placeless":
                        placeless.append((k, e))  # kept once the common words are known
                    elif k.form in AS_WRITTEN or len(k.compact) >= SHORT:
                        add(k, e)
        df: Counter[str] = Counter()
        for k in self.keys:
            if k.form == "written":
                df.update(set(k.words))
        floor = max(5, COMMON_SHARE * sum(k.form == "written" for k in self.keys))
        self.common = frozenset(w for w, n in df.items() if n >= floor)
        self._is_common: dict[str, bool] = {}
        self._learn(df)
        self._cores: dict[int, Key | None] = {}
        self._places: dict[str, set[str]] = {}  # party -> the places its names start with
        for k, e in placeless:
            self._places.setdefault(e.party, set()).add(k.note.replace(" ", ""))
            if self._short_form_ok(k):
                add(k, e)
        self._by_length = {}  # form -> (sorted lengths, key index of each, strings in that order)
        fuzzy = [i for i, k in enumerate(self.keys) if k.form in AS_WRITTEN]
        for form in ("sorted", "compact"):
            strings = [getattr(self.keys[i], form) for i in fuzzy]
            order = np.argsort([len(x) for x in strings], kind="stable")
            self._by_length[form] = (
                np.array([len(strings[i]) for i in order]),
                np.array(fuzzy)[order],
                [strings[i] for i in order],
            )
        self._exact: dict[str, list[int]] = {}
        for i, k in enumerate(self.keys):
            self._exact.setdefault(k.compact, []).append(i)

    def _short_form_ok(self, k: Key) -> bool:
        """A name without its place must keep ``SHORT`` letters and a distinctive word: "Beijing
        Institute of Technology" without Beijing is any institute of technology."""
        return len(k.compact) >= SHORT and self.core(k) is not None

    def _common(self, word: str) -> bool:
        """Is the word one that many names share ("technology", "institute"), or a misspelling of one?"""
        found = self._is_common.get(word)
        if found is None:
            self._learn([word])
            found = self._is_common[word]
        return found

    def _learn(self, words: Iterable[str]) -> None:
        """Decide ``_common`` for many words at once (one ``cdist`` against the common words)."""
        new = sorted({w for w in words if w not in self._is_common})
        for w in new:
            self._is_common[w] = w in self.common
        long = [w for w in new if len(w) >= 6 and not self._is_common[w]]
        if long and self.common:
            near = process.cdist(
                long, sorted(self.common), scorer=fuzz.ratio, score_cutoff=88, dtype=np.uint8, workers=-1
            ).max(axis=1)
            for w, score in zip(long, near.tolist(), strict=True):
                self._is_common[w] = score > 0

    def core(self, key: Key) -> Key | None:
        """The distinctive words of a name; None when it has none (all are common words)."""
        words = tuple(w for w in key.words if not self._common(w))
        return Key(words, key.scripts) if words else None

    def __len__(self) -> int:
        return len(self.keys)

    def match(
        self,
        names: Sequence[str],
        countries: Sequence[str | None] | None = None,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        limit: int = 10,
    ) -> list[list[Hit]]:
        """For each name, the parties scoring at least ``threshold``, best first, at most ``limit``."""
        if not 0 <= threshold <= 100:
            raise InputError(f"threshold {threshold} is not between 0 and 100")
        countries = list(countries) if countries is not None else [None] * len(names)
        # every variant of an input ("Long Name (ACR)": also "Long Name" and "ACR") in every form but
        # the short name (an input is compared as given, not cut down), as in the index
        owner = [
            (i, v, k)
            for i, n in enumerate(names)
            for v in variants(n)
            for k in self.normalise.forms(v, short_name=False)
        ]
        self._learn(w for _, _, k in owner for w in k.words)
        owner = [o for o in owner if o[2].form != "placeless" or self._short_form_ok(o[2])]
        fuzzy = [n for n, (_, _, k) in enumerate(owner) if k.form in AS_WRITTEN]
        found: list[dict[int, int]] = [{} for _ in owner]
        for n, cands in zip(fuzzy, self._candidates([owner[n][2] for n in fuzzy], threshold), strict=True):
            found[n] = cands
        merged: list[dict[str, Hit]] = [{} for _ in names]
        for n, ((i, variant, q), cands) in enumerate(zip(owner, found, strict=True)):
            if n % CHUNK == 0:
                checkpoint()
            for h in self._hits(variant, q, countries[i], cands, threshold, limit):
                if h.party not in merged[i] or h.score > merged[i][h.party].score:
                    merged[i][h.party] = h
        return [sorted(m.values(), key=lambda h: (-h.score, h.name, h.party))[:limit] for m in merged]

    def nearest(self, name: str, n: int = 5) -> list[str]:
        """The primary names of the ``n`` parties whose names, as written, come nearest to ``name``
        (by the edit similarity of the normalised words run together, at least ``NEAR``), nearest
        first: what to suggest when nothing matches.

        >>> suma = Entry("p", "Suma Techology Co., Ltd.", "Suma Techology Co., Ltd.", "name", ())
        >>> Index([suma]).nearest("Suma Technology"), Index([suma]).nearest("Quite Another Name")
        (['Suma Techology Co., Ltd.'], [])
        """
        q = self.normalise(name)
        if not q.words:
            return []
        _, order, strings = self._by_length["compact"]
        scores = process.cdist([q.compact], strings, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)[0]
        out: list[str] = []
        for pos in np.argsort(-scores.astype(np.int16), kind="stable").tolist():
            if scores[pos] < NEAR:
                break
            for e in self.entries[int(order[pos])]:
                if e.name not in out:
                    out.append(e.name)
            if len(out) >= n:
                break
        return out[:n]

    def _candidates(self, qkeys: list[Key], threshold: int) -> list[dict[int, int]]:
        """Per input, the index keys whose sorted or run-together form scores at least ``threshold``.

        Inputs are grouped by length and compared only with keys whose length allows the score
        (an Indel ratio of t needs the shorter string to be at least t/(200-t) of the longer)."""
        out: list[dict[int, int]] = [{} for _ in qkeys]
        lo_f, hi_f = threshold / (200 - threshold), (200 - threshold) / max(threshold, 1)
        for form, (lengths, order, strings) in self._by_length.items():
            groups: dict[int, list[int]] = {}
            for i, k in enumerate(qkeys):
                groups.setdefault(len(getattr(k, form)), []).append(i)
            chunks = [(length, ms[s : s + CHUNK]) for length, ms in groups.items() for s in range(0, len(ms), CHUNK)]
            for length, members in chunks:
                checkpoint()  # a time limit (the server's) stops a long screening between chunks
                lo = int(np.searchsorted(lengths, length * lo_f - 1, "left"))
                hi = int(np.searchsorted(lengths, length * hi_f + 1, "right"))
                if lo >= hi:
                    continue
                m = process.cdist(
                    [getattr(qkeys[i], form) for i in members],
                    strings[lo:hi],
                    scorer=fuzz.ratio,
                    score_cutoff=threshold,
                    dtype=np.uint8,
                    workers=-1,
                )
                rows, cols = np.nonzero(m)
                for r, c, v in zip(rows.tolist(), cols.tolist(), m[rows, cols].tolist(), strict=True):
                    got, key = out[members[r]], int(order[lo + c])
                    if v > got.get(key, -1):
                        got[key] = v
        return out

    def _hits(
        self, raw: str, q: Key, country: str | None, found: dict[int, int], threshold: int, limit: int
    ) -> list[Hit]:
        if not q.words:
            return []
        as_written = q.form in AS_WRITTEN
        # a short form meets only a name as written, and only the same one; a name as written meets
        # short forms that way, and names as written by edit similarity (exactly when short)
        cols = {
            c: SHORT_FORM_SCORE
            for c in self._exact.get(q.compact, [])
            if (self.keys[c].form in AS_WRITTEN) != as_written
        }
        if as_written:
            short = len(q.compact) < SHORT
            cols |= (
                {c: 100 for c in self._exact.get(q.compact, []) if self.keys[c].form in AS_WRITTEN} if short else found
            )
        qcore = self.core(q)
        best: dict[str, tuple[int, int, Entry, int | None]] = {}  # party -> (score, key, entry, core)
        for c, score in cols.items():
            key = self.keys[c]
            if len(key.compact) < SHORT and key.compact != q.compact:
                continue
            core = None
            if key.compact != q.compact:
                score = min(score, 99)  # cdist rounds 99.5 up; only the same name scores 100
                core = self._core_score(qcore, self._key_core(c), q, key)
                if core is not None:
                    score = min(score, core)
            for e in self.entries[c]:
                if q.form == "placeless" and q.note.replace(" ", "") not in self._places.get(e.party, {q.note}):
                    continue  # Shanghai Zhiyuan Research Institute is not Beijing's Zhiyuan Research Institute
                final = score - (COUNTRY_PENALTY if _disagrees(country, e) else 0)
                if final >= threshold and (e.party not in best or final > best[e.party][0]):
                    best[e.party] = (final, c, e, core)
        ranked = sorted(best.values(), key=lambda b: (-b[0], b[2].name, b[2].party))[:limit]
        return [self._explain(raw, q, self.keys[c], e, final, core, country) for final, c, e, core in ranked]

    @staticmethod
    def _core_score(qcore: Key | None, kcore: Key | None, q: Key, key: Key) -> int | None:
        """How alike the distinctive words are (None when neither name has any). When only one
        name has some, each of them is compared with the other name's nearest word: "Hauwei"
        against "Huawei" scores high even though "huawei", in a hundred listed names, is common."""
        if qcore is None and kcore is None:
            return None
        if qcore is not None and kcore is not None:
            return round(max(fuzz.ratio(qcore.sorted, kcore.sorted), fuzz.ratio(qcore.compact, kcore.compact)))
        one, other = (qcore, key) if qcore is not None else (kcore, q)
        assert one is not None
        return round(sum(max(float(fuzz.ratio(w, o)) for o in other.words) for w in one.words) / len(one.words))

    def _key_core(self, c: int) -> Key | None:
        if c not in self._cores:
            self._cores[c] = self.core(self.keys[c])
        return self._cores[c]

    def _explain(self, raw: str, q: Key, key: Key, e: Entry, score: int, core: int | None, country: str | None) -> Hit:
        why = []
        if raw.strip().casefold() == e.matched.strip().casefold():
            why.append(f"same {e.kind} as listed")
        elif key.form == "short name":
            why.append(
                f"the short name of the {e.kind} {e.matched!r} is {key.note} ({key.compact!r}): the "
                "name without its legal form and its group, place and trade words"
            )
        elif key.form == "placeless":
            why.append(f"same words as the {e.kind} without the place it starts with ({key.note!r})")
        elif q.form == "placeless":
            why.append(f"same words as the {e.kind} once the input's leading place ({q.note!r}) is left out")
        elif q.compact == key.compact and "contracted" in (q.form, key.form):
            why.append(f"same {e.kind} with {key.note if key.form == 'contracted' else q.note}")
        elif q.compact == key.compact:
            why.append(f"same {e.kind} after normalising case, punctuation, legal forms and abbreviations")
        elif q.sorted == key.sorted:
            why.append(f"same words as the {e.kind}, in another order")
        else:
            why.append(f"similar spelling to the {e.kind} ({' '.join(q.words)!r} vs {' '.join(key.words)!r})")
        if core is not None and core < 100:
            qc, kc = self.core(q), self.core(key)
            why.append(
                f"distinctive words ({' '.join(qc.words) if qc else 'none'!r} vs "
                f"{' '.join(kc.words) if kc else 'none'!r}) score {core}/100"
            )
        scripts = sorted(set(q.scripts) | set(key.scripts))
        if scripts:
            plain = " in plain pinyin" if "pinyin" in (q.form, key.form) else ""
            why.append(f"compared in Latin transliteration{plain} ({', '.join(scripts)} script)")
        if _disagrees(country, e):
            why.append(f"country {country} is not the party's ({', '.join(e.countries)}): -{COUNTRY_PENALTY}")
        return Hit(e.party, e.name, e.matched, e.kind, score, why, e.countries)


def _disagrees(country: str | None, e: Entry) -> bool:
    return bool(country and e.countries and country.upper() not in e.countries)


# -- inputs and results ---------------------------------------------------------------------------


def read_inputs(names: str | Path | Iterable[str | dict | Input], countries: set[str]) -> list[Input]:
    """Inputs from a CSV (a ``name`` column; optional ``country`` and ``id``), or from strings,
    dicts or ``Input``s. A blank name or an unknown country code is an ``InputError`` naming the
    place, and nothing is screened."""
    from .sources.common import csv_rows

    if isinstance(names, Path) or (isinstance(names, str) and names.lower().endswith(".csv")):
        path = Path(names)
        header, items = csv_rows(path)
        if "name" not in header:
            raise InputError("a names CSV needs a 'name' column (optional: country, id)", source=str(path), line=1)
        where = str(path)
    elif isinstance(names, str):
        items, where = [(1, {"name": names})], "input"
    else:
        items, where = [], "input"
        for i, n in enumerate(names, 1):
            if isinstance(n, Input):
                n = {"name": n.name, "country": n.country, "id": n.id}
            items.append((i, {"name": n} if isinstance(n, str) else {k: str(v) for k, v in n.items() if v is not None}))
    out = []
    for line, row in items:
        name = (row.get("name") or "").strip()
        if not name:
            raise InputError("empty name", source=where, line=line, column="name")
        country = (row.get("country") or "").strip().upper() or None
        if country and country not in countries:
            raise InputError(
                f"unknown country code {country!r} (expected ISO 3166 alpha-2)",
                source=where,
                line=line,
                column="country",
            )
        out.append(Input(name, country, (row.get("id") or "").strip() or None))
    return out
