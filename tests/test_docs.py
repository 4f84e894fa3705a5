"""The threat model and hazard log name real tests, and every hazard names at least one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
DOCS = ("docs/threat-model.md", "docs/hazard-log.md", "docs/security.md")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_test_exists(repo_root: Path, doc: str) -> None:
    text = (repo_root / doc).read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert references, f"{doc} names no tests"
    missing = [
        f"{file}::{name}"
        for file, name in references
        if not (repo_root / file).is_file() or name not in _tests_in(repo_root / file)
    ]
    assert missing == []


def test_every_hazard_names_a_test(repo_root: Path) -> None:
    text = (repo_root / "docs/hazard-log.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    assert len(sections) >= 5
    assert [s.splitlines()[0] for s in sections if not REFERENCE.search(s)] == []
