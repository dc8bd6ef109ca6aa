"""The one exception hierarchy. The CLI maps ``InputError`` to exit code 2; the server answers each
error with its ``status`` (500, the base class's, for a fault of the server's own)."""

from __future__ import annotations

from collections.abc import Callable


class ExportGraphError(Exception):
    """Base class of every error exportgraph raises on purpose."""

    status = 500  # the HTTP status the server answers it with


class InputError(ExportGraphError):
    """Bad input from the user: a file, a row, a date, a name or a query; the message names the place."""

    status = 400

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, column: str | None = None
    ) -> None:
        self.source, self.line, self.column = source, line, column
        where = ":".join(str(p) for p in (source, line) if p is not None)
        if column:
            where = f"{where} column {column!r}" if where else f"column {column!r}"
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(ExportGraphError):
    """A name or IRI that matches nothing in the graph."""

    status = 404


class AmbiguousError(ExportGraphError):
    """A name that matches several parties; the message lists them."""

    status = 404

    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        self.candidates = candidates
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates[:10])
        super().__init__(f"{name!r} matches {len(candidates)} parties: {listed}")


class ParameterError(InputError):
    """A bad value of a parameter of the API. The message names each parameter as ``{name}`` in
    ``template``: the API spells it as the parameter (``until``), the CLI as its option (``--until``)
    with ``render``, so neither reads the other's wording."""

    def __init__(self, template: str, *names: str, **values: object) -> None:
        self.template, self.names, self.values = template, names, values
        super().__init__(self.render(lambda name: name))

    def render(self, spell: Callable[[str], str]) -> str:
        """The message with each parameter spelled by ``spell`` (a CLI gives its option's name)."""
        return self.template.format(**{n: spell(n) for n in self.names}, **self.values)
