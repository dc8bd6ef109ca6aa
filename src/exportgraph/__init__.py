"""exportgraph: a knowledge graph of AI-chip export controls."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exportgraph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+checkout"

from .api import ExportGraph  # noqa: E402

__all__ = ["ExportGraph", "__version__"]
