"""Fixtures for screening: a consented officer, an API token, a submit helper."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue
from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent


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
