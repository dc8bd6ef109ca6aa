"""Why a screening hit matched: the reasons a person reads beside the score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .normalise import Key

COUNTRY_PENALTY = 10


@dataclass(frozen=True)
class Entry:
    party: str
    name: str  # the party's primary name
    matched: str  # the name or alias that matched
    kind: str  # name, alias or native name
    countries: tuple[str, ...]

    def __reduce__(self) -> tuple[type[Entry], tuple[str, str, str, str, tuple[str, ...]]]:
        return Entry, (self.party, self.name, self.matched, self.kind, self.countries)  # a kept index loads fast


@dataclass
class Hit:
    party: str
    name: str
    matched_name: str
    matched_kind: str
    score: int
    why: list[str] = field(default_factory=list)
    countries: tuple[str, ...] = ()


def explain(
    distinctive: Callable[[Key], Key | None],
    raw: str,
    q: Key,
    key: Key,
    e: Entry,
    score: int,
    core: int | None,
    country: str | None,
) -> Hit:
    """The hit of ``raw`` (normalised ``q``) on the party entry ``e`` through its key ``key``, with the
    reasons why: which forms met, the ``core`` score of the ``distinctive`` words, the scripts, the country."""
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
        qc, kc = distinctive(q), distinctive(key)
        why.append(
            f"distinctive words ({' '.join(qc.words) if qc else 'none'!r} vs "
            f"{' '.join(kc.words) if kc else 'none'!r}) score {core}/100"
        )
    scripts = sorted(set(q.scripts) | set(key.scripts))
    if scripts:
        plain = " in plain pinyin" if "pinyin" in (q.form, key.form) else ""
        why.append(f"compared in Latin transliteration{plain} ({', '.join(scripts)} script)")
    if disagrees(country, e):
        why.append(f"country {country} is not the party's ({', '.join(e.countries)}): -{COUNTRY_PENALTY}")
    return Hit(e.party, e.name, e.matched, e.kind, score, why, e.countries)


def disagrees(country: str | None, e: Entry) -> bool:
    return bool(country and e.countries and country.upper() not in e.countries)
