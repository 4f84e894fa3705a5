"""Two officer pages a phone app also needs: one result (with its crisis flag and stepped
follow-ups, as the result page) and the crisis contacts every officer page can show."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent


@pytest.fixture
def officer(make_user: Callable[..., User], db_session: Session) -> User:
    """A consented officer."""
    user = make_user("officer", unit="ST1-T1")
    give_consent(db_session, user)
    db_session.flush()
    return user


def _submit(client: FlaskClient, headers: dict[str, str], instrument: str, answers: Any) -> Any:
    body = {"instrument": instrument, "answers": answers, "idempotency_key": uuid.uuid4().hex}
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 201
    return response.get_json()


def test_one_result_says_what_the_submission_said(
    client: FlaskClient, officer: User, bearer: Callable[[str], dict[str, str]]
) -> None:
    headers = bearer(officer.username)
    made = _submit(client, headers, "phq2", {"q1": 2, "q2": 1})
    got = client.get(f"/api/v1/me/submissions/{made['id']}", headers=headers)
    assert got.status_code == 200
    body = got.get_json()
    assert body["id"] == made["id"]
    assert body["instrument"] == "phq2"
    assert body["result"] == made["result"]
    assert body["crisis"] is False
    assert body["follow_up"] == made["follow_up"]
    assert body["follow_up"][0]["instrument"] == "phq9"
    assert "answers" not in body


def test_a_crisis_result_says_so_and_the_contacts_say_show_them_now(
    app: Flask, client: FlaskClient, officer: User, bearer: Callable[[str], dict[str, str]]
) -> None:
    headers = bearer(officer.username)
    before = client.get("/api/v1/me/crisis-contacts", headers=headers).get_json()
    assert before["crisis_banner"] is False
    made = _submit(client, headers, "phq9", {f"q{i}": 3 if i == 9 else 0 for i in range(1, 10)})
    assert made["crisis"] is True
    one = client.get(f"/api/v1/me/submissions/{made['id']}", headers=headers).get_json()
    assert one["crisis"] is True
    after = client.get("/api/v1/me/crisis-contacts", headers=headers)
    assert after.status_code == 200
    contacts = after.get_json()
    assert contacts["crisis_banner"] is True
    settings = app.extensions["wellbeing.settings"]
    assert contacts["station"]["phone"] == settings.station_phone
    assert contacts["station"]["name"] == settings.station_name
    hotline_numbers = [line["number"] for line in contacts["hotlines"]]
    for number in hotline_numbers:
        assert number in settings.crisis_hotlines
    assert all(set(line["tel"]) <= set("+0123456789") for line in contacts["hotlines"])
    assert contacts["on_call"] is None or contacts["on_call"]["phone"]


def test_another_officers_result_does_not_exist(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    db_session: Session,
    bearer: Callable[[str], dict[str, str]],
) -> None:
    made = _submit(client, bearer(officer.username), "phq2", {"q1": 0, "q2": 0})
    peer = make_user("officer", unit="ST1-T1")
    response = client.get(f"/api/v1/me/submissions/{made['id']}", headers=bearer(peer.username))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    missing = client.get("/api/v1/me/submissions/" + "0" * 32, headers=bearer(officer.username))
    assert missing.status_code == 404
