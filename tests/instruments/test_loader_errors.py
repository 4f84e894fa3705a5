"""Bad definition files are refused with the file, the path inside it and the reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.instruments.helpers import definition
from wellbeing.instruments import DefinitionError, load_definition

Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[str | int], value: object) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _append_flag(data: dict[str, Any]) -> None:
    data["scoring"]["flags"].append(copy.deepcopy(data["scoring"]["flags"][0]))


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "option value not a number",
        _set(["items", 3, "options", 1, "value"], "one"),
        "items[3].options[1].value",
        "not valid under any of the given schemas|is not of type",
    ),
    ("duplicate item id", _set(["items", 1, "id"], "q1"), "items[1].id", "duplicate item id"),
    (
        "duplicate option value",
        _set(["items", 0, "options", 1, "value"], 0),
        "items[0].options[1].value",
        "duplicate option value",
    ),
    (
        "band gap",
        _set(["scoring", "bands", 1, "range"], [6, 9]),
        "scoring.bands[1].range",
        "gap or overlap",
    ),
    (
        "band overlap",
        _set(["scoring", "bands", 1, "range"], [4, 9]),
        "scoring.bands[1].range",
        "gap or overlap",
    ),
    (
        "bands stop short",
        _set(["scoring", "bands", 4, "range"], [20, 26]),
        "scoring.bands",
        "total reaches 27",
    ),
    (
        "wrong declared range",
        _set(["scoring", "total", "range"], [0, 30]),
        "scoring.total.range",
        "differs from the computed",
    ),
    (
        "unknown method",
        _set(["scoring", "total", "method"], "median"),
        "scoring.total.method",
        "unknown method",
    ),
    (
        "unknown total item",
        _set(["scoring", "total", "items", 0], "q99"),
        "scoring.total.items[0]",
        "unknown item",
    ),
    (
        "unscored item in total",
        _set(["scoring", "total", "items", 0], "difficulty"),
        "scoring.total.items[0]",
        "optional",
    ),
    (
        "unknown reverse item",
        _set(["scoring", "reverse_items"], ["q42"]),
        "scoring.reverse_items[0]",
        "unknown item",
    ),
    (
        "flag on unknown item",
        _set(["scoring", "flags", 0, "when"], {"item": "q10", "ge": 1}),
        "scoring.flags[0].when",
        "'q10'",
    ),
    (
        "flag on unknown score",
        _set(["scoring", "flags", 0, "when"], {"score": "mood", "ge": 1}),
        "scoring.flags[0].when",
        "score 'mood'",
    ),
    (
        "flag with two comparisons",
        _set(["scoring", "flags", 0, "when"], {"item": "q9", "ge": 1, "le": 2}),
        "scoring.flags[0].when",
        "exactly one of",
    ),
    ("duplicate flag", _append_flag, "scoring.flags[1].id", "duplicate flag id"),
    (
        "skip on a later item",
        _set(["items", 0, "ask_when"], {"item": "q2", "eq": 1}),
        "items[0].ask_when",
        "not an earlier item",
    ),
    (
        "skip score without skip",
        _set(["items", 0, "score_when_skipped"], 0),
        "items[0].score_when_skipped",
        "needs ask_when",
    ),
    (
        "missing text",
        lambda data: data["items"][2].pop("text"),
        "items[2].text",
        "texts_supplied is true",
    ),
    (
        "unknown completeness",
        _set(["scoring", "completeness"], "whatever"),
        "scoring.completeness",
        "unknown rule",
    ),
    (
        "missing method parameter",
        _set(["scoring", "total", "method"], "scaled_sum"),
        "scoring.total.params",
        "needs parameter 'factor'",
    ),
    (
        "unknown parameter",
        _set(["scoring", "total", "params"], {"factor": 2}),
        "scoring.total.params.factor",
        "not a parameter",
    ),
    (
        "bad licence status",
        _set(["licence", "status"], "shareware"),
        "licence.status",
        "is not one of",
    ),
    ("missing English title", lambda data: data["title"].pop("en"), "title", "'en' is a required"),
    ("unknown top-level key", _set(["colour"], "blue"), "<root>", "colour"),
]


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "phq9.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutation", "where", "why"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_file_is_refused_with_path_and_reason(
    tmp_path: Path, mutation: Mutation, where: str, why: str
) -> None:
    data = copy.deepcopy(dict(definition("phq9").raw))
    mutation(data)
    path = _write(tmp_path, data)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    error = caught.value
    assert error.file == str(path)
    assert any(str(problem).startswith(where) for problem in error.problems), error
    assert any(
        any(part in str(problem) for part in why.split("|")) for problem in error.problems
    ), error
    assert str(path) in str(error)


def test_unreadable_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="cannot read YAML"):
        load_definition(path)


def test_a_list_is_not_a_definition(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="must hold a mapping"):
        load_definition(path)


def test_rule_bands_must_end_with_otherwise(tmp_path: Path) -> None:
    data = copy.deepcopy(dict(definition("cssrs").raw))
    data["scoring"]["bands"][-1].pop("otherwise")
    data["scoring"]["bands"][-1]["when"] = {"item": "q1", "eq": 0}
    path = tmp_path / "cssrs.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"scoring.bands\[3\]: rule bands end"):
        load_definition(path)
