"""The layers hold: the core never imports Qt, and views reach files only through the store and services."""

import ast
from pathlib import Path

APP = Path(__file__).parent.parent / "app"
QT = ("PySide6", "pyqtgraph", "shiboken6")
CORE = ("domain", "sources", "store", "services", "cli")
QT_ALLOWED = {APP / "cli" / "gui.py"}  # starts the window; imports app.views lazily
VIEW_FORBIDDEN = ("app.sources", "app.store.lapfiles")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def matches(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_core_layers_do_not_import_qt():
    files = [f for layer in CORE for f in sorted((APP / layer).rglob("*.py")) if f not in QT_ALLOWED]
    assert len(files) > 10  # the walk really found the core
    bad = [f"{f.relative_to(APP.parent)}:{line} imports {mod}"
           for f in files for line, mod in imported_modules(f) if matches(mod, QT)]
    assert not bad, "\n".join(bad)


def test_views_do_not_read_files_or_sources_directly():
    files = sorted((APP / "views").rglob("*.py"))
    assert files
    bad = [f"{f.relative_to(APP.parent)}:{line} imports {mod}"
           for f in files for line, mod in imported_modules(f) if matches(mod, VIEW_FORBIDDEN)]
    assert not bad, "\n".join(bad)


def test_the_checker_sees_imports():
    # Guard against a checker that passes because it sees nothing.
    tree_imports = [m for _, m in imported_modules(APP / "views" / "overlay.py")]
    assert "pyqtgraph" in tree_imports
