"""Screening names against the graph: each input's matches in the name index, with each matched
party's list entries and where it stands under the 50% rule on the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from ..model import Input, Match, Screening
from ..parties import Parties
from .explain import Hit
from .index import DEFAULT_THRESHOLD
from .inputs import read_inputs


def screen(
    parties: Parties,
    names: str | Path | Iterable[str | dict[str, str] | Input],
    *,
    threshold: int | None,
    as_of: dt.date | None,
    limit: int,
    match: Callable[..., list[list[Hit]]] | None = None,
) -> list[Screening]:
    """A names CSV, one name, or a list of names, dicts (``name``, ``country``, ``id``) or ``Input``s,
    each match with where the party stands on ``as_of`` (``None``: today). ``match`` scores them
    (``Index.match``'s arguments, the index first): the index's own by default, or
    ``spark.screen.match`` (``screen --engine spark``)."""
    inputs = read_inputs(names, parties.country_codes())
    index = parties.names.get()
    hits = (match or type(index).match)(
        index,
        [i.name for i in inputs],
        [i.country for i in inputs],
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        limit=limit,
    )
    return screenings(parties, inputs, hits, as_of or dt.date.today())


def screenings(parties: Parties, inputs: list[Input], hits: list[list[Hit]], as_of: dt.date) -> list[Screening]:
    """Each input with its hits (``Index.match``'s answer, in the inputs' order) as matches, each
    with the party's list entries and where it stands under the 50% rule on the date: what every
    way of screening returns (``match`` scoring here or on Spark)."""
    found = {h.party for hs in hits for h in hs}
    lists = parties.listings(found, as_of)
    standing = parties.affiliates(found, as_of)
    return [
        Screening(
            i,
            tuple(
                Match(
                    h.party,
                    h.name,
                    h.matched_name,
                    h.matched_kind,
                    h.score,
                    tuple(h.why),
                    h.countries,
                    lists.get(h.party, ()),
                    standing[h.party],
                )
                for h in hs
            ),
        )
        for i, hs in zip(inputs, hits, strict=True)
    ]
