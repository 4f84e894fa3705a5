"""Booking from a referral counts as its first contact; notes are sealed everywhere."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import inspect, select

from wellbeing.app.schema import Base
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import ReferralEvent

Bearer = Callable[[str], dict[str, str]]
BOOKING_NOTE = "最近总是失眠想找人谈谈"
SESSION_NOTE = "讨论了值夜班后的睡眠问题"


def _held_referral(db_session: Any, people: Any) -> Any:
    referral = referrals.self_refer(db_session, people["o1"], None, referrals.Deadlines())
    referrals.claim(db_session, referral, people["c1"])
    db_session.flush()
    return referral


def test_a_counsellor_books_from_a_referral_they_hold(
    client: Any, db_session: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    referral, slot = _held_referral(db_session, people), make_slot()
    c1 = bearer("c1")
    body = {"slot_id": slot.id, "referral_id": referral.id}
    assert client.post("/api/v1/appointments", json=body, headers=bearer("c2")).status_code == 422
    response = client.post("/api/v1/appointments", json=body, headers=c1)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["referral_id"] == referral.id
    db_session.refresh(referral)
    assert referral.status == "contacted"
    kinds = [e.kind for e in db_session.scalars(select(ReferralEvent).order_by(ReferralEvent.at))]
    assert kinds[-1] == "contact_attempt"
    listed = client.get("/api/v1/appointments", headers=bearer("o1")).get_json()
    assert [a["id"] for a in listed] == [response.get_json()["id"]]


def test_a_counsellor_books_only_their_own_slot(
    client: Any, db_session: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    referral, slot = _held_referral(db_session, people), make_slot(by="c2")
    body = {"slot_id": slot.id, "referral_id": referral.id}
    response = client.post("/api/v1/appointments", json=body, headers=bearer("c1"))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "slot_id"


def test_notes_are_in_no_table_nor_log_in_plaintext(
    client: Any,
    db_session: Any,
    people: Any,
    bearer: Bearer,
    make_slot: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    slot = make_slot()
    booked = client.post(
        "/api/v1/appointments",
        json={"slot_id": slot.id, "note": BOOKING_NOTE},
        headers=bearer("o1"),
    )
    url = f"/api/v1/appointments/{booked.get_json()['id']}"
    client.post(
        f"{url}/outcome", json={"status": "attended", "note": SESSION_NOTE}, headers=bearer("c1")
    )
    assert client.get(url, headers=bearer("c1")).get_json()["note"] == BOOKING_NOTE
    db_session.flush()
    connection = db_session.connection()
    present = set(inspect(connection).get_table_names())
    searched = 0
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        for row in connection.execute(select(table)):
            raw = " ".join(
                value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                for value in row
            )
            assert BOOKING_NOTE not in raw, table.name
            assert SESSION_NOTE not in raw, table.name
            searched += 1
    assert searched > 0
    assert BOOKING_NOTE not in caplog.text
    assert SESSION_NOTE not in caplog.text
