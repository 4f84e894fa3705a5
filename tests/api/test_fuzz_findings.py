"""Server errors schemathesis found (scripts/fuzz_api.py), kept as regression tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from wellbeing.auth import service as auth_service
from wellbeing.referrals import service as referrals
from wellbeing.referrals.service import Deadlines


def _bearer(db_session: Any, user: Any) -> dict[str, str]:
    raw, _expires = auth_service.issue_token(db_session, user, timedelta(hours=1))
    db_session.flush()
    return {"Authorization": f"Bearer {raw}"}


def test_closing_with_a_non_string_outcome_is_a_422(
    client: FlaskClient, db_session: Any, make_user: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    supervisor = make_user("supervisor", unit="ST1", scope="ST1")
    referral = referrals.self_refer(db_session, officer, None, Deadlines())
    db_session.flush()
    for outcome in ({}, [], 1, None):
        response = client.post(
            f"/api/v1/referrals/{referral.id}/close",
            json={"outcome": outcome, "note": "x"},
            headers=_bearer(db_session, supervisor),
        )
        assert response.status_code == 422, (outcome, response.get_json())
        assert response.get_json()["error"]["field"] == "outcome"
