"""Fixtures for the officer pages: a consented officer signed in, and form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages
from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent


@pytest.fixture
def officer(make_user: Callable[..., User], db_session: Session) -> User:
    """An officer in ST1-T1 who has consented."""
    user = make_user("officer", unit="ST1-T1")
    give_consent(db_session, user)
    db_session.flush()
    return user


@pytest.fixture
def officer_client(client: FlaskClient, officer: User, login: Any) -> FlaskClient:
    """A test client signed in as the consented officer."""
    login(client, officer.username)
    return client


@pytest.fixture
def pages(officer_client: FlaskClient) -> Pages:
    """Form helpers bound to the signed-in officer's client."""
    return Pages(officer_client)
