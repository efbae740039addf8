"""The shape of the store (issue 13 items 1-3), read from the source: feature packages without
import circles, modules a reader can take in, and handlers that call store functions instead of
querying the database themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.kit import REPO

PACKAGE = REPO / "gridsvc"
STORE = PACKAGE / "store"
# what a web or map module may not import: the tables and Tortoise's query building
QUERY_MODULES = ("tortoise.expressions", "tortoise.functions", "tortoise.transactions", "tortoise.models")


def _modules(root: Path) -> dict[str, Path]:
    out = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imported(path: Path, module: str) -> list[tuple[str, ast.stmt, bool]]:
    """The modules `path` imports (relative imports resolved; `from pkg import sub` counts as
    pkg.sub), each with its statement and whether it sits in a function body; imports under
    `if TYPE_CHECKING:` are for annotations and do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((a.name, child, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                found.append((base, child, in_function))
                found.extend((f"{base}.{a.name}", child, in_function) for a in child.names)
            visit(child, nested)

    visit(tree, False)
    return found


def test_the_store_has_no_import_circle():
    store = _modules(STORE)
    graph = {m: {name for name, _, _ in _imported(p, m) if name in store and name != m} for m, p in store.items()}
    state: dict[str, int] = {}
    circles = []

    def walk(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                circles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                walk(n, stack + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m, [m])
    assert not circles, circles


def test_web_and_maps_leave_queries_to_the_store():
    offenders = []
    for root in (PACKAGE / "web", PACKAGE / "maps"):
        for module, path in _modules(root).items():
            for name, node, _ in _imported(path, module):
                if name.startswith(QUERY_MODULES) or (name.startswith("gridsvc.store.") and ".models" in name):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} imports {name}")
    assert not offenders, offenders


def test_store_modules_stay_short():
    too_long = {str(p.relative_to(REPO)): n for p in _modules(STORE).values()
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not too_long, too_long


def test_store_imports_inside_functions_say_why():
    """An import in a function body hides a dependency; it is allowed for start-up cost or an
    optional dependency, and then a comment on it (or just above it) says so."""
    silent = []
    for module, path in _modules(STORE).items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _, node, in_function in _imported(path, module):
            if not in_function:
                continue
            first = node.lineno - 1
            while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
                first -= 1  # a block of imports may share the comment above it
            if "#" not in lines[node.lineno - 1] and not lines[first - 1].strip().startswith("#"):
                silent.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not silent, sorted(set(silent))
