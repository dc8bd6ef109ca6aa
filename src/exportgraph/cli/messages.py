"""The facade's errors in the command's words: a ``ParameterError`` names the parameters of the
Python API (``until``, ``list_name``, ``fmt``); the command shows the flag that sets each one."""

from __future__ import annotations

from ..errors import InputError, ParameterError

# the API's parameter -> the flag that sets it, where the two are not spelled alike
FLAGS = {"list_name": "--list", "fmt": "--format"}


def flag(parameter: str) -> str:
    """The option that sets a parameter of the API: ``--list`` for ``list_name``, else ``--name``."""
    return FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def input_message(exc: InputError, text: str) -> str:
    """The text of an ``InputError`` as shown (``text``: as standard input names it): a
    ``ParameterError`` with each parameter spelled as its flag."""
    return exc.render(flag) if isinstance(exc, ParameterError) else text
