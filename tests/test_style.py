"""The house rules that a reader of the code relies on: the code is linted, formatted and type-checked
(the same commands a contributor runs), the environment is read in one module, and the front ends
share their JSON contracts rather than importing each other."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "exportgraph"
CODE = ["src", "tests", "benchmarks"]


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("cmd", [["ruff", "check", *CODE], ["ruff", "format", "--check", *CODE]], ids=" ".join)
def test_ruff(cmd):
    if shutil.which("ruff") is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    done = run(*cmd)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy():
    done = run(sys.executable, "-m", "mypy", "--no-incremental")  # [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_only_settings_reads_the_environment():
    readers = []
    for path, tree in _modules():
        if path.name == "settings.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv", "putenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []


def test_the_server_does_not_import_the_cli():
    # the JSON contracts the two share live in exportgraph.present
    for path, tree in _modules():
        if "server" not in path.relative_to(PACKAGE).parts[:-1]:  # the modules of exportgraph.server
            continue
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert "cli" not in imported and "exportgraph.cli" not in imported
