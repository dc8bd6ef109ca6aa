"""The command names flags where the facade's messages name its parameters (issue 21)."""

import pytest

from exportgraph.cli.messages import flagged, input_message
from exportgraph.errors import InputError


@pytest.mark.parametrize(
    "message",
    [
        "--until 2025-01-01 is before --since 2025-02-01",
        "--list: unknown 'x'; expected one of entity-list, meu-list",
        "--depth must be 0 or more, not -1",
        "--format: unknown 'gif'; expected html, svg or png",
        "orders.csv:3: until is not a column",
        "depthless message",
    ],
)
def test_todays_messages_are_shown_as_they_are(message):
    assert flagged(message) == message


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("until 2025-01-01 is before since 2025-02-01", "--until 2025-01-01 is before --since 2025-02-01"),
        ("list_name: unknown 'x'; expected one of a, b", "--list: unknown 'x'; expected one of a, b"),
        ("depth must be 0 or more, not -1", "--depth must be 0 or more, not -1"),
        ("fmt: unknown 'gif'; expected html, svg or png", "--format: unknown 'gif'; expected html, svg or png"),
    ],
)
def test_a_parameter_name_is_shown_as_its_flag(message, shown):
    assert flagged(message) == shown


def test_a_message_about_a_file_is_not_reworded():
    about_a_file = InputError("unknown 'x'", source="list_name")
    assert input_message(about_a_file, str(about_a_file)) == "list_name: unknown 'x'"
    from_the_facade = InputError("list_name: unknown 'x'")
    assert input_message(from_the_facade, str(from_the_facade)) == "--list: unknown 'x'"
