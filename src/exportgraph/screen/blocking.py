"""Candidate blocking: the index keys whose distinctive words can reach the threshold, found
without scoring every name (see :mod:`exportgraph.screen`).

A name as written scores at most its distinctive words' score (``Index.core``) unless the two names
are the same run together; so a key whose core is not within reach of the input's core can never
match, and need not be scored. Which cores are within reach: an Indel ratio of at least ``t``
between strings of lengths ``a`` and ``b`` allows at most ``d = (101 - t) * (a + b) // 100``
insertions and deletions (one point of slack for rounding; ``d`` has the parity of ``a + b``), so
the two share a subsequence that each reaches by leaving out letters, ``d`` in all. A short core
(few variants: ``deletions``) is kept as every string it leaves when that many of its letters are
left out, and an input probes with its own such strings. A longer one is cut, as PassJoin does, into
``d + 1`` segments: ``d`` edits break at most ``d`` of them, so one is left whole and stands in the
input's core, shifted by at most the edits before it; it is cut once for each ``d`` its length can
meet. Each variant or segment is kept as a 64-bit hash of (form, length, d, segment number, text) in
one sorted array, and all inputs probe it in one ``searchsorted``. A hash collision only adds a
candidate; the candidates are then scored like the exhaustive path scores every key. Nothing at the
threshold is lost: the tests compare both paths (``Index.match(..., exhaustive=True)``) on generated
names and on the bundled graph's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from math import comb

import numpy as np

FLOOR = 75  # below this threshold the segments get too short to block: every key is scored
MAX_VARIANTS = 64  # a key whose core has at most this many deletion variants is found by them
VARIANT = 255  # in place of ``d`` in a deletion variant's hash
PROBE_COST = 200  # a probe costs about as much as scoring this many names: an input with more is scanned


@cache
def edits(a: int, b: int, threshold: int) -> int | None:
    """The most insertions and deletions between strings of lengths ``a`` and ``b`` that leave an
    Indel ratio of ``threshold`` within reach (rounding included); None when none does."""
    total = a + b
    d = (101 - threshold) * total // 100
    if (d - total) % 2:
        d -= 1
    return d if d >= abs(a - b) else None


@cache
def segments(length: int, d: int) -> tuple[tuple[int, int], ...]:
    """``d + 1`` segments of a string of this length, as (start, size): the shorter ones first."""
    n = d + 1
    size, longer = divmod(length, n)
    out, start = [], 0
    for i in range(n):
        s = size + (1 if i >= n - longer else 0)
        out.append((start, s))
        start += s
    return tuple(out)


@cache
def cuts(length: int, threshold: int) -> tuple[int, ...]:
    """Every ``d`` a key of this length can meet (the inputs whose length is within reach)."""
    found = {edits(q, length, threshold) for q in range(1, 3 * length + 4)}
    return tuple(sorted(d for d in found if d is not None))


@cache
def probes(q: int, k: int, threshold: int) -> tuple[tuple[int, int, int, int], ...]:
    """Where an input's core of length ``q`` is read for a key's core of length ``k``: (d, segment,
    start in the input, size); a segment left whole is shifted by the net edits before it, and the
    edits before and after add up to at most ``d``."""
    d = edits(q, k, threshold)
    if d is None:
        return ()
    out = []
    slack = (d - abs(q - k)) // 2
    for i, (p, n) in enumerate(segments(k, d)):
        for shift in range(min(0, q - k) - slack, max(0, q - k) + slack + 1):
            if 0 <= p + shift <= q - n:
                out.append((d, i, p + shift, n))
    return tuple(out)


@cache
def deletions(k: int, threshold: int) -> int | None:
    """How many letters a key's core of length ``k`` may have to lose to meet an input's core
    within reach, when the variants with that many letters left out are few (``MAX_VARIANTS``):
    such a key is found by those variants instead of by its segments. None: cut into segments."""
    most = max(((k - q + d) // 2 for q in range(1, 3 * k + 4) if (d := edits(q, k, threshold)) is not None), default=0)
    return most if sum(comb(k, j) for j in range(most + 1)) <= MAX_VARIANTS else None


@cache
def _shared(q: int, k: int, threshold: int) -> tuple[int, ...]:
    """For a key found by its deletion variants: how many letters an input of length ``q`` leaves
    out so that both meet on a common subsequence (the key leaving out ``k - q`` more)."""
    d = edits(q, k, threshold)
    return () if d is None else tuple(n for n in range(d + 1) if 0 <= k - q + n and 2 * n + k - q <= d)


def variants(s: str, n: int) -> set[str]:
    """The strings left when ``n`` letters of ``s`` are left out."""
    out = {s}
    for _ in range(n):
        out = {v[:i] + v[i + 1 :] for v in out for i in range(len(v))}
    return out


def _entries(form: int, s: str, threshold: int) -> list[int]:
    """The hashes a key's core is found by: its deletion variants when its length allows, else
    its segments for every ``d`` its length can meet."""
    k = len(s)
    most = deletions(k, threshold)
    if most is not None:
        return [_hash(form, k, VARIANT, 0, v) for n in range(most + 1) for v in variants(s, n)]
    return [_hash(form, k, d, i, s[p : p + n]) for d in cuts(k, threshold) for i, (p, n) in enumerate(segments(k, d))]


def _probes(form: int, s: str, k: int, threshold: int) -> list[int]:
    """The hashes an input's core probes a key length with."""
    if deletions(k, threshold) is not None:
        return [_hash(form, k, VARIANT, 0, v) for n in _shared(len(s), k, threshold) for v in variants(s, n)]
    return [_hash(form, k, d, i, s[start : start + n]) for d, i, start, n in probes(len(s), k, threshold)]


@cache
def _probe_count(q: int, k: int, threshold: int) -> int:
    if deletions(k, threshold) is not None:
        return sum(comb(q, n) for n in _shared(q, k, threshold))
    return len(probes(q, k, threshold))


def _hash(form: int, k: int, d: int, i: int, text: str) -> int:
    """A segment's hash: the same in every process (Python hashes a tuple of integers without a
    seed), so a kept index can be read again."""
    return hash(((form << 40) | (k << 24) | (d << 16) | i, int.from_bytes(text.encode(), "little")))


class Blocks:
    """The segments of every key's core, for one threshold; ``candidates`` gives, per input core,
    the keys whose core may be within reach."""

    def __init__(self, cores: Sequence[tuple[str, str] | None], threshold: int) -> None:
        self.threshold = threshold
        hashes: list[int] = []
        ids: list[int] = []
        lengths: list[set[int]] = [set(), set()]
        for c, core in enumerate(cores):
            if core is None:
                continue
            for form, s in enumerate(core):
                k = len(s)
                lengths[form].add(k)
                for h in _entries(form, s, threshold):
                    hashes.append(h)
                    ids.append(c)
        order = np.argsort(np.array(hashes, dtype=np.int64), kind="stable")
        self.hashes = np.array(hashes, dtype=np.int64)[order]
        self.ids = np.array(ids, dtype=np.int64)[order]
        self.lengths = [sorted(x) for x in lengths]
        self._counts: dict[tuple[int, int], int] = {}
        self._near_lengths: dict[tuple[int, int], list[int]] = {}

    def cost(self, core: tuple[str, str]) -> int:
        """How many substrings an input's core is probed with (what ``candidates`` costs for it)."""
        total = 0
        for form, s in enumerate(core):
            q = len(s)
            if (form, q) not in self._counts:
                self._counts[form, q] = sum(_probe_count(q, k, self.threshold) for k in self._near(form, q))
            total += self._counts[form, q]
        return total

    def _near(self, form: int, q: int) -> list[int]:
        """The lengths of the keys' cores (in this form) that an input's core of length ``q`` can meet."""
        if (form, q) not in self._near_lengths:
            t = self.threshold
            lo, hi = q * (t - 1) // (201 - t) - 1, q * (201 - t) // max(t - 1, 1) + 1
            self._near_lengths[form, q] = [k for k in self.lengths[form] if lo <= k <= hi]
        return self._near_lengths[form, q]

    def candidates(self, cores: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """(input number, key) pairs, each once: the keys whose core may be within reach of each
        input's core (words sorted, and run together)."""
        t = self.threshold
        rows: list[int] = []
        found: list[int] = []
        for row, core in enumerate(cores):
            seen: set[int] = set()
            for form, s in enumerate(core):
                q = len(s)
                for k in self._near(form, q):
                    seen.update(_probes(form, s, k, t))
            rows.extend([row] * len(seen))
            found.extend(seen)
        keys = np.array(found, dtype=np.int64)
        left = np.searchsorted(self.hashes, keys, "left")
        counts = np.searchsorted(self.hashes, keys, "right") - left
        total = int(counts.sum())
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        ends = np.cumsum(counts)
        at = np.repeat(left - (ends - counts), counts) + np.arange(total)
        pairs = np.unique((np.repeat(np.array(rows, dtype=np.int64), counts) << 32) | self.ids[at])
        return pairs >> 32, pairs & 0xFFFFFFFF
