"""Consent through the API alone: read the statement, agree, withdraw — the same records as the
consent page, so a phone app can onboard an officer without the web form."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.screening.consent import CONSENT_VERSION, current_consent
from wellbeing.screening.models import Consent, Submission

PHQ9_LOW = {f"q{i}": 0 for i in range(1, 10)}


@pytest.fixture
def new_officer(make_user: Callable[..., User]) -> User:
    """An officer who has never consented."""
    return make_user("officer", unit="ST1-T1")


def _submit(client: FlaskClient, headers: dict[str, str]) -> Any:
    body = {"instrument": "phq9", "answers": PHQ9_LOW, "idempotency_key": uuid.uuid4().hex}
    return client.post("/api/v1/submissions", json=body, headers=headers)


def _consents(db_session: Session, officer: User) -> int:
    query = select(func.count()).select_from(Consent).where(Consent.officer_id == officer.id)
    return int(db_session.scalar(query) or 0)


def test_consent_withdraw_and_submit_through_the_api_alone(
    client: FlaskClient, bearer: Callable[[str], dict[str, str]], new_officer: User, db_session: Any
) -> None:
    headers = bearer(new_officer.username)  # the API's sign-in route, no web form
    refused = _submit(client, headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "consent_required"

    state = client.get("/api/v1/me/consent", headers=headers)
    assert state.status_code == 200
    body = state.get_json()
    assert body["given"] is False
    assert body["version"] == CONSENT_VERSION
    assert body["given_at"] is None
    assert "领导只能看到整个单位的匿名汇总" in body["text"]["zh-CN"]
    assert "Leaders see only anonymous totals for whole units" in body["text"]["en"]
    assert "参与完全自愿" in body["text"]["zh-CN"]

    given = client.post("/api/v1/me/consent", json={"version": body["version"]}, headers=headers)
    assert given.status_code == 201
    assert given.get_json()["given"] is True
    again = client.post("/api/v1/me/consent", json={"version": body["version"]}, headers=headers)
    assert again.status_code == 200  # already stood: nothing new recorded
    assert again.get_json() == given.get_json()
    assert _consents(db_session, new_officer) == 1

    submitted = _submit(client, headers)
    assert submitted.status_code == 201
    assert db_session.get(Submission, submitted.get_json()["id"]).officer_id == new_officer.id

    withdrawn = client.delete("/api/v1/me/consent", headers=headers)
    assert withdrawn.status_code == 204
    assert withdrawn.get_data() == b""
    assert current_consent(db_session, new_officer) is None  # as the web's withdraw button
    assert client.get("/api/v1/me/consent", headers=headers).get_json()["given"] is False
    after = _submit(client, headers)
    assert after.status_code == 403
    assert after.get_json()["error"]["code"] == "consent_required"
    assert client.delete("/api/v1/me/consent", headers=headers).status_code == 204  # again: fine


def test_consent_given_through_the_api_opens_the_web_pages_and_withdrawal_closes_them(
    client: FlaskClient, bearer: Callable[[str], dict[str, str]], new_officer: User, login: Any
) -> None:
    headers = bearer(new_officer.username)
    login(client, new_officer.username)
    assert client.get("/screenings").status_code == 302  # to the consent page
    client.post("/api/v1/me/consent", json={"version": CONSENT_VERSION}, headers=headers)
    assert client.get("/screenings").status_code == 200
    client.delete("/api/v1/me/consent", headers=headers)
    gate = client.get("/screenings")
    assert gate.status_code == 302
    assert gate.headers["Location"].startswith("/consent")


def test_a_stale_version_is_409_and_records_nothing(
    client: FlaskClient, bearer: Callable[[str], dict[str, str]], new_officer: User, db_session: Any
) -> None:
    headers = bearer(new_officer.username)
    response = client.post("/api/v1/me/consent", json={"version": "2020-01-v0"}, headers=headers)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "consent_version_stale"
    assert error["current_version"] == CONSENT_VERSION
    assert error["message"]
    assert _consents(db_session, new_officer) == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"version": ""},
        {"version": 1},
        {"version": None},
        {"versions": CONSENT_VERSION},
        [CONSENT_VERSION],
        "2026-11-v1",
    ],
)
def test_a_malformed_body_is_400_and_records_nothing(
    client: FlaskClient,
    bearer: Callable[[str], dict[str, str]],
    new_officer: User,
    db_session: Any,
    body: Any,
) -> None:
    headers = bearer(new_officer.username)
    response = client.post("/api/v1/me/consent", json=body, headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["field"] == "version"
    assert _consents(db_session, new_officer) == 0


def test_broken_json_is_400_and_a_form_is_415(
    client: FlaskClient, bearer: Callable[[str], dict[str, str]], new_officer: User, db_session: Any
) -> None:
    headers = bearer(new_officer.username)
    broken = client.post(
        "/api/v1/me/consent",
        data='{"version": ',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    form = client.post("/api/v1/me/consent", data={"version": CONSENT_VERSION}, headers=headers)
    assert form.status_code == 415
    assert form.get_json()["error"]["code"] == "unsupported_media_type"
    assert _consents(db_session, new_officer) == 0


def test_the_statement_follows_the_callers_language_nowhere_but_in_text(
    client: FlaskClient, bearer: Callable[[str], dict[str, str]], new_officer: User
) -> None:
    headers = bearer(new_officer.username)
    zh = client.get("/api/v1/me/consent", headers=headers).get_json()
    en = client.get("/api/v1/me/consent?lang=en", headers=headers).get_json()
    assert zh["text"] == en["text"]  # both languages always, whatever the caller's own
    assert zh["text"]["en"].startswith("Before you start: how your answers are used")
    assert zh["text"]["zh-CN"].startswith("开始之前：您的作答会如何使用")
