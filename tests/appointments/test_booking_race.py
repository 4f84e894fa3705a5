"""Ten officers book one slot at the same moment: one 201, nine 409 slot_taken, one booking.

Each request runs in its own thread with its own database connection, against a database whose
rows really commit (SQLite file or a fresh PostgreSQL database).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.appointments import service
from wellbeing.appointments.input import parse_slot
from wellbeing.appointments.models import Appointment, Slot
from wellbeing.auth import service as auth_service
from wellbeing.core.clock import utcnow
from wellbeing.org import service as org_service

OFFICERS = 10


def _setup(engine: Engine) -> tuple[str, list[str]]:
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        org_service.add_unit(session, "S-T", "队", "Team", "S")
        counsellor = org_service.add_user(
            session, "c", unit_code="S", grants=[org_service.parse_grant("counsellor:S")]
        )
        officers = [
            org_service.add_user(
                session, f"o{i}", unit_code="S-T", grants=[org_service.parse_grant("officer")]
            )
            for i in range(OFFICERS)
        ]
        session.flush()
        start = (utcnow() + timedelta(days=2)).isoformat()
        request = parse_slot({"starts_at": start, "minutes": 50, "mode": "phone"}, utcnow())
        slot = service.publish_slots(session, counsellor, request)[0]
        tokens = [
            auth_service.issue_token(session, officer, timedelta(hours=1))[0]
            for officer in officers
        ]
        return slot.id, tokens


def test_ten_simultaneous_bookings_have_exactly_one_winner(
    app_config: dict[str, Any], scratch_engine: Engine
) -> None:
    racing_app = create_app({**app_config, "engine": scratch_engine})
    slot_id, tokens = _setup(scratch_engine)
    barrier = threading.Barrier(OFFICERS)
    answers: list[tuple[int, Any]] = []

    def attempt(token: str) -> None:
        client = racing_app.test_client()
        barrier.wait()  # all ten start together
        response = client.post(
            "/api/v1/appointments",
            json={"slot_id": slot_id},
            headers={"Authorization": f"Bearer {token}"},
        )
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=attempt, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (OFFICERS - 1), answers
    assert all(body["error"]["code"] == "slot_taken" for status, body in answers if status == 409)
    with Session(scratch_engine) as session:
        bookings = session.scalars(select(Appointment)).all()
        assert len(bookings) == 1
        assert bookings[0].active_slot_id == slot_id
        slot = session.get(Slot, slot_id)
        assert slot is not None
        assert slot.status == "booked"
