"""The shipped rule files load, validate, match issue 6's policy and are documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.helpers import CATALOGUE, RULE_DIRS, RULE_FILES, RULES
from wellbeing.instruments import Catalogue
from wellbeing.rules import FollowUp, FollowUpMode, Priority, load_rule_file, load_rules
from wellbeing.rules.loader import schema_problems

README = RULE_DIRS[0] / "README.md"

# The starting policy: rule id → (instrument, priority or None, crisis, follow-up or None).
POLICY: dict[str, tuple[str, Priority | None, bool, str | None]] = {
    "phq9_item9": ("phq9", Priority.URGENT, True, None),
    "scl90_item15": ("scl90", Priority.URGENT, True, None),
    "cssrs_high_risk": ("cssrs", Priority.URGENT, True, None),
    "cssrs_moderate_risk": ("cssrs", Priority.HIGH, False, None),
    "cssrs_ideation": ("cssrs", Priority.ROUTINE, False, None),
    "phq9_severe": ("phq9", Priority.HIGH, False, None),
    "gad7_severe": ("gad7", Priority.HIGH, False, None),
    "k10_very_high": ("k10", Priority.HIGH, False, None),
    "phq9_moderate": ("phq9", Priority.ROUTINE, False, None),
    "gad7_moderate": ("gad7", Priority.ROUTINE, False, None),
    "pcl5_probable_ptsd": ("pcl5", Priority.ROUTINE, False, None),
    "audit_harmful": ("audit", Priority.ROUTINE, False, None),
    "k10_high": ("k10", Priority.ROUTINE, False, None),
    "isi_clinical": ("isi", Priority.ROUTINE, False, None),
    "scl90_positive_screen": ("scl90", Priority.ROUTINE, False, None),
    "who5_likely_depression": ("who5", Priority.ROUTINE, False, None),
    "phq9_rise": ("phq9", Priority.ROUTINE, False, None),
    "gad7_rise": ("gad7", Priority.ROUTINE, False, None),
    "phq2_positive": ("phq2", None, False, "phq9"),
    "gad2_positive": ("gad2", None, False, "gad7"),
    "pcptsd5_positive": ("pcptsd5", None, False, "pcl5"),
    "audit_c_positive": ("audit", None, False, "audit"),
}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.name)
def test_shipped_file_loads_and_validates(path: Path) -> None:
    rules = load_rule_file(path, CATALOGUE)
    assert rules
    for rule in rules:
        assert not schema_problems({"rules": [dict(rule.raw)]})
        assert rule.path == path


def test_the_default_set_is_exactly_the_documented_policy() -> None:
    assert sorted(rule.id for rule in RULES) == sorted(POLICY)


@pytest.mark.parametrize("rule_id", sorted(POLICY))
def test_default_rule_actions(rule_id: str) -> None:
    instrument, priority, crisis, follow_up = POLICY[rule_id]
    rule = RULES.get(rule_id)
    assert rule.instrument == instrument
    referral = rule.actions.referral
    assert (None if referral is None else referral.priority) == priority
    assert rule.actions.crisis is crisis
    expected = None if follow_up is None else FollowUp(follow_up, FollowUpMode.OFFER)
    assert rule.actions.follow_up == expected
    assert rule.description["zh-CN"]
    assert rule.description["en"]
    assert rule.source


@pytest.mark.parametrize("rule_id", sorted(POLICY))
def test_readme_documents_every_default_rule(rule_id: str) -> None:
    assert f"`{rule_id}`" in README.read_text(encoding="utf-8")


def test_rules_are_indexed_by_instrument() -> None:
    assert [rule.id for rule in RULES.for_instrument("phq9")] == [
        "phq9_rise",
        "phq9_item9",
        "phq9_severe",
        "phq9_moderate",
    ]
    assert RULES.for_instrument("pss10") == ()
    assert RULES.for_instrument("no_such_instrument") == ()


def test_loading_twice_gives_the_same_policy_hash() -> None:
    again = load_rules(RULE_DIRS, CATALOGUE)
    assert again.content_hash == RULES.content_hash
    assert len(again.content_hash) == 64


def test_rules_need_the_instruments_they_name() -> None:
    without_phq9 = Catalogue({k: v for k, v in CATALOGUE.definitions.items() if k != "phq9"})
    with pytest.raises(ValueError, match=r"unknown instrument 'phq9'"):
        load_rules(RULE_DIRS, without_phq9)
