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
   meets "Zhongke"). Only candidates are scored (``blocking``): the names whose distinctive words
   (step 4's core) are within reach of the input's, found through their deletion variants or
   segments, plus the names without distinctive words; an input whose probes would cost more than
   scoring every name of a length within reach is scored against them all (``cdist`` on every core).
4. **Guard** short names: a name of fewer than ``SHORT`` letters after normalising ("BAAI", "Suma")
   matches only exactly, since one changed letter in four is a different name.
5. **Country**: when the input gives a country and the party has countries recorded, none of
   which is the input's, the score drops by ``COUNTRY_PENALTY``.

A match is a score of at least the threshold (default ``DEFAULT_THRESHOLD``). The threshold was
set on ``benchmarks/bench_screen.py``'s labelled variants and look-alike negatives; see README.

The package: ``normalise`` (a name's ``Key`` and its other forms), ``index`` (the ``Index`` of every
party's names and the matching), ``blocking`` (the candidates), ``explain`` (the reasons given for a
hit), ``inputs`` (the names to screen, from a CSV or a list), ``kept`` (the index kept beside a
persistent store, per generation of its data). Everything is importable from ``exportgraph.screen``.
"""

from __future__ import annotations

from ..model import AffiliatesStatus as AffiliatesStatus  # re-exported: results live in model
from ..model import Input as Input
from ..model import Match as Match
from ..model import Screening as Screening
from .explain import COUNTRY_PENALTY as COUNTRY_PENALTY
from .explain import Entry as Entry
from .explain import Hit as Hit
from .index import AS_WRITTEN as AS_WRITTEN
from .index import CHUNK as CHUNK
from .index import COMMON_SHARE as COMMON_SHARE
from .index import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from .index import NEAR as NEAR
from .index import SHORT_FORM_SCORE as SHORT_FORM_SCORE
from .index import Index as Index
from .inputs import read_inputs as read_inputs
from .normalise import SHORT as SHORT
from .normalise import Key as Key
from .normalise import Normaliser as Normaliser
from .normalise import pinyin as pinyin
from .normalise import variants as variants
