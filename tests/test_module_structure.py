"""Issue 31 §3: the code stays readable in one sitting — no module past 450 lines and no two
modules importing each other, directly or round a longer loop.

The import graph is read from the source with `ast`, function-level imports included: an
import moved into a function to dodge a cycle at load time is still a cycle for the reader
(and for the next refactor). No third-party tool, so the everyday run needs nothing more.
"""

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("recommendations", "tracker")
MAX_LINES = 450


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the project's packages: dotted name → (file, is a package's __init__)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            # Templates and static files hold no modules (makemessages writes passing .py copies there).
            if {"migrations", "templates", "static", "locale"} & set(path.parts):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join(parts)] = (path, is_package)
    return found


def _imported(node: ast.Import | ast.ImportFrom, package: str, modules: dict) -> set[str]:
    """The project modules an import statement loads, each the longest dotted name that exists
    (`from recommendations.listing import query` is the module `listing.query`)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        names = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module for alias in node.names]
    result = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            result.add(name)
    return result


@functools.cache
def import_graph() -> dict[str, set[str]]:
    # Read in a Python of its own: in this one, 3.11.7's ast.parse can fail with "AST
    # constructor recursion depth mismatch" once an earlier test has upset its shared counter
    # (CPython gh-106905, fixed in 3.11.8).
    code = (
        "import json; from tests.test_module_structure import _import_graph; "
        "print(json.dumps({name: sorted(targets) for name, targets in _import_graph().items()}))"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return {name: set(targets) for name, targets in json.loads(done.stdout).items()}


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _imported(node, package, modules)
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_loop_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    # A relative import inside a package, and one written inside a function (`ready()`).
    assert "recommendations.listing.as_of" in graph["recommendations.listing.query"]
    assert "recommendations.users.role_groups" in graph["recommendations.apps"]


def test_no_two_modules_import_each_other():
    found = cycles(import_graph())
    assert found == [], (
        "Modules that import each other (directly or round a loop) — move what both need into a "
        f"module both import: {found}"
    )


def test_the_list_never_imports_the_analytics_built_on_it():
    """`analytics/` counts and exports what `listing/` selects; the other way round is the
    package-level loop issue 31 found."""
    graph = import_graph()
    backwards = sorted(
        (module, target)
        for module, targets in graph.items()
        if module.startswith("recommendations.listing")
        for target in targets
        if target.startswith("recommendations.analytics")
    )
    assert backwards == []


def test_no_module_is_longer_than_a_sitting():
    long = {
        str(path.relative_to(ROOT)): lines
        for path, _is_package in _modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"Past {MAX_LINES} lines — split along the module's seams: {long}"
