"""The package's import structure: no cycles between modules, the core never imports the
command line, and functions import only optional dependencies (saying which extra) or, in the
two lazy registries, the dialects and passes they register."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"symc": ROOT / "symc", "symc.dialects": ROOT / "dialects",
            "symc.passes": ROOT / "passes", "symc.tools": ROOT / "tools"}
OPTIONAL = {"pandas", "matplotlib", "tqdm", "distributed", "pyoperon", "pysr", "sklearn",
            "circt"}
REGISTRIES = {"symc.dialects", "symc.passes"}
COMMAND_LINE = {"symc.cli", "symc.cli_explore", "symc.cli_fit", "symc.tools.symc_opt"}


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            if "__pycache__" in path.parts or (package == "symc" and path.parent.name in
                                                ("dialects", "passes", "tools")):
                continue
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def _top_level_imports(tree: ast.Module, name: str, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``name`` imports when it is imported (not under TYPE_CHECKING)."""
    out = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        out |= {t for t in targets if t in modules and t != name}
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _top_level_imports(ast.parse(path.read_text()), name, modules)
            for name, path in modules.items()}


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            # a package's own __init__ importing its submodules is not a cycle
            if nxt == node.rsplit(".", 1)[0] or node == nxt.rsplit(".", 1)[0]:
                continue
            assert state.get(nxt) != 1, f"import cycle: {' -> '.join([*path, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert len(graph) > 40


def test_the_core_never_imports_the_command_line():
    graph = _graph()
    for name, imported in graph.items():
        if name not in COMMAND_LINE and name != "symc":
            assert not imported & COMMAND_LINE, f"{name} imports {imported & COMMAND_LINE}"


def test_function_level_imports_are_optional_dependencies_or_registries():
    for name, path in _modules().items():
        source = path.read_text()
        lines = source.splitlines()
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                target = node.names[0].name if isinstance(node, ast.Import) else node.module
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if name in REGISTRIES:
                    continue
                assert target and target.split(".")[0] in OPTIONAL, (
                    f"{where}: import {target} inside a function")
                said = " ".join(lines[max(node.lineno - 4, 0):node.lineno])
                assert "#" in said and ("optional" in said or "as above" in said), (
                    f"{where}: say why {target} is imported here")
