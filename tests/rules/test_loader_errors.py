"""Bad rule files are refused with the file, the path inside it and the reason."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.rules.helpers import CATALOGUE, RULE_DIRS, RULES, make_rule, write_rules
from wellbeing.rules import RuleFileError, RuleSetError, load_rule_file, load_rules, rule_dirs

REFERRAL = {"priority": "routine", "reason": {"zh-CN": "测试", "en": "Test"}}

# name, rule fields replaced, expected path, expected reason (regex)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "float threshold",
        {"when": {"total": {"ge": 2.5}}},
        "rules[0].when.total.ge",
        "is not valid under any of the given schemas",
    ),
    ("missing actions", {"actions": None}, "rules[0]", "'actions' is a required property"),
    (
        "empty actions",
        {"actions": {}},
        "rules[0].actions",
        "should be non-empty|does not have enough",
    ),
    (
        "unknown priority",
        {"actions": {"referral": {**REFERRAL, "priority": "asap"}}},
        "rules[0].actions.referral.priority",
        "'asap' is not one of",
    ),
    (
        "reason without English",
        {"actions": {"referral": {**REFERRAL, "reason": {"zh-CN": "测试"}}}},
        "rules[0].actions.referral.reason",
        "'en' is a required property",
    ),
    (
        "unknown condition key",
        {"when": {"score": "total"}},
        "rules[0].when",
        "Additional properties",
    ),
    (
        "two subjects",
        {"when": {"item": "q9", "flag": "suicidal_ideation", "ge": 1}},
        "rules[0].when",
        "needs exactly one of total, subscale, item",
    ),
    (
        "item without comparison",
        {"when": {"item": "q9"}},
        "rules[0].when",
        "needs exactly one of ge, gt, le, lt, eq, between",
    ),
    (
        "comparison next to a flag",
        {"when": {"flag": "suicidal_ideation", "ge": 1}},
        "rules[0].when",
        "unexpected keys",
    ),
    (
        "reversed between",
        {"when": {"total": {"between": [19, 10]}}},
        "rules[0].when.total.between",
        "19 is greater than 10",
    ),
    (
        "unknown instrument",
        {"instrument": "phq10"},
        "rules[0].instrument",
        "unknown instrument 'phq10'; known: audit, cbi",
    ),
    (
        "unknown item",
        {"when": {"any": [{"item": "q99", "ge": 1}]}},
        "rules[0].when.any[0].item",
        "unknown item 'q99' in phq9",
    ),
    (
        "unknown subscale",
        {"when": {"subscale": "mood", "ge": 1}},
        "rules[0].when.subscale",
        "unknown subscale 'mood' in phq9; known: none",
    ),
    (
        "unknown band",
        {"when": {"band": {"in": ["severe", "awful"]}}},
        "rules[0].when.band.in[1]",
        "unknown band 'awful' in phq9; known: mild, minimal",
    ),
    (
        "unknown flag",
        {"when": {"all": [{"flag": "suicidal"}]}},
        "rules[0].when.all[0].flag",
        "unknown flag 'suicidal' in phq9; known: suicidal_ideation",
    ),
    (
        "total above its range",
        {"when": {"total": {"ge": 28}}},
        "rules[0].when.total.ge",
        "28 is outside the total range 0–27",
    ),
    (
        "between outside the range",
        {"when": {"total": {"between": [-1, 5]}}},
        "rules[0].when.total.between",
        "-1 is outside the total range 0–27",
    ),
    (
        "threshold that can never hold",
        {"when": {"total": {"gt": 27}}},
        "rules[0].when.total.gt",
        "gt 27 can never hold",
    ),
    (
        "item value outside its options",
        {"when": {"item": "q9", "ge": 4}},
        "rules[0].when.ge",
        "4 is outside the q9 range 0–3",
    ),
    (
        "item never scores",
        {"instrument": "audit", "when": {"item": "q9", "eq": 3}},
        "rules[0].when.eq",
        "q9 never scores 3: 0, 2, 4",
    ),
    (
        "total on an instrument without one",
        {"instrument": "cssrs", "when": {"total": {"ge": 1}}},
        "rules[0].when",
        "cssrs has no total",
    ),
    ("rise of zero", {"when": {"rise": {"by": 0}}}, "rules[0].when.rise.by", "must be above 0"),
    (
        "rise beyond the range",
        {"when": {"rise": {"by": 28}}},
        "rules[0].when.rise.by",
        "at most 27",
    ),
    (
        "crisis without a referral",
        {"actions": {"crisis": True, "follow_up": {"instrument": "cssrs", "mode": "offer"}}},
        "rules[0].actions.crisis",
        "need a referral too",
    ),
    (
        "follow-up to an unknown instrument",
        {"actions": {"follow_up": {"instrument": "phq10", "mode": "offer"}}},
        "rules[0].actions.follow_up.instrument",
        "unknown instrument 'phq10'",
    ),
    (
        "follow-up to an instrument without texts",
        {"actions": {"follow_up": {"instrument": "isi", "mode": "assign"}}},
        "rules[0].actions.follow_up.instrument",
        "'isi' cannot be offered",
    ),
    (
        "unknown follow-up mode",
        {"actions": {"follow_up": {"instrument": "pcl5", "mode": "force"}}},
        "rules[0].actions.follow_up.mode",
        "'force' is not one of",
    ),
    ("missing source", {"source": ""}, "rules[0].source", "should be non-empty|is too short"),
]


@pytest.mark.parametrize(
    ("fields", "path", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_rule_is_refused_with_path_and_reason(
    tmp_path: Path, fields: dict[str, Any], path: str, reason: str
) -> None:
    rule = make_rule(**fields)
    rule = {key: value for key, value in rule.items() if value is not None}
    file = write_rules(tmp_path, "bad.yaml", [rule])
    with pytest.raises(RuleFileError) as caught:
        load_rule_file(file, CATALOGUE)
    error = caught.value
    assert error.file == str(file)
    matching = [problem for problem in error.problems if problem.path == path]
    assert matching, f"no problem at {path}: {error}"
    assert any(re.search(reason, p.reason) for p in matching), str(error)
    assert str(file) in str(error)


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    rules = [
        make_rule("a", instrument="phq10"),
        make_rule("b", when={"item": "q99", "ge": 1}),
        make_rule("c", when={"item": "q9"}),
    ]
    file = write_rules(tmp_path, "bad.yaml", rules)
    with pytest.raises(RuleFileError) as caught:
        load_rule_file(file, CATALOGUE)
    assert [problem.path for problem in caught.value.problems] == ["rules[2].when"]
    # shape errors stop the file before references are checked; fix them and the rest show
    rules[2] = make_rule("c")
    write_rules(tmp_path, "bad.yaml", rules)
    with pytest.raises(RuleFileError) as caught:
        load_rule_file(file, CATALOGUE)
    assert [p.path for p in caught.value.problems] == ["rules[0].instrument", "rules[1].when.item"]


def test_duplicate_ids_in_one_file(tmp_path: Path) -> None:
    file = write_rules(tmp_path, "dup.yaml", [make_rule("same"), make_rule("same")])
    with pytest.raises(RuleFileError, match=r"rules\[1\]\.id: duplicate rule id 'same'"):
        load_rule_file(file, CATALOGUE)


def test_duplicate_ids_across_files_of_one_directory(tmp_path: Path) -> None:
    write_rules(tmp_path, "a.yaml", [make_rule("same")])
    second = write_rules(tmp_path, "b.yaml", [make_rule("other"), make_rule("same")])
    with pytest.raises(RuleSetError) as caught:
        load_rules([tmp_path], CATALOGUE)
    (error,) = caught.value.errors
    assert error.file == str(second)
    assert "rules[1].id: rule id 'same' is already used in" in str(error)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("rules: [unclosed", "cannot read YAML"),
        ("- a list\n", "the file must hold a mapping"),
        ("rules: []\n", "should be non-empty|is too short"),
        ("policy: x\nrules: []\n", "Additional properties are not allowed"),
    ],
)
def test_unreadable_or_malformed_file(tmp_path: Path, text: str, reason: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError, match=reason):
        load_rule_file(file, CATALOGUE)


def test_missing_directory_and_every_bad_file_are_listed(tmp_path: Path) -> None:
    write_rules(tmp_path / "one", "x.yaml", [make_rule(instrument="phq10")])
    write_rules(tmp_path / "one", "y.yaml", [make_rule(when={"total": {"ge": 99}})])
    with pytest.raises(RuleSetError) as caught:
        load_rules([tmp_path / "one", tmp_path / "absent"], CATALOGUE)
    files = [Path(error.file).name for error in caught.value.errors]
    assert files == ["x.yaml", "y.yaml", "absent"]
    assert "not a directory" in str(caught.value)


def test_a_later_directory_replaces_rules_by_id_and_adds_new_ones(tmp_path: Path) -> None:
    station = tmp_path / "station"
    lowered = make_rule("phq9_moderate", when={"total": {"between": [8, 19]}})
    write_rules(station, "local.yaml", [lowered, make_rule("station_extra")])
    rules = load_rules([*RULE_DIRS, station], CATALOGUE)
    ids = [rule.id for rule in rules]
    assert ids == [*(rule.id for rule in RULES), "station_extra"]
    replaced = rules.get("phq9_moderate")
    assert replaced.path == station / "local.yaml"
    assert rules.content_hash != RULES.content_hash


def test_rule_dirs_include_overlay_rules_folders(tmp_path: Path) -> None:
    (tmp_path / "with" / "rules").mkdir(parents=True)
    (tmp_path / "without").mkdir()
    dirs = rule_dirs(os.pathsep.join([str(tmp_path / "with"), str(tmp_path / "without")]))
    assert dirs == [RULE_DIRS[0], tmp_path / "with" / "rules"]
