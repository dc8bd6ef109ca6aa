from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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


# -- persistent stores (--store), for the import tests --

def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exportgraph", *args], capture_output=True, text=True,
                          timeout=timeout)


def info(store: Path) -> dict:
    done = cli("info", "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """A store initialised once (ontology, bundled graph, derived facts); tests copy it."""
    store = tmp_path_factory.mktemp("template") / "store"
    info(store)
    return store


@pytest.fixture
def store(template, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(template, copy)
    return copy
