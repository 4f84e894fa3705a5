"""The `instruments` click group: the contract other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.instruments.helpers import INSTRUMENT_IDS, definition
from wellbeing.cli.instruments import instruments_cli


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("WELLBEING_QUESTIONNAIRE_DIRS", raising=False)
    return CliRunner()


def test_list(runner: CliRunner) -> None:
    result = runner.invoke(instruments_cli, ["list", "--lang", "en"])
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == INSTRUMENT_IDS
    assert ["phq9", "1.0", "Patient Health Questionnaire-9 (PHQ-9)", "10", "free"] in rows
    assert [
        "scl90",
        "1.0",
        "Symptom Checklist-90 (SCL-90)",
        "90",
        "licensed (item texts not supplied)",
    ] in rows


def test_validate_default_directories(runner: CliRunner) -> None:
    result = runner.invoke(instruments_cli, ["validate"])
    assert result.exit_code == 0
    assert "14 definition(s) valid" in result.stdout


def test_validate_reports_each_bad_file(runner: CliRunner, tmp_path: Path) -> None:
    data = dict(definition("gad2").raw)
    bad = {
        **data,
        "items": [
            {**data["items"][0], "options": [{"value": "x"}, {"value": 1}]},
            data["items"][1],
        ],
    }
    (tmp_path / "gad2.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True))
    (tmp_path / "other.yaml").write_text("- not a mapping\n")
    result = runner.invoke(instruments_cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'gad2.yaml'}: items[0].options[0].value" in result.stderr
    assert f"{tmp_path / 'other.yaml'}: <root>: the file must hold a mapping" in result.stderr


def test_validate_one_good_file(runner: CliRunner) -> None:
    path = Path(definition("phq9").path or "")
    result = runner.invoke(instruments_cli, ["validate", str(path)])
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["phq9", "--answers", "1,1,1,1,1,1,1,1,1"],
            {
                "instrument": "phq9",
                "version": "1.0",
                "complete": True,
                "total": 9,
                "band": "mild",
                "subscales": {},
                "flags": ["suicidal_ideation"],
                "missing": [],
            },
        ),
        (
            ["phq9", "--answers", "1,1,,1"],
            {
                "instrument": "phq9",
                "version": "1.0",
                "complete": False,
                "total": None,
                "band": None,
                "subscales": {},
                "flags": [],
                "missing": ["q3", "q5", "q6", "q7", "q8", "q9"],
            },
        ),
        (
            ["cbi", "--answers", "100,75,75,75,75,75,0,0,0,0,0,0,0,0,0,0,0,0,0"],
            {
                "instrument": "cbi",
                "version": "1.0",
                "complete": True,
                "total": None,
                "band": None,
                "subscales": {"personal": 79.17, "work": 14.29, "client": 0},
                "flags": [],
                "missing": [],
            },
        ),
        (
            ["cssrs", "--answers", "1,1,0,0,0,0"],
            {
                "instrument": "cssrs",
                "version": "1.0",
                "complete": True,
                "total": None,
                "band": "low",
                "subscales": {},
                "flags": [],
                "missing": [],
            },
        ),
    ],
)
def test_score_prints_one_json_object(
    runner: CliRunner, args: list[str], expected: dict[str, object]
) -> None:
    result = runner.invoke(instruments_cli, ["score", *args])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected
    assert result.stdout.count("\n") == 1


def test_score_prints_means_half_up_to_two_decimals(runner: CliRunner) -> None:
    # SCL-90 somatization 1 item at 2 of 12 -> 13/12 = 1.0833 -> 1.08; gsi 91/90 -> 1.01
    answers = ",".join(["2"] + ["1"] * 89)
    result = runner.invoke(instruments_cli, ["score", "scl90", "--answers", answers])
    payload = json.loads(result.stdout)
    assert payload["subscales"]["somatization"] == 1.08
    assert payload["subscales"]["gsi"] == 1.01
    assert payload["total"] == 91
    assert isinstance(payload["total"], int)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq9", "--answers", "1,4"], "item q2: 4 is not an option; allowed values: 0, 1, 2, 3"),
        (
            ["audit", "--answers", "0,0,0,0,0,0,0,0,1,0"],
            "item q9: 1 is not an option; allowed values: 0, 2, 4",
        ),
        (["phq2", "--answers", "1,1,1"], "too many values: got 3 values, phq2 has 2 items"),
        (["nosuch", "--answers", "1"], "unknown instrument 'nosuch'; known: audit"),
        (["audit", "--answers", "0,1"], "item q2 is skipped"),
        (["phq2", "--answers", "one"], "item q1: 'one' is not an option"),
    ],
)
def test_bad_input_exits_2_with_nothing_on_stdout(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(instruments_cli, ["score", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_export_fhir_prints_a_questionnaire(runner: CliRunner) -> None:
    result = runner.invoke(instruments_cli, ["export-fhir", "phq9"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["resourceType"] == "Questionnaire"


def test_export_fhir_unknown_id(runner: CliRunner) -> None:
    result = runner.invoke(instruments_cli, ["export-fhir", "nosuch"])
    assert result.exit_code == 2
    assert result.stdout == ""
