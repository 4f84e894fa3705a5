"""Fixtures for supervision: staff in ST1 (two counsellors, a supervisor), a supervisor for ST2,
a leader and an admin; referrals opened, worked and closed through the real service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from wellbeing.org.models import User
from wellbeing.referrals import service
from wellbeing.referrals.models import Outcome, Referral, RiskAssessment
from wellbeing.referrals.review import ReviewPolicy

ALL = ReviewPolicy(seed=b"every case", urgent_share=1.0, other_share=1.0)
NONE = ReviewPolicy(seed=b"no case", urgent_share=0.0, other_share=0.0)


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    """c1, c2 and sup for ST1; sup2 and other (a counsellor) for ST2; a leader and an admin."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "c2": make_user("counsellor", unit="ST1", scope="ST1", username="c2"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup", locale="en"),
        "sup2": make_user("supervisor", unit="ST2", scope="ST2", username="sup2"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
        "leader": make_user("leader", unit="ST1", scope="ST1", username="leader"),
        "admin": make_user("admin", unit="ST1", username="admin"),
    }


@pytest.fixture
def close_case(db_session: Any) -> Callable[..., Referral]:
    """Close a held case through the service (a risk assessment first when urgent)."""

    def close(referral: Referral, counsellor: User, review: ReviewPolicy = ALL) -> Referral:
        if referral.priority == "urgent" and not service.has_risk_assessment(db_session, referral):
            assessment = RiskAssessment(
                referral_id=referral.id,
                officer_id=referral.officer_id,
                author_id=counsellor.id,
                body={"level": "low"},
            )
            db_session.add(assessment)
        service.close(
            db_session, referral, counsellor, outcome=Outcome.SUPPORT_PROVIDED, note="完成",
            review=review,
        )  # fmt: skip
        db_session.flush()
        return referral

    return close


@pytest.fixture
def closed_case(db_session: Any, refer: Any, close_case: Any) -> Callable[..., Referral]:
    """Open, claim, reach and close a case: closed_case(officer, counsellor, priority,
    review=policy, reach=True)."""

    def build(
        officer: User,
        counsellor: User,
        priority: str = "routine",
        *,
        review: ReviewPolicy = ALL,
        reach: bool = True,
    ) -> Referral:
        referral = refer(officer, priority)
        service.claim(db_session, referral, counsellor)
        if reach:
            service.record_contact(db_session, referral, counsellor, reached=True, note="通话")
        return close_case(referral, counsellor, review)

    return build


@pytest.fixture
def signed_in(app: Flask, login: Any) -> Callable[[str], FlaskClient]:
    """A client signed in through the login form as this user."""

    def sign_in(username: str) -> FlaskClient:
        client = app.test_client()
        login(client, username)
        return client

    return sign_in
