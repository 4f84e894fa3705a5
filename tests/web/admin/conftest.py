"""Fixtures for the admin pages: signed-in clients of each role, and form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from wellbeing.instruments import Catalogue
from wellbeing.org.models import User


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    """An English-speaking admin at the bureau."""
    return make_user("admin", unit="BUR", username="admin-pages", locale="en")


@pytest.fixture
def admin_client(client: FlaskClient, admin: User, login: Any) -> FlaskClient:
    """A test client signed in as the admin."""
    assert login(client, admin.username).status_code == 302
    return client


@pytest.fixture
def station_officers(make_user: Callable[..., User]) -> list[User]:
    """Two officers in ST1-T1, one in ST1-T2 and one in ST2-T1."""
    return [
        make_user("officer", unit="ST1-T1", username="off-a"),
        make_user("officer", unit="ST1-T1", username="off-b"),
        make_user("officer", unit="ST1-T2", username="off-c"),
        make_user("officer", unit="ST2-T1", username="off-d"),
    ]


@pytest.fixture
def catalogue(app: Flask) -> Catalogue:
    """The app's questionnaire catalogue."""
    loaded: Catalogue = app.extensions["wellbeing.catalogue"]
    return loaded
