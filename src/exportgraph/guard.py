"""What a SPARQL request would make the engine fetch from elsewhere: ``SERVICE`` (federated query,
anywhere in the query, ``SILENT`` or not, an IRI or a variable) and ``LOAD`` in updates.

The server refuses both unless ``--allow-service`` names the endpoint, so that a client can never
make it open a connection to an address of the client's choosing (internal services, cloud
metadata). The text is read as the SPARQL grammar reads it, not searched for a word: a string,
an IRI or a comment that says "service" is no federated query. Codepoint escapes (``\\u0053``) are
replaced first, as the SPARQL 1.1 grammar (section 19.2) and the engine do. A text that names
neither keyword in any letter case is not parsed at all (the usual case, and a fast one); a text
that does and cannot be parsed is refused too, since what it would do cannot be known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_CHECKED = 500_000  # characters of a request that names SERVICE or LOAD that are parsed to check it
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _ESCAPE.sub(one, text)


def _walk(node) -> Iterable:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):  # rdflib's CompValue is a dict with a name
            yield n
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)) or type(n).__name__ == "ParseResults":
            stack.extend(list(n))


def outbound(text: str, *, update: bool = False, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why the request would reach outside the server (a sentence for a 400), or None."""
    variants = {text, _unescape(text)}
    words = ("service", "load") if update else ("service",)
    if not any(w in v.lower() for v in variants for w in words):
        return None
    if len(text) > MAX_CHECKED:
        return (
            f"the request mentions SERVICE or LOAD and is over {MAX_CHECKED} characters, too long to check "
            "where it would connect"
        )
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    for v in variants:
        try:
            tree = parser.parseUpdate(v) if update else parser.parseQuery(v)
        except (ParseException, ValueError, TypeError, RecursionError, AttributeError, KeyError) as exc:
            return (
                "the request mentions SERVICE or LOAD and could not be read to check where it would "
                f"connect: {str(exc)[:200]}"
            )
        for n in _walk(tree):
            name = getattr(n, "name", "")
            if name == "ServiceGraphPattern":
                term = n.get("term")
                iri = str(term) if type(term).__name__ == "URIRef" else None
                if iri is None or iri not in allowed:
                    where = f"<{iri}>" if iri else "an endpoint given by a variable or a prefixed name"
                    return f"federated queries (SERVICE) are refused: this server does not connect to {where}" + (
                        f"; allowed: {', '.join(sorted(allowed))}"
                        if allowed
                        else "; start it with --allow-service ENDPOINT to allow one"
                    )
            elif name == "Load":
                return "LOAD is refused: this server does not fetch documents; send the data in an INSERT DATA"
    return None
