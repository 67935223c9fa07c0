"""The plugin (HTTP API and pages) asks the service layer what a partner type can do; it never reaches into the
connectors, whose declarations the service layer turns into views (include/integracoes/catalog.py)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = "include.connectors"


def imported_modules(source: str, name: str = "<text>") -> set[str]:
    """Every absolute module an import statement of the source names, at any depth (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_plugin_module_imports_the_connectors() -> None:
    crossing = {
        str(path.relative_to(REPO)): sorted(m for m in imported_modules(path.read_text(), str(path))
                                            if m == FORBIDDEN or m.startswith(f"{FORBIDDEN}."))
        for path in sorted((REPO / "plugins").rglob("*.py"))
    }  # fmt: skip
    assert not {file: modules for file, modules in crossing.items() if modules}


def test_the_check_sees_an_import_of_the_connectors() -> None:
    source = "def f():\n    from include.connectors.registry import is_available\nimport include.connectors\n"
    assert {"include.connectors.registry", "include.connectors"} <= imported_modules(source)
    assert "include.integracoes.catalog" in imported_modules("from include.integracoes import catalog")
