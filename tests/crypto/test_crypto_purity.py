"""`wellbeing.crypto` stays pure: no app imports, no database, no Flask, no web secret key."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import wellbeing.crypto

PACKAGE = Path(wellbeing.crypto.__file__).parent
ALLOWED_ROOTS = {"__future__", "cryptography", "wellbeing"} | set(sys.stdlib_module_names)
SOURCES = sorted(PACKAGE.glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_stdlib_cryptography_and_itself(path: Path) -> None:
    for name in imported_modules(path):
        assert name.split(".")[0] in ALLOWED_ROOTS, name
        if name.startswith("wellbeing"):
            assert name.startswith("wellbeing.crypto"), name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_nothing_derives_from_the_web_secret_key(path: Path) -> None:
    source = path.read_text(encoding="utf-8").lower()
    for word in ("secret_key", "flask", "current_app"):
        assert word not in source, f"{path.name} mentions {word}"
