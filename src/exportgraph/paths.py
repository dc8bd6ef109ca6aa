"""Finds ontology/, shapes/, queries/ and graph/ in an installed wheel or in a checkout.

The wheel carries them under ``exportgraph/_data/``; an editable install or a checkout reads them
from the repository root, so edits show without reinstalling.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _root() -> Path:
    bundled = _PACKAGE / "_data"
    return bundled if (bundled / "ontology").is_dir() else _CHECKOUT


ROOT = _root()
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = ROOT / "queries"
GRAPH = ROOT / "graph"
GENERATED = GRAPH / "generated"
CURATED = GRAPH / "curated"


def ontology_files() -> list[Path]:
    return sorted(ONTOLOGY.glob("*.ttl"))


def graph_files() -> list[Path]:
    return sorted(GRAPH.glob("*/*.ttl"))


def shape_files() -> list[Path]:
    """The data-quality shapes (the restriction shapes over orders are in ``RESTRICTIONS``)."""
    return sorted(SHAPES.glob("*.ttl"))


RESTRICTIONS = SHAPES / "restrictions"  # one file per rule id, and prefixes.ttl


def restriction_files() -> list[Path]:
    """The export restriction shapes over orders: one file per rule id."""
    return sorted(RESTRICTIONS.glob("*.ttl"))
