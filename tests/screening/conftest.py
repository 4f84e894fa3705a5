"""Fixtures for screening: a consented officer, an API token, a submit helper."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.instruments import Catalogue
from wellbeing.org.models import User
from wellbeing.screening import campaigns
from wellbeing.screening.consent import give_consent
from wellbeing.screening.models import Assignment


@pytest.fixture
def catalogue(app: Flask) -> Catalogue:
    """The app's questionnaire catalogue."""
    loaded: Catalogue = app.extensions["wellbeing.catalogue"]
    return loaded


@pytest.fixture
def officer(make_user: Callable[..., User], db_session: Session) -> User:
    """An officer in ST1-T1 who has consented."""
    user = make_user("officer", unit="ST1-T1")
    give_consent(db_session, user)
    db_session.flush()
    return user


@pytest.fixture
def token_for(client: FlaskClient) -> Callable[[User], dict[str, str]]:
    """Authorization headers for a user, through the real token endpoint."""

    def headers(user: User) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token",
            json={"username": user.username, "password": "insecure-test-password"},
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return headers


def phq9(*values: int) -> dict[str, int]:
    """PHQ-9 answers q1..q9 from nine values."""
    assert len(values) == 9
    return {f"q{i}": value for i, value in enumerate(values, start=1)}


@pytest.fixture
def post_submission(client: FlaskClient) -> Callable[..., Any]:
    """POST /api/v1/submissions with a fresh idempotency key unless one is given."""

    def post(
        headers: dict[str, str], instrument: str, answers: dict[str, Any], **extra: Any
    ) -> Any:
        body = {
            "instrument": instrument,
            "answers": answers,
            "idempotency_key": extra.pop("key", uuid.uuid4().hex),
            **extra,
        }
        return client.post("/api/v1/submissions", json=body, headers=headers)

    return post


@pytest.fixture
def phq9_answers() -> Callable[..., dict[str, int]]:
    """Build PHQ-9 answers."""
    return phq9


@pytest.fixture
def staff_for_station(make_user: Callable[..., User]) -> User:
    """A counsellor covering the whole bureau (so referrals notify someone)."""
    return make_user("counsellor", unit="BUR", scope="BUR")


@pytest.fixture
def open_wave_for(
    db_session: Session, catalogue: Catalogue, officer: User
) -> Callable[[list[str]], Assignment]:
    """Open a wave of the given instruments for ST1; return the officer's assignment in it."""

    def open_wave(instruments: list[str]) -> Assignment:
        now = utcnow()
        campaigns.create_campaign(
            db_session,
            catalogue,
            name="Q",
            unit_code="ST1",
            instruments=instruments,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
        )
        campaigns.open_due_waves(db_session, now)
        campaigns.open_due_assignments(db_session, now)
        query = select(Assignment).where(Assignment.officer_id == officer.id)
        return db_session.scalars(query).one()

    return open_wave
