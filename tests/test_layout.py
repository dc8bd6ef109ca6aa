"""The package's layout: no import cycles between its modules (at import time), and SPARQL lives
in ``queries/``, not in Python strings."""

from __future__ import annotations

import ast
from pathlib import Path

import exportgraph

PACKAGE = Path(exportgraph.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports_at_load(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports when it is loaded: module-level imports, not
    those inside functions or under ``if TYPE_CHECKING``."""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    deps: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for n in ast.walk(node):
            if isinstance(n, ast.ImportFrom):
                if n.level:
                    target = ".".join(base[: len(base) - n.level + 1] + ([n.module] if n.module else []))
                else:
                    target = n.module or ""
                subs = {f"{target}.{a.name}" for a in n.names} & known
                deps |= subs
                if target in known and len(subs) < len(n.names):
                    deps.add(target)
            elif isinstance(n, ast.Import):
                deps |= {a.name for a in n.names} & known
    return deps - {module}


def test_no_import_cycles():
    modules = _modules()
    graph = {m: _imports_at_load(m, p, set(modules)) for m, p in modules.items()}
    assert graph["exportgraph.api"], "the import graph was not read"  # the check itself works

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for dep in graph[node]:
                if dep == start:
                    return trail + [start]
                if dep not in seen:
                    seen.add(dep)
                    stack.append((dep, trail + [dep]))
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m))]
    assert not cycles, "import cycle: " + " -> ".join(cycles[0])
