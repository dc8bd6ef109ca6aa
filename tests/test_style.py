"""The house rules that a reader of the code relies on: the code is linted, formatted and type-checked
(the same commands a contributor runs), the environment is read in one module, and the front ends
share their JSON contracts rather than importing each other."""

from __future__ import annotations

import ast
import json
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


# -- size: no module above 400 lines, no function above 60 lines or of cyclomatic complexity above 15 --

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60  # from the ``def`` line to the last line, docstring included, decorators not
MAX_COMPLEXITY = 15  # ruff's C901 (mccabe)

# Exceptions to the limits, each with the reason it is one ({"exportgraph.x:f": "why"}). None today:
# every module and function is within them (issue 21). Add one only with a reason a reviewer accepts.
LONG_MODULES: dict[str, str] = {}
LONG_FUNCTIONS: dict[str, str] = {}
COMPLEX_FUNCTIONS: dict[str, str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _functions() -> dict[tuple[Path, int], tuple[str, int]]:
    """Every function and method of the package: (file, line of its ``def``) -> ("module:Qual.name", lines)."""
    out: dict[tuple[Path, int], tuple[str, int]] = {}

    def visit(node: ast.AST, path: Path, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    out[path.resolve(), child.lineno] = (
                        f"{_module_name(path)}:{name}",
                        child.end_lineno - child.lineno + 1,
                    )
                visit(child, path, name + ".")
            else:
                visit(child, path, prefix)

    for path, tree in _modules():
        visit(tree, path, "")
    return out


def test_no_module_is_too_long():
    too_long = {}
    for path, _ in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and _module_name(path) not in LONG_MODULES:
            too_long[_module_name(path)] = lines
    assert too_long == {}, f"modules above {MAX_MODULE_LINES} lines: split them"


def test_no_function_is_too_long():
    too_long = {
        name: lines
        for name, lines in _functions().values()
        if lines > MAX_FUNCTION_LINES and name not in LONG_FUNCTIONS
    }
    assert too_long == {}, f"functions above {MAX_FUNCTION_LINES} lines: split them"


def test_no_function_is_too_complex():
    if shutil.which("ruff") is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    done = run(
        "ruff",
        "check",
        "--select",
        "C901",
        "--config",
        f"lint.mccabe.max-complexity={MAX_COMPLEXITY}",
        "--output-format",
        "json",
        "--no-cache",
        str(PACKAGE),
    )
    assert done.returncode in (0, 1), done.stderr
    functions = _functions()
    too_complex = {}
    for found in json.loads(done.stdout):
        where = (Path(found["filename"]).resolve(), found["location"]["row"])
        name = functions[where][0] if where in functions else f"{where[0]}:{where[1]}"
        if name not in COMPLEX_FUNCTIONS:
            too_complex[name] = found["message"]
    assert too_complex == {}, f"functions of cyclomatic complexity above {MAX_COMPLEXITY}: split them"


def test_the_size_allowlists_name_what_exists():
    # a module or function that moved or was renamed leaves its list rather than stay as a stale name
    modules = {_module_name(path) for path, _ in _modules()}
    functions = {name for name, _ in _functions().values()}
    assert sorted(set(LONG_MODULES) - modules) == []
    assert sorted((set(LONG_FUNCTIONS) | set(COMPLEX_FUNCTIONS)) - functions) == []
