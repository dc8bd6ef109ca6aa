from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The bundled graph's snapshot (exportgraph.snapshot) goes to a folder of this run, never to the
# user's ~/.cache: made by the process that starts the run, inherited by the xdist workers and the
# CLI in subprocesses, removed by its maker at the end. Set before exportgraph is imported.
if "EXPORTGRAPH_TEST_RUN" not in os.environ:
    import atexit
    import tempfile

    os.environ["EXPORTGRAPH_TEST_RUN"] = str(os.getpid())
    os.environ["EXPORTGRAPH_CACHE"] = tempfile.mkdtemp(prefix="exportgraph-test-cache-")
    atexit.register(shutil.rmtree, os.environ["EXPORTGRAPH_CACHE"], True)

from exportgraph import ExportGraph  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*.json from the current query results"
    )


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    """Tables wrap to COLUMNS when it is set, and pytest-xdist sets it (80) in its workers: each
    test starts without it, as on a pipe; a test of wrapping sets its own."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="session")
def bundled() -> ExportGraph:
    """The bundled graph, opened once for the session (read-only in tests)."""
    return ExportGraph.open()


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


# -- programs some tests need besides Python --

INSTALL = {  # what a Debian machine installs (.ci/run does)
    "java": "a Java runtime for the HermiT reasoner: apt-get install default-jre-headless",
    "dot": "Graphviz: apt-get install graphviz",
    "chromium": "Chromium for the picture's browser tests: apt-get install chromium",
}


def missing(program: str, detail: str = "") -> None:
    """Skip the test, saying what to install; a failure where EXPORTGRAPH_REQUIRE_PROGRAMS=1
    (set by .ci/run, which installs everything: there a skip would hide a broken install)."""
    message = f"{program} is not available{f' ({detail})' if detail else ''}; install {INSTALL[program]}"
    if os.environ.get("EXPORTGRAPH_REQUIRE_PROGRAMS") == "1":
        pytest.fail(f"{message} (EXPORTGRAPH_REQUIRE_PROGRAMS=1)", pytrace=False)
    pytest.skip(message)


def pytest_runtest_setup(item):
    for mark in item.iter_markers("needs"):
        for program in mark.args:
            if shutil.which(program) is None:
                missing(program)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (tests/browser.py); CI installs Chromium."""
    from browser import Browser, BrowserUnavailable

    try:
        b = Browser()
    except BrowserUnavailable as e:
        missing("chromium", str(e))
    with b:
        yield b


# -- persistent stores (--store), for the import tests --


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exportgraph", *args], capture_output=True, text=True, timeout=timeout)


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
