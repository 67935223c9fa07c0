"""No module of include/, plugins/ or sandbox/ imports a module that imports it back, at any depth.

Why it matters here: Airflow imports the plugin and the DAG files in an order it chooses, at parse time, in
processes of its own. In a cycle, which module finishes loading first depends on which one was imported first, so a
name that is there in a test may be missing ("partially initialized module") in the scheduler or the API server.
And a cycle between layers means they are no longer layers: the connectors, the service layer, the plugin and the
sandbox each import downwards only.

Every import statement counts: at module level, inside a function, under `if TYPE_CHECKING:`. An import moved into
a function to dodge a cycle is the same dependency, hidden; the modules still need each other. Importing `a.b.c`
also loads `a` and `a.b`; those implicit edges are not counted (else every package whose `__init__` imports a
submodule would be a cycle). The rule that the plugin never reaches the connectors is
tests/plugin/test_boundaries.py's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Each tree and the directory its module names are relative to: `plugins/` is on sys.path, so
# plugins/integracoes/pages.py is `integracoes.pages` and plugins/integracoes_plugin.py is `integracoes_plugin`.
TREES = {REPO / "include": REPO, REPO / "sandbox": REPO, REPO / "plugins": REPO / "plugins"}


def module_files() -> dict[str, Path]:
    """Every module of the trees, by its dotted name (a package by the name of its `__init__`)."""
    modules: dict[str, Path] = {}
    for tree, root in TREES.items():
        for path in sorted(tree.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, wherever it sits."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def edges_of(name: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """The modules of the trees that `name`'s import statements name (a submodule where one is named)."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in import_statements(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name in known)
            continue
        base = node.module or ""
        if node.level:  # relative: level 1 is the package the module is in (a package's `__init__` is in itself)
            package = name.split(".") if is_package else name.split(".")[:-1]
            anchor = ".".join(package[: len(package) - (node.level - 1)])
            base = f"{anchor}.{base}" if base and anchor else base or anchor
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in known:
                targets.add(submodule)
            elif base in known:
                targets.add(base)
    return targets


@cache
def import_graph() -> dict[str, set[str]]:
    known = module_files()
    return {name: edges_of(name, path, known) for name, path in known.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module, plus the modules that import themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], graph: Mapping[str, set[str]]) -> str:
    """The component and, for each module, the modules of the component it imports."""
    members = set(component)
    return "\n".join(f"  {m} -> {', '.join(sorted(graph[m] & members))}" for m in component)


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(describe(c, graph) for c in found)


def test_the_graph_sees_the_trees_and_the_check_sees_a_cycle() -> None:
    graph = import_graph()
    assert {"include.connectors.catalog", "integracoes.pages", "integracoes_plugin", "sandbox.server"} <= set(graph)
    assert "include.connectors.types" in graph["include.connectors.catalog"]  # from include.connectors.types import
    assert "include.connectors.partner_domains" in graph["include.connectors.catalog"]  # from include.connectors import
    assert "integracoes.auth" in graph["integracoes.pages"]  # a top-level plugin package, named from plugins/
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}, "b": set()}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_parser_counts_every_import_statement(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import mod\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "leaf.py").write_text("from .. import mod, helper\nfrom ..mod import thing\nimport pkg.other\n")
    (package / "mod.py").write_text(
        "import typing\n"
        "try:\n    from pkg.lazy import thing\nexcept ImportError:\n    pass\n"
        "if typing.TYPE_CHECKING:\n    from pkg import hinted\n"
        "def f():\n    from pkg import deferred\n"
        "class C:\n    from pkg import in_class_body\n"
    )
    names = ("pkg.lazy", "pkg.hinted", "pkg.deferred", "pkg.other", "pkg.in_class_body")
    known = {name: package / "mod.py" for name in names}
    known |= {"pkg": package / "__init__.py", "pkg.sub": package / "sub" / "__init__.py"}
    known |= {"pkg.mod": package / "mod.py", "pkg.sub.leaf": package / "sub" / "leaf.py"}
    assert edges_of("pkg", package / "__init__.py", known) == {"pkg.mod"}
    assert edges_of("pkg.mod", package / "mod.py", known) == {
        "pkg.lazy", "pkg.hinted", "pkg.deferred", "pkg.in_class_body"
    }  # fmt: skip
    # `helper` is no submodule: a name of the package, so an edge to the package.
    assert edges_of("pkg.sub.leaf", package / "sub" / "leaf.py", known) == {"pkg.mod", "pkg", "pkg.other"}
