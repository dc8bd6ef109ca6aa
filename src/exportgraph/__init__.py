"""exportgraph: a knowledge graph of AI-chip export controls."""

from __future__ import annotations

from .api import ExportGraph
from .version import __version__

__all__ = ["ExportGraph", "__version__"]
