"""Issue 21, point 7: a critical item left blank. The items a critical flag reads (and the items
that decide whether those are asked) must be answered before a submission is accepted, so the
crisis rule can always fire; a draft may still leave them blank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue, Definition, critical_items
from wellbeing.instruments.conditions import referenced_items
from wellbeing.instruments.validation import CRITICAL_ITEM_MISSING
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.errors import InvalidAnswers
from wellbeing.screening.models import Submission
from wellbeing.screening.service import score_answers


def _count(db_session: Session) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Submission)) or 0)


def _with_critical_flags(catalogue: Catalogue) -> list[Definition]:
    return [d for d in catalogue.definitions.values() if any(f.critical for f in d.flags)]


def _highest_answers(definition: Definition) -> dict[str, int | None]:
    """Every item at its highest option (so every skip condition opens)."""
    return {item.id: max(item.values) for item in definition.items}


def test_phq9_without_item9_is_422_naming_it_and_stores_nothing(
    officer: Any, token_for: Any, post_submission: Any, db_session: Session
) -> None:
    answers = {f"q{i}": 0 for i in range(1, 9)}  # q9 left blank
    response = post_submission(token_for(officer), "phq9", answers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answers"  # the same shape as any other bad answer
    assert [(p["item"], p["code"]) for p in error["items"]] == [("q9", CRITICAL_ITEM_MISSING)]
    assert "q9" in error["items"][0]["message"]
    assert _count(db_session) == 0


def test_phq9_with_item9_answered_but_others_blank_is_still_accepted(
    officer: Any, token_for: Any, post_submission: Any
) -> None:
    response = post_submission(token_for(officer), "phq9", {"q1": 1, "q9": 0})
    assert response.status_code == 201
    assert response.get_json()["result"]["complete"] is False


def test_a_draft_may_leave_item9_blank(
    client: FlaskClient,
    officer: Any,
    bearer: Callable[[str], dict[str, str]],
    db_session: Session,
) -> None:
    put = client.put(
        "/api/v1/me/drafts/phq9", json={"answers": {"q1": 2}}, headers=bearer(officer.username)
    )
    assert put.status_code == 200
    assert load_draft(db_session, officer, "phq9", None) == {"q1": 2}


def test_every_instrument_with_a_critical_flag_is_checked(catalogue: Catalogue) -> None:
    found = {d.id: critical_items(d) for d in _with_critical_flags(catalogue)}
    assert found == {
        "phq9": ("q9",),
        "scl90": ("q15",),
        "cssrs": ("q2", "q4", "q5", "q6", "q6_recent"),  # q2 and q6 decide if the rest is asked
    }
    for definition in _with_critical_flags(catalogue):
        for flag in definition.flags:
            if flag.critical:
                assert set(referenced_items(flag.when)) <= set(found[definition.id])


def test_each_critical_item_left_blank_is_refused(catalogue: Catalogue) -> None:
    for definition in _with_critical_flags(catalogue):
        for item_id in critical_items(definition):
            answers = _highest_answers(definition)
            answers[item_id] = None
            with pytest.raises(InvalidAnswers) as caught:
                score_answers(definition, answers)
            problems = [(p.code, p.item) for p in caught.value.problems]
            assert problems == [(CRITICAL_ITEM_MISSING, item_id)], definition.id


def test_cssrs_asks_one_gate_at_a_time(catalogue: Catalogue) -> None:
    cssrs = catalogue.get("cssrs")
    no_ideation = {"q1": 0, "q2": 0, "q6": 0}  # q3-q5 and q6_recent are skipped
    assert score_answers(cssrs, no_ideation).band == "none"
    with pytest.raises(InvalidAnswers) as caught:
        score_answers(cssrs, {"q1": 1, "q6": 0})  # q2 blank: q4 and q5 may or may not be asked
    assert [p.item for p in caught.value.problems] == ["q2"]
    with pytest.raises(InvalidAnswers) as caught:
        score_answers(cssrs, {"q1": 1, "q2": 1, "q3": 0, "q6": 1})
    assert [p.item for p in caught.value.problems] == ["q4", "q5", "q6_recent"]
