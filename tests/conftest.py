from __future__ import annotations

import os

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


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (tests/browser.py); CI installs Chromium."""
    from browser import Browser, BrowserUnavailable

    try:
        b = Browser()
    except BrowserUnavailable as e:
        if os.environ.get("EXPORTGRAPH_SKIP_BROWSER") == "1":
            pytest.skip(f"{e} (EXPORTGRAPH_SKIP_BROWSER=1)")
        pytest.fail(
            f"{e}: install Chromium (Debian: apt-get install chromium) or set EXPORTGRAPH_SKIP_BROWSER=1", pytrace=False
        )
    with b:
        yield b
