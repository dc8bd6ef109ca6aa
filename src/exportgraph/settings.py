"""Every environment variable exportgraph reads, with its default; nothing else reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data_dir() -> Path:
    """Where ``exportgraph build`` finds the public datasets (``EXPORTGRAPH_DATA_DIR``).

    The default is the ``shared/data`` folder beside a checkout, which is where the project keeps them.
    """
    env = os.environ.get("EXPORTGRAPH_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"
