"""Names normalised for screening: a name as written, and the other forms it is known by.

The tables are data, in ``names.toml``; see :mod:`exportgraph.screen` for how a name is compared.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from pypinyin import lazy_pinyin

SHORT = 5

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

    def __reduce__(self) -> tuple[type[Key], tuple[tuple[str, ...], tuple[str, ...], str, str]]:
        return Key, (self.words, self.scripts, self.form, self.note)  # a kept index loads fast

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
        t = tables or tomllib.loads((Path(__file__).parents[1] / "names.toml").read_text(encoding="utf-8"))
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
        self._places_at: dict[str, list[tuple[str, ...]]] = {}  # first word -> places, longest first
        for p in self._places:
            self._places_at.setdefault(p[0], []).append(p)

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
            starting = self._places_at.get(k.words[0], ()) if k.words else ()
            n = next((len(p) for p in starting if k.words[: len(p)] == p), 0)
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
