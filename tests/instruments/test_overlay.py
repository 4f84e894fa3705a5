"""Overlay directories: licensed texts supplied later, full replacements, and their errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.instruments.helpers import all_max, definition
from wellbeing.cli.instruments import instruments_cli
from wellbeing.instruments import CatalogueError, load_catalogue, questionnaire_dirs, score
from wellbeing.instruments.registry import BUILTIN_DIR


def _isi_overlay(**changes: Any) -> dict[str, Any]:
    labels = {str(v): {"zh-CN": f"选项{v}", "en": f"Option {v}"} for v in range(5)}
    overlay: dict[str, Any] = {
        "overlays": "isi",
        "version": "1.0",
        "items": {
            f"q{n}": {"text": {"zh-CN": f"题目{n}", "en": f"Question {n}"}, "options": labels}
            for n in range(1, 8)
        },
    }
    overlay.update(changes)
    return overlay


def _write(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_overlay_supplies_licensed_texts(tmp_path: Path) -> None:
    _write(tmp_path, "isi-texts.yaml", _isi_overlay())
    catalogue = load_catalogue([BUILTIN_DIR, tmp_path])
    isi = catalogue.get("isi")
    assert isi.texts_supplied
    assert isi.offerable
    assert isi.item("q4").text == {"zh-CN": "题目4", "en": "Question 4"}
    assert isi.content_hash != definition("isi").content_hash
    assert catalogue.files["isi"] == (BUILTIN_DIR / "isi.yaml", tmp_path / "isi-texts.yaml")
    answers = all_max(isi)
    assert score(isi, answers).to_dict() == score(definition("isi"), answers).to_dict()


def test_environment_variable_adds_overlay_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "isi-texts.yaml", _isi_overlay())
    monkeypatch.setenv("WELLBEING_QUESTIONNAIRE_DIRS", f"{tmp_path}{os.pathsep}")
    assert questionnaire_dirs() == [BUILTIN_DIR, tmp_path]
    assert questionnaire_dirs("") == [BUILTIN_DIR]
    result = CliRunner().invoke(instruments_cli, ["list"])
    isi_row = next(line for line in result.stdout.splitlines() if line.startswith("isi\t"))
    assert isi_row.endswith("\tlicensed")


def test_later_full_definition_replaces_earlier(tmp_path: Path) -> None:
    data = dict(definition("phq2").raw)
    _write(tmp_path, "phq2.yaml", {**data, "version": "2.0"})
    assert load_catalogue([BUILTIN_DIR, tmp_path]).get("phq2").version == "2.0"


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (_isi_overlay(version="9.9"), "version: overlay is for version '9.9'"),
        (_isi_overlay(overlays="nosuch"), "overlays: no earlier definition 'nosuch'"),
        (
            _isi_overlay(items={"q99": {"text": {"zh-CN": "x", "en": "x"}}}),
            "items.q99: no such item",
        ),
        (
            _isi_overlay(items={"q1": {"text": {"zh-CN": "x", "en": "x"}}}),
            "items[1].text: missing, but texts_supplied is true",
        ),
        (_isi_overlay(items={"q1": {"text": {"zh-CN": "x"}}}), "items.q1.text"),
    ],
)
def test_bad_overlay_is_refused(tmp_path: Path, overlay: dict[str, Any], message: str) -> None:
    path = _write(tmp_path, "isi-texts.yaml", overlay)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([BUILTIN_DIR, tmp_path])
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_validate_command_checks_an_overlay_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "isi-texts.yaml", _isi_overlay())
    result = CliRunner().invoke(instruments_cli, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not a directory"):
        load_catalogue([BUILTIN_DIR, tmp_path / "absent"])
