"""Hostile input, continued from ``test_fuzz.py`` (whose hostile values and settings this module
uses): ``--as-of`` and dates, and names given to ``screen``. A module of its own so that
``--dist loadfile`` can spread the fuzz tests over the two workers (``test_fuzz_inputs.py`` has
the rest).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import cli
from hypothesis import example, given
from hypothesis import strategies as st
from test_fuzz import (
    BATCH,
    EXAMPLES,
    INJECTIONS,
    NASTY,
    fuzz,
)

from exportgraph.cli import main
from exportgraph.dates import parse_date
from exportgraph.errors import InputError

# -- 3. --as-of and dates -------------------------------------------------------------------------------

ISO_DAY = re.compile(r"[0-9]{4}-?(?:[0-9]{2}-?[0-9]{2}|W[0-9]{2}(?:-?[0-9])?)")


@fuzz(max(EXAMPLES // 4, 1))
@given(st.text() | st.sampled_from(NASTY))
@example("2025-03-25")
@example(" 2025-03-25\n")
@example("2025-02-29")
@example("\ud800")
@example("2025-03-25\x00")
def test_parse_date_gives_a_date_or_a_clear_error(text):
    try:
        day = parse_date(text, source="--as-of")
    except InputError as exc:
        assert str(exc).startswith("--as-of: ") and "YYYY-MM-DD" in str(exc)
        return
    assert ISO_DAY.fullmatch(text.strip()), text  # YYYY-MM-DD, or ISO's other forms of a day (20250325, 2025-W13-2)
    assert parse_date(day.isoformat()) == day


@fuzz(max(EXAMPLES // 10, 1))
@given(st.dates(), st.sampled_from(["", " ", "\t", "\n"]))
def test_iso_dates_round_trip(day, space):
    assert parse_date(space + day.isoformat() + space) == day


@pytest.mark.parametrize("bad", ["2025-13-45", "\x00", "' OR 1=1 --", "99999-01-01", "2025-02-30", "\ud800", ""])
def test_a_bad_as_of_exits_2_naming_it(bad, capsys):
    with pytest.raises(SystemExit) as done:
        main(["entity", "Inspur Taiwan", "--as-of", bad])
    assert done.value.code == 2 and "--as-of" in capsys.readouterr().err


def test_a_bad_as_of_in_a_real_process():
    done = cli("exposure", "Inspur Taiwan", "--as-of", "2025-02-30")
    assert done.returncode == 2 and "--as-of" in done.stderr and "'2025-02-30' is not a date" in done.stderr
    assert "Traceback" not in done.stderr


# -- 4. names given to screen -------------------------------------------------------------------------

names = st.one_of(
    st.text(max_size=60),
    st.sampled_from(INJECTIONS + NASTY),
    st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.sampled_from("ab }\"'#\\\n"),
        max_size=10,
    ),
    st.text(alphabet=st.sampled_from("\"'{}<>#?;\\\n\t ."), min_size=1, max_size=40),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "\u6d6a", '"', "} "]), st.integers(1000, 5000)),
)


@fuzz(max(EXAMPLES // 5, 1))
@given(st.lists(names, min_size=1, max_size=BATCH))
def test_screen_answers_any_name(bundled, batch):
    """Names given to ``screen`` as the CLI gives them (``--name`` once or more: dicts), or one
    name as a string: a result for each (the input as given, every match scored at least the
    threshold), or a clear error: a blank name, or one name ending in .csv, which is taken for a
    names file that is not there."""
    inputs = batch[0] if len(batch) == 1 else [{"name": n} for n in batch]
    try:
        results = bundled.screen(inputs, as_of=dt.date(2025, 10, 1))
    except InputError:
        assert any(not n.strip() for n in batch) or (len(batch) == 1 and batch[0].strip().lower().endswith(".csv"))
        return
    assert [r.input.name for r in results] == [n.strip() for n in batch]
    assert all(
        m.score >= 90 and m.party.startswith("https://w3id.org/exportgraph/id/") for r in results for m in r.matches
    )
