"""The RDF behind the view (``queries/export/describe.rq``) as JSON-LD or Turtle."""

from __future__ import annotations

import pyoxigraph as ox

from ..prefixes import PREFIXES

FORMATS = {"jsonld": ox.RdfFormat.JSON_LD, "turtle": ox.RdfFormat.TURTLE}


def serialize(ntriples: bytes, fmt: str) -> bytes:
    triples = list(dict.fromkeys(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)))  # each triple once
    return ox.serialize(triples, format=FORMATS[fmt], prefixes=dict(PREFIXES)) or b""
