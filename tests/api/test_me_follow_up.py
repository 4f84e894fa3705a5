"""The stepped follow-up as a field a client can act on: which instrument to take next, the
assignment to answer it in, and where to fetch it, keep its draft and submit it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent

POSITIVE_PHQ2 = {"q1": 2, "q2": 1}  # total 3: Kroenke 2003's cut, offers the PHQ-9
NEGATIVE_PHQ2 = {"q1": 1, "q2": 1}


@pytest.fixture
def headers(
    make_user: Callable[..., User], db_session: Session, bearer: Callable[[str], dict[str, str]]
) -> dict[str, str]:
    """A consented officer's token."""
    officer = make_user("officer", unit="ST1-T1")
    give_consent(db_session, officer)
    db_session.flush()
    return bearer(officer.username)


def _submit(client: FlaskClient, headers: dict[str, str], instrument: str, **body: Any) -> Any:
    payload = {"instrument": instrument, "idempotency_key": uuid.uuid4().hex, **body}
    return client.post("/api/v1/submissions", json=payload, headers=headers)


def test_a_positive_short_screen_offers_the_full_one_with_what_starts_it(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = _submit(client, headers, "phq2", answers=POSITIVE_PHQ2, idempotency_key="step-0001")
    assert response.status_code == 201
    [offer] = response.get_json()["follow_up"]
    assert offer == {
        "instrument": "phq9",
        "mode": "offer",
        "assignment_id": None,
        "title": "患者健康问卷-9（PHQ-9）",
        "short_title": "PHQ-9",
        "links": {
            "instrument": "/api/v1/instruments/phq9",
            "draft": "/api/v1/me/drafts/phq9",
            "submit": "/api/v1/submissions",
            "web": "/screenings/phq9",
        },
    }
    items = client.get(offer["links"]["instrument"], headers=headers)
    assert items.status_code == 200
    assert {f"q{i}" for i in range(1, 10)} <= {item["id"] for item in items.get_json()["items"]}
    answers = {f"q{i}": 1 for i in range(1, 10)}
    draft = client.put(offer["links"]["draft"], json={"answers": answers}, headers=headers)
    assert draft.status_code == 200
    taken = client.post(
        offer["links"]["submit"],
        json={
            "instrument": offer["instrument"],
            "answers": answers,
            "idempotency_key": "step-0009",
        },
        headers=headers,
    )
    assert taken.status_code == 201
    assert taken.get_json()["result"]["instrument"] == "phq9"
    replay = _submit(client, headers, "phq2", answers=POSITIVE_PHQ2, idempotency_key="step-0001")
    assert replay.status_code == 200
    assert replay.get_json()["follow_up"] == [offer]  # a retried request says the same


def test_a_negative_short_screen_offers_nothing(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = _submit(client, headers, "phq2", answers=NEGATIVE_PHQ2)
    assert response.status_code == 201
    assert response.get_json()["follow_up"] == []


def test_the_offer_speaks_the_callers_language(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = {"instrument": "phq2", "answers": POSITIVE_PHQ2, "idempotency_key": uuid.uuid4().hex}
    response = client.post("/api/v1/submissions?lang=en", json=body, headers=headers)
    [offer] = response.get_json()["follow_up"]
    assert offer["title"] == "Patient Health Questionnaire-9 (PHQ-9)"
    assert offer["short_title"] == "PHQ-9"
