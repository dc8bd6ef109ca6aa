"""The screening index: every name and alias of every party in each of its forms, normalised once,
and the matching of a batch of inputs against them (see :mod:`exportgraph.screen`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from ..contract import SCREEN_THRESHOLD
from ..errors import InputError
from ..limits import checkpoint
from .blocking import FLOOR, PROBE_COST, Blocks
from .explain import COUNTRY_PENALTY, Entry, Hit, disagrees, explain
from .normalise import SHORT, Key, Normaliser, variants

DEFAULT_THRESHOLD = SCREEN_THRESHOLD
CHUNK = 2_000  # names compared at once; a time limit is checked between chunks
NEAR = 60  # a name less alike than this is no suggestion ("did you mean")
SHORT_FORM_SCORE = 95  # a short name or a name without its place, the same as a name as written
COMMON_SHARE = 0.0025
AS_WRITTEN = ("written", "pinyin", "contracted")  # forms compared by edit similarity; the others only exactly


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
        fuzzy = [i for i, k in enumerate(self.keys) if k.form in AS_WRITTEN]
        self._by_length = self._lengths(fuzzy)
        self._exact: dict[str, list[int]] = {}
        for i, k in enumerate(self.keys):
            self._exact.setdefault(k.compact, []).append(i)
        self._learn(w for i in fuzzy for w in self.keys[i].words)
        writable = set(fuzzy)
        cores = [self._key_core(i) if i in writable else None for i in range(len(self.keys))]
        # per key: its distinctive words sorted and run together (None: no core, or not fuzzy)
        self._core_forms = [(c.sorted, c.compact) if c is not None else None for c in cores]
        self._coreless = self._lengths([i for i in fuzzy if cores[i] is None])
        self._key_arrays = [np.array([k.sorted for k in self.keys], dtype=object)]
        self._key_arrays.append(np.array([k.compact for k in self.keys], dtype=object))
        self._core_arrays = [np.array([c[f] if c else "" for c in self._core_forms], dtype=object) for f in (0, 1)]
        self._rank = np.full((2, len(self.keys)), -1, dtype=np.int64)  # a key's place in each scan, -1: none
        for f, form in enumerate(("sorted", "compact")):
            self._rank[f][self._by_length[form][1]] = np.arange(len(fuzzy))
        self._blocks: dict[int, Blocks] = {}
        self.probe_cost = PROBE_COST

    def _lengths(self, indices: list[int]) -> dict[str, tuple[np.ndarray, np.ndarray, list[str]]]:
        """Per form compared (words sorted, run together): the keys' lengths in order, the key of
        each, and the strings in that order."""
        out = {}
        for form in ("sorted", "compact"):
            strings = [getattr(self.keys[i], form) for i in indices]
            order = np.argsort([len(x) for x in strings], kind="stable")
            out[form] = (
                np.array([len(strings[i]) for i in order], dtype=np.int64),
                np.array(indices, dtype=np.int64)[order],
                [strings[i] for i in order],
            )
        return out

    def blocks(self, threshold: int) -> Blocks:
        """The segment index of the keys' cores for this threshold (built on first use)."""
        if threshold not in self._blocks:
            self._blocks[threshold] = Blocks(self._core_forms, threshold)
        return self._blocks[threshold]

    def __getstate__(self) -> dict[str, object]:
        """What a kept index holds: all but the cache of the keys' cores, which fills again as used."""
        return {k: v for k, v in vars(self).items() if k != "_cores"}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._cores = {}

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
        exhaustive: bool = False,
    ) -> list[list[Hit]]:
        """For each name, the parties scoring at least ``threshold``, best first, at most ``limit``.
        ``exhaustive`` scores every name in the index, not only the candidates of ``blocking``: the
        same answers, slower (what the tests compare the candidates with)."""
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
        for n, cands in zip(fuzzy, self._candidates([owner[n][2] for n in fuzzy], threshold, exhaustive), strict=True):
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

    def _candidates(self, qkeys: list[Key], threshold: int, exhaustive: bool = False) -> list[dict[int, int]]:
        """Per input, the index keys whose sorted or run-together form scores at least ``threshold``,
        in the order a scan of every key meets them (which of a party's names is shown, on a tie),
        leaving out keys that cannot match all the same: their distinctive words are out of reach
        of the input's (``blocking``), or the input is short, which ``_hits`` compares only exactly.
        ``exhaustive`` (and a threshold below ``blocking.FLOOR``) scores every key."""
        if exhaustive or threshold < FLOOR:
            return [self._order(got) for got in self._scan(qkeys, threshold, self._by_length)]
        found: list[dict[int, list[int]]] = [{} for _ in qkeys]
        blocks = self.blocks(threshold)
        cores = [self.core(k) if len(k.compact) >= SHORT else None for k in qkeys]
        sizes = self._scan_sizes(qkeys, threshold)
        for n, c in enumerate(cores):  # an input whose probes cost more than a scan is scanned
            if c is not None and blocks.cost((c.sorted, c.compact)) * self.probe_cost > sizes[n]:
                cores[n] = None
        coreless = [n for n, k in enumerate(qkeys) if len(k.compact) >= SHORT and cores[n] is None]
        closed = [n for n, c in enumerate(cores) if c is not None]
        for group, keys in ((coreless, self._by_length), (closed, self._coreless)):
            for n, got in zip(group, self._scan([qkeys[n] for n in group], threshold, keys), strict=True):
                found[n] = got
        qcores = [(c.sorted, c.compact) for c in (cores[n] for n in closed) if c is not None]
        rows, ids = blocks.candidates(qcores)
        near = np.maximum(*(self._pairs([q[f] for q in qcores], self._core_arrays[f], rows, ids, 0) for f in (0, 1)))
        rows, ids = rows[near >= threshold - 1], ids[near >= threshold - 1]
        # the same name run together scores 100 whatever its words
        same = [
            (r, c) for r, n in enumerate(closed) for c in self._exact.get(qkeys[n].compact, []) if self._rank[0][c] >= 0
        ]
        rows = np.concatenate([rows, np.array([r for r, _ in same], dtype=np.int64)])
        ids = np.concatenate([ids, np.array([c for _, c in same], dtype=np.int64)])
        forms = [(q.sorted, q.compact) for q in (qkeys[n] for n in closed)]
        scores = [self._pairs([q[f] for q in forms], self._key_arrays[f], rows, ids, threshold) for f in (0, 1)]
        for r, c, s0, s1 in zip(rows.tolist(), ids.tolist(), scores[0].tolist(), scores[1].tolist(), strict=True):
            if s0 or s1:
                found[closed[r]][c] = [s0, s1]
        return [self._order(got) for got in found]

    def _scan_sizes(self, qkeys: list[Key], threshold: int) -> list[int]:
        """How many names a scan scores for each input (those of a length within reach)."""
        lo_f, hi_f = threshold / (200 - threshold), (200 - threshold) / max(threshold, 1)
        total = np.zeros(len(qkeys), dtype=np.int64)
        for form, (lengths, _, _) in self._by_length.items():
            n = np.array([len(getattr(q, form)) for q in qkeys], dtype=np.float64)
            total += np.searchsorted(lengths, n * hi_f + 1, "right") - np.searchsorted(lengths, n * lo_f - 1, "left")
        return total.tolist()

    def _order(self, got: dict[int, list[int]]) -> dict[int, int]:
        """Each key's better score of its two forms, in scan order: the keys met on the words
        sorted first, then those met only run together, each by its place among the keys."""
        rank = self._rank
        first = sorted(got, key=lambda c: (0, int(rank[0, c])) if got[c][0] else (1, int(rank[1, c])))
        return {c: max(got[c]) for c in first}

    @staticmethod
    def _pairs(queries: list[str], keys: np.ndarray, rows: np.ndarray, ids: np.ndarray, cutoff: int) -> np.ndarray:
        """The Indel ratio of each (input, key) pair: as ``cdist`` gives it with a cutoff, else exact."""
        if not len(rows):
            return np.zeros(0)
        a = np.array(queries, dtype=object)[rows]
        if cutoff:
            return process.cpdist(a, keys[ids], scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
        return process.cpdist(a, keys[ids], scorer=fuzz.ratio, dtype=np.float64, workers=-1)

    def _scan(
        self, qkeys: list[Key], threshold: int, by_length: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]
    ) -> list[dict[int, list[int]]]:
        """Per input, the keys of ``by_length`` whose sorted or run-together form scores at least
        ``threshold`` (their score in each form, 0 below it): every key of a length that can reach it.

        Inputs are grouped by length and compared only with keys whose length allows the score
        (an Indel ratio of t needs the shorter string to be at least t/(200-t) of the longer)."""
        out: list[dict[int, list[int]]] = [{} for _ in qkeys]
        lo_f, hi_f = threshold / (200 - threshold), (200 - threshold) / max(threshold, 1)
        for f, (form, (lengths, order, strings)) in enumerate(by_length.items()):
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
                    out[members[r]].setdefault(int(order[lo + c]), [0, 0])[f] = v
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
                final = score - (COUNTRY_PENALTY if disagrees(country, e) else 0)
                if final >= threshold and (e.party not in best or final > best[e.party][0]):
                    best[e.party] = (final, c, e, core)
        ranked = sorted(best.values(), key=lambda b: (-b[0], b[2].name, b[2].party))[:limit]
        return [explain(self.core, raw, q, self.keys[c], e, final, core, country) for final, c, e, core in ranked]

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
