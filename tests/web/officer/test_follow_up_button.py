"""The result page offers the stepped follow-up ("继续完成 PHQ-9") as a button that starts it;
an assigned follow-up starts inside its assignment and is no longer offered once answered."""

from __future__ import annotations

import dataclasses
import re
import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.rules.loader import load_rules
from wellbeing.screening import service
from wellbeing.screening.models import Assignment
from wellbeing.screening.policy import ScreeningPolicy

POSITIVE_PHQ2 = {"q1": 2, "q2": 1}
NEGATIVE_PHQ2 = {"q1": 0, "q2": 1}
ASSIGN_RULE = """\
rules:
  - id: phq2_positive_assign
    description: {zh-CN: 测试：指派 PHQ-9, en: test - assign the PHQ-9}
    instrument: phq2
    when: {total: {ge: 3}}
    actions:
      follow_up: {instrument: phq9, mode: assign}
    source: "a test of the assign mode"
"""


def _submit(
    db_session: Session, policy: ScreeningPolicy, officer: User, instrument: str, answers: Any
) -> Any:
    outcome = service.submit(
        db_session,
        policy,
        officer,
        instrument_id=instrument,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
    )
    db_session.flush()
    return outcome


def _button(page: str, instrument: str) -> re.Match[str] | None:
    return re.search(
        rf'<a [^>]*href="([^"]+)"[^>]*id="follow-up-{instrument}"[^>]*>([^<]+)</a>', page
    )


def test_a_positive_phq2_result_offers_a_button_that_starts_the_phq9(
    app: Flask, officer_client: FlaskClient, officer: User, db_session: Session
) -> None:
    outcome = _submit(
        db_session, app.extensions["wellbeing.policy"], officer, "phq2", POSITIVE_PHQ2
    )
    page = officer_client.get(f"/results/{outcome.submission.id}").get_data(as_text=True)
    button = _button(page, "phq9")
    assert button is not None, "no follow-up button on the result page"
    assert button.group(1) == "/screenings/phq9"
    assert button.group(2).strip() == "继续完成 PHQ-9"
    started = officer_client.get(button.group(1))
    assert started.status_code == 200
    assert 'data-instrument="phq9"' in started.get_data(as_text=True)
    english = officer_client.get(f"/results/{outcome.submission.id}?lang=en").get_data(as_text=True)
    english_button = _button(english, "phq9")
    assert english_button is not None
    assert english_button.group(2).strip() == "Continue with PHQ-9"


def test_a_negative_result_offers_no_button(
    app: Flask, officer_client: FlaskClient, officer: User, db_session: Session
) -> None:
    outcome = _submit(
        db_session, app.extensions["wellbeing.policy"], officer, "phq2", NEGATIVE_PHQ2
    )
    page = officer_client.get(f"/results/{outcome.submission.id}").get_data(as_text=True)
    assert 'id="follow-up"' not in page
    assert "继续完成" not in page


def test_an_assigned_follow_up_starts_in_its_assignment_until_it_is_answered(
    app: Flask,
    officer_client: FlaskClient,
    officer: User,
    db_session: Session,
    tmp_path: Path,
) -> None:
    (tmp_path / "assign.yaml").write_text(ASSIGN_RULE, encoding="utf-8")
    policy = app.extensions["wellbeing.policy"]
    assigning = dataclasses.replace(policy, rules=load_rules([tmp_path], policy.catalogue))
    outcome = _submit(db_session, assigning, officer, "phq2", POSITIVE_PHQ2)
    [follow_up] = outcome.follow_ups
    assignment = db_session.get(Assignment, follow_up["assignment_id"])
    assert assignment is not None
    assert assignment.officer_id == officer.id
    assert list(assignment.instruments) == ["phq9"]
    assert follow_up == {"instrument": "phq9", "mode": "assign", "assignment_id": assignment.id}

    page = officer_client.get(f"/results/{outcome.submission.id}").get_data(as_text=True)
    button = _button(page, "phq9")
    assert button is not None
    assert button.group(1) == f"/screenings/phq9?assignment={assignment.id}"
    assert officer_client.get(button.group(1)).status_code == 200

    service.submit(
        db_session,
        policy,
        officer,
        instrument_id="phq9",
        answers={f"q{i}": 0 for i in range(1, 10)},
        idempotency_key=uuid.uuid4().hex,
        assignment_id=assignment.id,
    )
    db_session.flush()
    again = officer_client.get(f"/results/{outcome.submission.id}").get_data(as_text=True)
    assert _button(again, "phq9") is None  # answered: nothing left to start
