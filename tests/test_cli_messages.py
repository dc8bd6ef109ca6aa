"""The command names flags where the facade's messages name its parameters (issue 21)."""

import datetime as dt
import subprocess
import sys

import pytest

from exportgraph.cli.messages import flag, input_message
from exportgraph.errors import InputError, ParameterError


def test_a_parameter_is_shown_as_the_flag_that_sets_it():
    error = ParameterError("{until} {u} is before {since} {s}", "until", "since", u="2025-01-01", s="2025-02-01")
    assert str(error) == "until 2025-01-01 is before since 2025-02-01"  # what a Python caller reads
    assert input_message(error, str(error)) == "--until 2025-01-01 is before --since 2025-02-01"
    listed = ParameterError("{list_name}: unknown {name!r}", "list_name", name="x")
    assert input_message(listed, str(listed)) == "--list: unknown 'x'"
    assert flag("fmt") == "--format" and flag("max_hops") == "--max-hops"


def test_a_value_with_braces_is_shown_as_given():
    error = ParameterError("{depth} must be 0 or more, not {value}", "depth", value="{-1}")
    assert input_message(error, str(error)) == "--depth must be 0 or more, not {-1}"


def test_other_input_errors_are_shown_as_they_are():
    about_a_file = InputError("unknown 'x'", source="list_name")
    assert input_message(about_a_file, str(about_a_file)) == "list_name: unknown 'x'"


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (
            ["changes", "--list", "entity-list", "--since", "2025-03-01", "--until", "2025-01-01"],
            "--until 2025-01-01 is before --since 2025-03-01",
        ),
        (["changes", "--list", "no-such-list", "--since", "2025-01-01"], "--list: unknown 'no-such-list'"),
    ],
)
def test_the_command_names_its_flags(argv, shown):
    done = subprocess.run([sys.executable, "-m", "exportgraph", *argv], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert shown in done.stderr, done.stderr


def test_the_api_names_its_parameters(bundled):
    with pytest.raises(ParameterError, match=r"^until 2025-01-01 is before since 2025-03-01$"):
        bundled.changes("entity-list", dt.date(2025, 3, 1), dt.date(2025, 1, 1))
