from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@pytest.fixture
def cli_bundled(bundled, monkeypatch) -> ExportGraph:
    """In-process CLI calls (``exportgraph.cli.main``) that would open the bundled graph afresh (no
    ``--data``, ``--store`` or ``--endpoint``) are given the session's ``bundled`` graph instead: the
    same graph, not parsed again for every call (4 s each). The verbs only read it (orders go to
    the transient orders graph, a scenario to a copy). The real open is what the ``bundled``
    fixture and the tests that run ``python -m exportgraph`` in a process of its own exercise.
    Within a test, calls with the same ``--data`` files (the same bytes) share one graph too."""
    import importlib
    import pkgutil

    from exportgraph.cli import commands, common

    real = common.open_graph
    opened: dict[tuple, ExportGraph] = {}

    def shared(args, *, light: bool = False) -> ExportGraph:
        # (a light open, the snapshot's copy on disk, answers as the bundled graph does: tests/test_cold.py)
        if any(getattr(args, name, None) for name in ("endpoint", "update_endpoint", "graph", "store")):
            return real(args, light=light)
        if not args.data:
            return bundled
        key = tuple((str(p), Path(p).read_bytes() if Path(p).is_file() else None) for p in args.data)
        if key not in opened:
            opened[key] = real(args, light=light)  # (a file that does not load raises here, each time)
        return opened[key]

    for found in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{found.name}")
        if getattr(module, "open_graph", None) is real:
            monkeypatch.setattr(module, "open_graph", shared)
    monkeypatch.setattr(common, "open_graph", shared)
    return bundled


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


# -- programs some tests need besides Python --

INSTALL = {  # what a Debian machine installs (.ci/run does)
    "java": "a Java runtime (17 or later) for the HermiT reasoner and Spark: apt-get install default-jre-headless",
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


# -- the fuzz tests' (test_fuzz.py, test_fuzz_inputs.py) --


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture
def rule_pages_once(monkeypatch):
    """The curated rules' pages, read once rather than for every input (they do not change)."""
    from exportgraph import build

    monkeypatch.setattr(build, "rule_pages", functools.cache(build.rule_pages))


@pytest.fixture
def memory_cap():
    """An address-space limit 4 GiB above what the process holds, while readers are fuzzed: a
    reader whose memory grows without bound (ijson's prefixes take memory quadratic in the nesting
    depth: 100 kB of brackets would take tens of GB) fails with a MemoryError instead of taking the
    machine's memory."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status")
    size = (
        next(
            (int(line.split()[1]) * 1024 for line in status.read_text().splitlines() if line.startswith("VmSize:")),
            None,
        )
        if status.exists()
        else None
    )
    if size is None:
        yield
        return
    cap = size + 4 * 2**30 if hard == resource.RLIM_INFINITY else min(size + 4 * 2**30, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def serving(app) -> Iterator[str]:
    """``exportgraph serve``'s server for ``app`` on a free loopback port, in a thread, for the
    duration; yields its base URL (no trailing slash). The app is closed afterwards."""
    from exportgraph.server import make_server

    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        app.close()
