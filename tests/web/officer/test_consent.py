"""Consent comes before any screening page; it is recorded per version and can be withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.web.officer.helpers import token_of
from wellbeing.org.models import User
from wellbeing.screening.consent import CONSENT_VERSION, current_consent


@pytest.fixture
def new_officer(make_user: Callable[..., User]) -> User:
    """An officer who has not consented yet."""
    return make_user("officer", unit="ST1-T1")


@pytest.mark.parametrize("path", ["/screenings", "/screenings/phq9", "/screenings/phq9/review"])
def test_screening_pages_send_a_new_officer_to_consent(
    client: FlaskClient, new_officer: User, login: Any, path: str
) -> None:
    login(client, new_officer.username)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/consent?next=")


def test_consent_page_explains_who_sees_what(
    client: FlaskClient, new_officer: User, login: Any
) -> None:
    login(client, new_officer.username)
    page = client.get("/consent").get_data(as_text=True)
    assert "只有当结果触发转介时，服务站的心理咨询师才能看到您的作答" in page
    assert "领导只能看到整个单位的匿名汇总" in page
    assert "您的任何上级都无法查看您个人的作答" in page
    assert "参与完全自愿" in page
    assert f'data-consent-version="{CONSENT_VERSION}"' in page
    assert 'id="consent-agree"' in page


def test_agreeing_records_consent_and_returns_to_the_questionnaire(
    client: FlaskClient, new_officer: User, login: Any, db_session: Session
) -> None:
    login(client, new_officer.username)
    gate = client.get("/screenings/phq9?page=1")
    page = client.get(gate.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/screenings/phq9?page=1"' in page
    response = client.post(
        "/consent", data={"csrf_token": token_of(page), "next": "/screenings/phq9?page=1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/screenings/phq9?page=1"
    consent = current_consent(db_session, new_officer)
    assert consent is not None
    assert consent.version == CONSENT_VERSION
    assert client.get("/screenings/phq9?page=1").status_code == 200


def test_withdrawing_consent_closes_the_screening_pages(
    officer_client: FlaskClient, officer: User, db_session: Session
) -> None:
    page = officer_client.get("/consent").get_data(as_text=True)
    assert 'id="consent-withdraw"' in page
    response = officer_client.post("/consent/withdraw", data={"csrf_token": token_of(page)})
    assert response.status_code == 302
    assert current_consent(db_session, officer) is None
    assert officer_client.get("/screenings/phq9").status_code == 302
    assert 'id="consent-agree"' in officer_client.get("/consent").get_data(as_text=True)


def test_an_outside_next_address_is_not_followed(
    client: FlaskClient, new_officer: User, login: Any
) -> None:
    login(client, new_officer.username)
    token = token_of(client.get("/consent").get_data(as_text=True))
    response = client.post("/consent", data={"csrf_token": token, "next": "https://evil.test/"})
    assert response.headers["Location"] == "/"
