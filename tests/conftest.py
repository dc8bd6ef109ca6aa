from __future__ import annotations

import pytest

from exportgraph import ExportGraph


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current query results")


@pytest.fixture(scope="session")
def bundled() -> ExportGraph:
    """The bundled graph, opened once for the session (read-only in tests)."""
    return ExportGraph.open()


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
