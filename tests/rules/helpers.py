"""Shared helpers for the rule tests: the real catalogue, the default rules, exact results."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from tests.instruments.helpers import Answers, answers_for_total
from wellbeing.instruments import Result, load_catalogue, questionnaire_dirs, score
from wellbeing.rules import Evaluation, evaluate, load_rules, rule_dirs

CATALOGUE = load_catalogue(questionnaire_dirs(""))
RULE_DIRS = rule_dirs("")
RULES = load_rules(RULE_DIRS, CATALOGUE)
RULE_FILES = sorted(RULE_DIRS[0].glob("*.yaml"))


def scored(instrument_id: str, answers: Answers) -> Result:
    """Score answers with the real definition."""
    return score(CATALOGUE.get(instrument_id), answers)


def result_with_total(instrument_id: str, total: int) -> Result:
    """A complete result of the real instrument whose total is exactly ``total``."""
    answers = answers_for_total(CATALOGUE.get(instrument_id), Fraction(total))
    assert answers is not None, f"{instrument_id} cannot total {total}"
    result = scored(instrument_id, answers)
    assert result.complete
    assert result.total == total
    return result


def outcome(
    instrument_id: str, answers: Answers, previous_total: Fraction | int | None = None
) -> Evaluation:
    """Score the answers and evaluate the default rules on the result."""
    previous = None if previous_total is None else Fraction(previous_total)
    return evaluate(RULES, scored(instrument_id, answers), previous)


def zeros(instrument_id: str, **values: int | None) -> Answers:
    """Every item of the instrument at its lowest option, then ``values`` applied."""
    definition = CATALOGUE.get(instrument_id)
    answers: Answers = {
        item.id: None if item.optional else min(item.values) for item in definition.items
    }
    answers.update(values)
    return answers


def write_rules(directory: Path, name: str, rules: list[dict[str, Any]]) -> Path:
    """Write a rule file holding ``rules`` into ``directory`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    return path


def make_rule(rule_id: str = "test_rule", **fields: Any) -> dict[str, Any]:
    """A valid PHQ-9 rule mapping (routine referral at total ≥ 10) with ``fields`` replaced."""
    rule: dict[str, Any] = {
        "id": rule_id,
        "description": {"zh-CN": "测试规则", "en": "Test rule"},
        "instrument": "phq9",
        "when": {"total": {"ge": 10}},
        "actions": {"referral": {"priority": "routine", "reason": {"zh-CN": "测试", "en": "Test"}}},
        "source": "test",
    }
    rule.update(fields)
    return rule
