"""Never a lost form: an expired CSRF token or session keeps what the officer entered."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.web.officer.helpers import Pages, checked, token_of
from wellbeing.org.models import User
from wellbeing.screening.drafts import load_draft

PAGE_1 = {"q1": "2", "q2": "1", "q3": "0", "q4": "3", "q5": "1"}


def _session_data(app: Flask, client: FlaskClient) -> dict[str, Any]:
    cookie = client.get_cookie("wellbeing_session")
    if cookie is None:
        return {}
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    data: dict[str, Any] = serializer.loads(cookie.value)
    return data


def test_an_invalid_csrf_token_reshows_the_page_with_the_answers(
    pages: Pages, officer: User, db_session: Session
) -> None:
    pages.get("/screenings/phq9?page=1")
    response = pages.client.post(
        "/screenings/phq9?page=1", data={"csrf_token": "expired", "nav": "next", **PAGE_1}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="form-notice"' in page
    assert checked(page, "q1", 2)
    assert checked(page, "q4", 3)
    assert load_draft(db_session, officer, "phq9", None) == {}  # nothing saved without a token
    again = pages.client.post(
        "/screenings/phq9?page=1", data={"csrf_token": token_of(page), "nav": "next", **PAGE_1}
    )
    assert again.status_code == 302
    assert load_draft(db_session, officer, "phq9", None)["q4"] == 3


def test_an_invalid_token_on_submit_reshows_the_review_with_the_same_key(pages: Pages) -> None:
    pages.answer("phq9", 1, {"q1": 1})
    response = pages.client.post(
        "/screenings/phq9/submit", data={"csrf_token": "expired", "idempotency_key": "k" * 32}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="form-notice"' in page
    assert f'name="idempotency_key" value="{"k" * 32}"' in page


def test_an_expired_session_carries_the_answers_through_sign_in(
    frozen_clock: Any, app: Flask, pages: Pages, officer: User, db_session: Session
) -> None:
    client = pages.client
    token = token_of(pages.get("/screenings/phq9?page=1"))
    frozen_clock.advance(hours=13)  # past both the idle and the absolute session lifetime
    response = client.post(
        "/screenings/phq9?page=1", data={"csrf_token": token, "nav": "next", **PAGE_1}
    )
    login_page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'id="session-ended"' in login_page
    assert 'name="next" value="/screenings/phq9?page=1"' in login_page
    assert 'name="carry.q4" value="3"' in login_page
    assert 'name="carry.csrf_token"' not in login_page
    assert "q4" not in str(_session_data(app, client))  # never in a cookie

    fields = {f"carry.{k}": v for k, v in {**PAGE_1, "nav": "next"}.items()}
    signed_in = client.post(
        "/login",
        data={
            "username": officer.username,
            "password": TEST_PASSWORD,
            "csrf_token": token_of(login_page),
            "next": "/screenings/phq9?page=1",
            **fields,
        },
    )
    continue_page = signed_in.get_data(as_text=True)
    assert signed_in.status_code == 200
    assert 'action="/screenings/phq9?page=1"' in continue_page
    assert 'name="q4" value="3"' in continue_page
    assert load_draft(db_session, officer, "phq9", None) == {}

    carried = {"csrf_token": token_of(continue_page), "nav": "next", **PAGE_1}
    saved = client.post("/screenings/phq9?page=1", data=carried)
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/screenings/phq9?page=2"
    assert load_draft(db_session, officer, "phq9", None) == {k: int(v) for k, v in PAGE_1.items()}


def test_a_browser_that_lost_its_cookie_gets_sign_in_with_the_answers(
    app: Flask, officer: User
) -> None:
    fresh = app.test_client()  # no session cookie at all: the CSRF check fails first
    response = fresh.post("/screenings/phq9?page=1", data={"csrf_token": "old", **PAGE_1})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'name="carry.q1" value="2"' in page


def test_a_wrong_password_keeps_carrying_the_answers(app: Flask, officer: User) -> None:
    fresh = app.test_client()
    page = fresh.post("/screenings/phq9?page=1", data=PAGE_1).get_data(as_text=True)
    retry = fresh.post(
        "/login",
        data={
            "username": officer.username,
            "password": "wrong",
            "csrf_token": token_of(page),
            "next": "/screenings/phq9?page=1",
            "carry.q1": "2",
        },
    )
    assert retry.status_code == 401
    assert 'name="carry.q1" value="2"' in retry.get_data(as_text=True)
