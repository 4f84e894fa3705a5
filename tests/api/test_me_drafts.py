"""Drafts through the API: the same sealed drafts the questionnaire pages keep, so an officer
can start on the phone app and finish on the web (and the other way round)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent, withdraw_consent
from wellbeing.screening.drafts import load_draft, save_draft
from wellbeing.screening.models import Assignment, AssignmentStatus, Draft

URL = "/api/v1/me/drafts/phq9"


@pytest.fixture
def officer(make_user: Callable[..., User], db_session: Session) -> User:
    """An officer in ST1-T1 who has consented."""
    user = make_user("officer", unit="ST1-T1")
    give_consent(db_session, user)
    db_session.flush()
    return user


@pytest.fixture
def headers(officer: User, bearer: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """The officer's API token, from the API's sign-in route."""
    return bearer(officer.username)


def _assignment(db_session: Session, officer: User, instruments: list[str]) -> Assignment:
    now = utcnow()
    assignment = Assignment(
        officer_id=officer.id,
        unit_id=officer.unit_id,
        instruments=instruments,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
        status=AssignmentStatus.PENDING.value,
    )
    db_session.add(assignment)
    db_session.flush()
    return assignment


def test_a_draft_put_through_the_api_is_the_webs_draft_sealed(
    client: FlaskClient, headers: dict[str, str], officer: User, db_session: Session
) -> None:
    assert client.get(URL, headers=headers).get_json() == {
        "instrument": "phq9",
        "assignment_id": None,
        "answers": {},
    }
    put = client.put(URL, json={"answers": {"q1": 2, "q2": 1, "q3": None}}, headers=headers)
    assert put.status_code == 200
    assert put.get_json()["answers"] == {"q1": 2, "q2": 1, "q3": None}
    assert load_draft(db_session, officer, "phq9", None) == {"q1": 2, "q2": 1, "q3": None}
    row = db_session.execute(text("SELECT * FROM drafts")).one()  # every stored column
    stored = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
    assert '"q1"' not in stored  # sealed, as the web's drafts (the key as JSON writes it)
    assert client.get(URL, headers=headers).get_json()["answers"] == {"q1": 2, "q2": 1, "q3": None}


def test_the_web_resumes_an_api_draft_and_the_api_reads_a_web_draft(
    client: FlaskClient, headers: dict[str, str], officer: User, login: Any, db_session: Session
) -> None:
    client.put(URL, json={"answers": {"q1": 3}}, headers=headers)
    login(client, officer.username)
    page = client.get("/screenings/phq9?page=1").get_data(as_text=True)
    assert _checked(page, "q1", 3)
    assert not _checked(page, "q1", 2)
    save_draft(db_session, officer, "gad7", None, {"q2": 1})  # as the web's page save does
    db_session.flush()
    got = client.get("/api/v1/me/drafts/gad7", headers=headers).get_json()
    assert got["answers"] == {"q2": 1}


def _checked(page: str, item: str, value: int) -> bool:
    inputs = re.findall(r"<input[^>]*>", page)
    return any(
        f'name="{item}"' in tag and f'value="{value}"' in tag and "checked" in tag for tag in inputs
    )


def test_put_replaces_the_whole_draft(
    client: FlaskClient, headers: dict[str, str], officer: User, db_session: Session
) -> None:
    client.put(URL, json={"answers": {"q1": 1, "q2": 1}}, headers=headers)
    second = client.put(URL, json={"answers": {"q3": 2}}, headers=headers)
    assert second.get_json()["answers"] == {"q3": 2}
    assert load_draft(db_session, officer, "phq9", None) == {"q3": 2}


def test_bad_answers_are_400_with_each_reason_and_nothing_is_saved(
    client: FlaskClient, headers: dict[str, str], officer: User, db_session: Session
) -> None:
    client.put(URL, json={"answers": {"q1": 1}}, headers=headers)
    bad = {"q1": 7, "q2": "1", "q3": True, "q99": 1, "q4": 1}
    response = client.put(URL, json={"answers": bad}, headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_draft"
    problems = {problem["item"]: problem for problem in error["items"]}
    assert set(problems) == {"q1", "q2", "q3", "q99"}
    assert problems["q99"]["code"] == "unknown_item"
    assert problems["q1"]["code"] == "not_an_option"
    assert problems["q1"]["allowed"] == [0, 1, 2, 3]
    assert "q1" in problems["q1"]["message"]
    assert load_draft(db_session, officer, "phq9", None) == {"q1": 1}


@pytest.mark.parametrize("body", [{}, {"answers": [1, 2]}, {"answers": "q1=1"}, [], "x"])
def test_a_malformed_body_is_400_naming_answers(
    client: FlaskClient, headers: dict[str, str], body: Any, db_session: Session
) -> None:
    response = client.put(URL, json=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request",
        "message": response.get_json()["error"]["message"],
        "field": "answers",
    }
    assert db_session.scalars(select(Draft)).first() is None


def test_a_form_body_is_415(client: FlaskClient, headers: dict[str, str]) -> None:
    assert client.put(URL, data={"answers": "x"}, headers=headers).status_code == 415


@pytest.mark.parametrize("instrument", ["scl90", "nope"])
def test_an_instrument_not_offered_is_404(
    client: FlaskClient, headers: dict[str, str], instrument: str
) -> None:
    url = f"/api/v1/me/drafts/{instrument}"
    for response in (
        client.get(url, headers=headers),
        client.put(url, json={"answers": {}}, headers=headers),
        client.delete(url, headers=headers),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "instrument_not_offered"


def test_saving_needs_consent_but_reading_and_deleting_do_not(
    client: FlaskClient, headers: dict[str, str], officer: User, db_session: Session
) -> None:
    client.put(URL, json={"answers": {"q1": 1}}, headers=headers)
    withdraw_consent(db_session, officer)
    refused = client.put(URL, json={"answers": {"q1": 2}}, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "consent_required"
    assert client.get(URL, headers=headers).get_json()["answers"] == {"q1": 1}
    assert client.delete(URL, headers=headers).status_code == 204
    assert client.get(URL, headers=headers).get_json()["answers"] == {}
    assert client.delete(URL, headers=headers).status_code == 204  # none left: still 204


def test_drafts_of_an_assignment_are_apart_and_only_the_officers_own(
    client: FlaskClient,
    headers: dict[str, str],
    officer: User,
    make_user: Callable[..., User],
    db_session: Session,
) -> None:
    mine = _assignment(db_session, officer, ["phq9", "gad7"])
    other = _assignment(db_session, make_user("officer", unit="ST1-T1"), ["phq9"])
    own_url = f"{URL}?assignment_id={mine.id}"
    assert client.put(own_url, json={"answers": {"q1": 3}}, headers=headers).status_code == 200
    assert client.get(URL, headers=headers).get_json()["answers"] == {}  # the self-check's
    got = client.get(own_url, headers=headers).get_json()
    assert got == {"instrument": "phq9", "assignment_id": mine.id, "answers": {"q1": 3}}
    foreign = client.get(f"{URL}?assignment_id={other.id}", headers=headers)
    assert foreign.status_code == 409
    assert foreign.get_json()["error"]["code"] == "assignment_unavailable"
    wrong = client.put(
        f"/api/v1/me/drafts/pcl5?assignment_id={mine.id}", json={"answers": {}}, headers=headers
    )
    assert wrong.status_code == 409  # the assignment does not ask for it
    bad = client.get(f"{URL}?assignment_id=abc", headers=headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["field"] == "assignment_id"


def test_submitting_through_the_api_clears_the_draft(
    client: FlaskClient, headers: dict[str, str], officer: User, db_session: Session
) -> None:
    answers = {f"q{i}": 1 for i in range(1, 10)}
    client.put(URL, json={"answers": answers}, headers=headers)
    draft = client.get(URL, headers=headers).get_json()["answers"]
    body = {"instrument": "phq9", "answers": draft, "idempotency_key": uuid.uuid4().hex}
    assert client.post("/api/v1/submissions", json=body, headers=headers).status_code == 201
    assert client.get(URL, headers=headers).get_json()["answers"] == {}
