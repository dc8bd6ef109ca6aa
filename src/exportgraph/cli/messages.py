"""The facade's errors in the command's words: where a message names a parameter of the Python API
(``until``, ``depth``, ``list_name``, ``fmt``), the command shows the flag that sets it.

Today ``api.py`` already writes the flags (``--until 2025-01-01 is before --since 2025-02-01``), so
nothing here matches and the output is unchanged; the mapping is for the day the facade speaks in
parameter names. A message is reworded only where it *starts* with the parameter, in the forms below.
"""

from __future__ import annotations

import re

from ..errors import InputError

# the API's parameter -> the flag that sets it
FLAGS = {"until": "--until", "since": "--since", "depth": "--depth", "list_name": "--list", "fmt": "--format"}

_REWORDINGS = (
    # "until 2025-01-01 is before since 2025-02-01" (ExportGraph.changes)
    (re.compile(r"^until (\S+) is before since "), r"--until \1 is before --since "),
    # "list_name: unknown 'x'; ..." (changes), "fmt: unknown 'x'; ..." (view)
    (re.compile(r"^(list_name|fmt|until|since|depth): "), lambda m: f"{FLAGS[m.group(1)]}: "),
    # "depth must be 0 or more, not -1" (export, view)
    (re.compile(r"^(depth|until|since) (?=must |is )"), lambda m: f"{FLAGS[m.group(1)]} "),
)


def flagged(message: str) -> str:
    """``message`` with a leading API parameter name replaced by its flag."""
    for pattern, replacement in _REWORDINGS:
        message, n = pattern.subn(replacement, message, count=1)
        if n:
            return message
    return message


def input_message(exc: InputError, text: str) -> str:
    """The text of an ``InputError`` as shown: reworded only when it names no file (a message that
    starts with a file's name, ``until: ...``, is about the file)."""
    return flagged(text) if exc.source is None else text
