"""Fixtures for retention and erasure: submissions through the real pipeline, a job context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from wellbeing.app.jobs import JobContext
from wellbeing.crisis import service as crisis
from wellbeing.org.models import User
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import Outcome, Referral
from wellbeing.referrals.review import ReviewPolicy

SEVERE = [3, 3, 3, 3, 3, 3, 3, 3, 3]  # PHQ-9 with item 9 endorsed: an urgent crisis referral
CALM = [0, 0, 0, 0, 0, 0, 0, 0, 0]


def referral_of(session: Session, outcome: Any) -> Referral:
    """The referral a submission opened or joined."""
    assert outcome.referral is not None
    found = session.get(Referral, outcome.referral["id"])
    assert found is not None
    return found


@pytest.fixture
def submit(submit_phq9: Callable[..., Any]) -> Callable[..., Any]:
    """submit(officer, values) → SubmissionOutcome, PHQ-9 through the real pipeline."""
    return submit_phq9


@pytest.fixture
def close_referral(db_session: Session, make_user: Callable[..., User]) -> Callable[..., None]:
    """close_referral(referral): a counsellor claims it, notes a contact, assesses the risk,
    writes a safety plan with the officer, and closes it."""
    counsellor = make_user("counsellor", unit="ST1", scope="ST1")

    def run(referral: Referral) -> None:
        referrals.claim(db_session, referral, counsellor)
        referrals.record_contact(
            db_session, referral, counsellor, reached=True, note="talked about sleep"
        )
        crisis.record_risk_assessment(
            db_session, referral, counsellor, level="low", factors=[], actions=["follow_up_booked"]
        )
        crisis.write_plan_as_counsellor(
            db_session, referral, counsellor, {"coping": ["walk the dog"]}
        )
        referrals.close(
            db_session,
            referral,
            counsellor,
            outcome=Outcome.SUPPORT_PROVIDED,
            note="seen twice, coping",
            review=ReviewPolicy(seed=b"insecure-test-seed"),
        )
        db_session.flush()

    return run


@pytest.fixture
def job_context(app: Flask) -> Callable[..., JobContext]:
    """job_context(**settings) → a JobContext on the test's transaction with settings changed."""
    from dataclasses import replace

    def build(**overrides: Any) -> JobContext:
        settings = replace(app.extensions["wellbeing.settings"], **overrides)
        return JobContext(app.extensions["wellbeing.db"], settings)

    return build
