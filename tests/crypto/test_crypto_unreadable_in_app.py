"""A sealed record that cannot be opened gives a clear message and an audit event, not a crash,
and the officer's other records keep working."""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from wellbeing.audit.models import AuditEntry
from wellbeing.screening.consent import give_consent
from wellbeing.screening.models import Submission


def _submit(client: FlaskClient, headers: dict[str, str], q1: int) -> str:
    answers = {f"q{i}": 0 for i in range(1, 10)} | {"q1": q1}
    body = {"instrument": "phq9", "answers": answers, "idempotency_key": uuid.uuid4().hex}
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 201
    return str(response.get_json()["id"])


def test_a_moved_ciphertext_is_reported_and_audited(
    client: FlaskClient, make_user: Any, login: Any, db_session: Any
) -> None:
    officer = make_user("officer")
    give_consent(db_session, officer)
    token = client.post(
        "/api/v1/auth/token",
        json={"username": officer.username, "password": "insecure-test-password"},
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    intact, broken = _submit(client, headers, 1), _submit(client, headers, 2)
    # someone with database access copies one record's ciphertext over another's
    blob = db_session.scalar(select(Submission.payload_sealed).where(Submission.id == intact))
    db_session.execute(
        update(Submission).where(Submission.id == broken).values(payload_sealed=blob)
    )
    db_session.expire_all()
    login(client, officer.username)

    page = client.get(f"/results/{broken}?lang=en")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "cannot be opened" in text
    assert "Traceback" not in text
    assert client.get(f"/results/{intact}").status_code == 200
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "crypto.record_unreadable")
    ).all()
    assert [(e.target_type, e.target_id) for e in entries] == [("submissions", broken)]
    listing = client.get("/api/v1/me/submissions", headers=headers).get_json()
    assert {row["id"]: row.get("unreadable", False) for row in listing} == {
        intact: False,
        broken: True,
    }
    # the listing is a reading request: it audits the broken record in a write of its own
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "crypto.record_unreadable")
    ).all()
    assert [(e.target_type, e.target_id) for e in entries] == [("submissions", broken)] * 2
    one = client.get(f"/api/v1/me/submissions/{broken}", headers=headers).get_json()
    assert one["unreadable"] is True
    assert (
        db_session.scalar(
            select(func.count()).where(AuditEntry.action == "crypto.record_unreadable")
        )
        == 3
    )
