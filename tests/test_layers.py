"""The layers (STYLE.md "Layers") hold: import-linter's contracts in pyproject.toml are kept, they
notice an upward import, no module of tracker is part of an import cycle, and the project's own
modules are imported inside a function only where a comment says why."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tracker"

#: Files whose function-level imports of tracker modules are explained once, not at each import.
EXPLAINED = {
    # The module docstring says why: importing any tracker module runs this file, and the PDF worker
    # must not load the whole application.
    "tracker/__init__.py",
}


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_lint_imports_keeps_every_contract():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("importer", "imported", "contract"), [
    ("users/services.py", "tracker.actions.views", "Domain never imports web, CLI, demo or reports"),
    ("settings.py", "tracker.cli", "Domain never imports web, CLI, demo or reports"),
    ("reviews/services.py", "tracker.reports.data", "Domain never imports web, CLI, demo or reports"),
    ("auth/views.py", "tracker.demo.builder", "Demo builders are reached only through the command line"),
    ("users/models.py", "tracker.actions.models",
     "Domain modules import one way: each tier only imports the tiers below it"),
])
def test_the_contracts_notice_an_upward_import(tmp_path, importer, imported, contract):
    """A copy of the package with one import added breaks the contract that forbids it."""
    shutil.copytree(PACKAGE, tmp_path / "tracker", ignore=shutil.ignore_patterns("static", "__pycache__", "*.txt",
                                                                               "*.json"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "tracker" / importer).open("a", encoding="utf-8") as module:
        module.write(f"\nimport {imported}  # noqa\n")
    done = _lint(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = {line.split(" BROKEN")[0].strip() for line in done.stdout.splitlines() if " BROKEN" in line}
    assert contract in broken, done.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_is_part_of_an_import_cycle():
    """Imports inside functions count too: a cycle hidden in a function body is still a cycle."""
    assert _cycles(grimp.build_graph("tracker", cache_dir=None)) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")):
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["a", "b", "c"]]


def _unexplained_function_imports(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            own = (isinstance(node, ast.ImportFrom) and node.level) or any(
                n == "tracker" or n.startswith("tracker.") for n in names)
            if not own:
                continue
            explained = "#" in lines[node.lineno - 1] or lines[node.lineno - 2].strip().startswith("#")
            if not explained:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return out


def test_imports_of_the_project_inside_functions_say_why():
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if str(path.relative_to(ROOT)) not in EXPLAINED:
            unexplained += _unexplained_function_imports(path)
    assert unexplained == []


def test_the_function_import_check_notices_one(tmp_path):
    module = tmp_path / "tracker" / "example.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from tracker.core.clock import today\n\n    # the app imports this module\n"
                      "    from tracker import create_app\n    import json\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _unexplained_function_imports(module) == ["tracker/example.py:2: from tracker.core.clock import today"]
    finally:
        ROOT = saved
