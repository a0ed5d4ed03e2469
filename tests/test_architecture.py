"""The shape of the house: imports point downwards only, pure modules stay pure, and no file grows past a room."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "monographs"

# What each layer may not import (by module path prefix). Lower layers never import higher ones.
FORBIDDEN = {
    "monographs/models": [
        "monographs.admin",
        "monographs.views",
        "monographs.services",
        "monographs.selectors",
        "monographs.screening",
        "monographs.content_io",
        "monographs.http",
        "monographs.leaflet",
        "monographs.search",
        "monographs.cache",
        "portal",
    ],
    "monographs/services": ["monographs.admin", "monographs.views", "monographs.http", "portal"],
    "monographs/selectors.py": ["monographs.admin", "monographs.views", "monographs.services", "portal"],
    "monographs/search": ["monographs.admin", "monographs.views", "monographs.services", "monographs.http", "portal"],
    "monographs/paging.py": ["django", "monographs", "portal"],
    "monographs/screening/selectors.py": ["monographs.admin", "monographs.services", "monographs.screening.views"],
    "monographs/content_io": ["monographs.admin", "monographs.views", "portal"],
}
PURE = [
    "monographs/rules.py",
    "monographs/screening/engine.py",
    "monographs/screening/identifiers.py",
    "monographs/names.py",
    "monographs/readability.py",
    "monographs/search/words.py",
    "monographs/paging.py",
]


def python_files(where: str) -> list[Path]:
    path = ROOT / where
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("where", sorted(FORBIDDEN))
def test_imports_only_point_downwards(where):
    upward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(where)
        for name in sorted(imported_modules(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[where])
    ]
    assert not upward


@pytest.mark.parametrize("where", PURE)
def test_pure_modules_import_no_django(where):
    [path] = python_files(where)
    assert not [name for name in imported_modules(path) if name.split(".")[0] == "django"]


def test_no_file_outside_migrations_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for folder in ("monographs", "portal", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 400
    ]
    assert not long


def test_migrations_import_no_app_code():
    offenders = [
        f"{path.name} imports {name}"
        for path in sorted((APP / "migrations").glob("0*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in {"monographs", "portal"}
    ]
    assert not offenders
