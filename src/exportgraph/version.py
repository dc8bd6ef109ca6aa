"""The installed package's version (``0.0.0+checkout`` when run from a checkout without installing)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exportgraph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+checkout"
