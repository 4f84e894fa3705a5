"""The API contract: shapes and statuses of slots and appointments, as every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.appointments.conftest import slot_body
from wellbeing.appointments.models import Slot
from wellbeing.audit.models import AuditEntry
from wellbeing.core.clock import utcnow

Bearer = Callable[[str], dict[str, str]]


def test_a_counsellor_publishes_a_slot(client: Any, people: Any, bearer: Bearer) -> None:
    response = client.post("/api/v1/slots", json=slot_body(), headers=bearer("c1"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "starts_at", "minutes", "mode"} <= set(body)
    assert (body["minutes"], body["mode"], body["status"], body["unit"]) == (
        50,
        "in_person",
        "open",
        "ST1",
    )
    listed = client.get("/api/v1/slots", headers=bearer("c1")).get_json()
    assert [slot["id"] for slot in listed] == [body["id"]]


def test_weekly_repeats_make_a_series(client: Any, people: Any, bearer: Bearer) -> None:
    response = client.post("/api/v1/slots", json=slot_body(weeks=3), headers=bearer("sup"))
    assert response.status_code == 201
    series = response.get_json()["series"]
    assert len(series) == 3
    assert series[1]["starts_at"] > series[0]["starts_at"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "2020-01-01T09:00:00+00:00"),
        ("starts_at", "tomorrow"),
        ("starts_at", "9999-12-31T00:00:00+00:00"),
        ("minutes", 14),
        ("minutes", 181),
        ("minutes", "50"),
        ("mode", "letter"),
        ("place", "x" * 201),
        ("weeks", 13),
        ("unit", "ST2"),
    ],
)
def test_bad_slot_input_is_422_naming_the_field(
    client: Any, db_session: Any, people: Any, bearer: Bearer, field: str, value: Any
) -> None:
    headers = bearer("c1")
    response = client.post("/api/v1/slots", json=slot_body(**{field: value}), headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert db_session.query(Slot).count() == 0


@pytest.mark.parametrize("who", ["lead", "adm"])
def test_leaders_and_admins_are_refused(
    client: Any, people: Any, bearer: Bearer, make_slot: Any, who: str
) -> None:
    headers = bearer(who)
    slot = make_slot()
    assert client.get("/api/v1/slots", headers=headers).status_code == 403
    assert client.post("/api/v1/slots", json=slot_body(), headers=headers).status_code == 403
    assert client.get("/api/v1/appointments", headers=headers).status_code == 403
    booked = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=headers)
    assert booked.status_code == 403


def test_officers_see_the_slots_of_stations_covering_them(
    client: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    mine, elsewhere = make_slot(by="c1"), make_slot(by="other")
    make_slot(by="c2", days=0.01)  # starts in a few minutes: still open
    listed = client.get("/api/v1/slots", headers=bearer("o1")).get_json()
    assert mine.id in {slot["id"] for slot in listed}
    assert elsewhere.id not in {slot["id"] for slot in listed}
    st2 = client.get("/api/v1/slots", headers=bearer("o3")).get_json()
    assert [slot["id"] for slot in st2] == [elsewhere.id]


def test_book_cancel_and_book_again(
    client: Any, db_session: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot, o1, o2 = make_slot(), bearer("o1"), bearer("o2")
    booked = client.post(
        "/api/v1/appointments", json={"slot_id": slot.id, "note": "睡不好"}, headers=o1
    )
    assert booked.status_code == 201, booked.get_json()
    body = booked.get_json()
    assert (body["slot_id"], body["status"]) == (slot.id, "booked")
    assert body["starts_at"] == slot.starts_at.isoformat()
    again = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=o2)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "slot_taken"
    assert client.get("/api/v1/slots", headers=o2).get_json() == []

    url = f"/api/v1/appointments/{body['id']}/cancel"
    wrong = client.post(url, json={"reason": "counsellor_cancelled"}, headers=o1)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["field"] == "reason"
    cancelled = client.post(url, json={"reason": "officer_cancelled"}, headers=o1)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    assert client.post(url, json={"reason": "other"}, headers=o1).status_code == 409

    rebooked = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=o2)
    assert rebooked.status_code == 201
    actions = [e.action for e in db_session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions.count("appointment.booked") == 2
    assert "appointment.cancelled" in actions


def test_officers_get_404_on_anothers_appointment(
    client: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot = make_slot()
    booked = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=bearer("o1"))
    url = f"/api/v1/appointments/{booked.get_json()['id']}"
    assert client.get(url, headers=bearer("o1")).status_code == 200
    assert client.get(url, headers=bearer("o2")).status_code == 404
    assert (
        client.post(f"{url}/cancel", json={"reason": "other"}, headers=bearer("o2")).status_code
        == 404
    )
    assert client.get(url, headers=bearer("c2")).status_code == 404  # not c2's slot
    assert client.get(url, headers=bearer("lead")).status_code == 403
    assert client.get("/api/v1/appointments", headers=bearer("o2")).get_json() == []
    assert client.get("/api/v1/appointments", headers=bearer("c2")).get_json() == []
    seen = client.get(url, headers=bearer("c1")).get_json()
    assert seen["officer"]["username"] == "o1"


def test_an_officer_cannot_book_outside_their_stations(
    client: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot = make_slot(by="other")
    response = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=bearer("o1"))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "slot_id"
    too_long = client.post(
        "/api/v1/appointments",
        json={"slot_id": make_slot().id, "note": "x" * 501},
        headers=bearer("o1"),
    )
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["field"] == "note"


def test_reschedule_moves_the_booking(
    client: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    first, second, taken = make_slot(days=2), make_slot(days=4), make_slot(days=5)
    o1, o2 = bearer("o1"), bearer("o2")
    client.post("/api/v1/appointments", json={"slot_id": taken.id}, headers=o2)
    booked = client.post("/api/v1/appointments", json={"slot_id": first.id}, headers=o1)
    url = f"/api/v1/appointments/{booked.get_json()['id']}/reschedule"
    refused = client.post(url, json={"slot_id": taken.id}, headers=o1)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "slot_taken"
    moved = client.post(url, json={"slot_id": second.id}, headers=o1)
    assert moved.status_code == 200
    assert moved.get_json()["slot_id"] == second.id
    open_ids = {slot["id"] for slot in client.get("/api/v1/slots", headers=o2).get_json()}
    assert first.id in open_ids
    assert second.id not in open_ids


def test_only_the_slots_counsellor_records_the_outcome(
    client: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot = make_slot()
    booked = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=bearer("o1"))
    url = f"/api/v1/appointments/{booked.get_json()['id']}/outcome"
    body = {"status": "attended", "note": "谈了工作压力"}
    assert client.post(url, json=body, headers=bearer("o1")).status_code == 403
    assert client.post(url, json=body, headers=bearer("c2")).status_code == 404
    assert client.post(url, json=body, headers=bearer("sup")).status_code == 404
    assert client.post(url, json={"status": "gone"}, headers=bearer("c1")).status_code == 422
    done = client.post(url, json=body, headers=bearer("c1"))
    assert done.status_code == 200
    assert done.get_json()["status"] == "attended"
    assert client.post(url, json=body, headers=bearer("c1")).status_code == 409
    read = client.get(url.rsplit("/", 1)[0], headers=bearer("c1")).get_json()
    assert read["session_note"] == "谈了工作压力"
    own = client.get(url.rsplit("/", 1)[0], headers=bearer("o1")).get_json()
    assert "session_note" not in own


def test_audit_details_hold_no_note_text(
    client: Any, db_session: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot = make_slot()
    booked = client.post(
        "/api/v1/appointments",
        json={"slot_id": slot.id, "note": "婚姻问题想聊聊"},
        headers=bearer("o1"),
    )
    url = f"/api/v1/appointments/{booked.get_json()['id']}/outcome"
    client.post(url, json={"status": "no_show", "note": "未到场记录"}, headers=bearer("c1"))
    entries = db_session.query(AuditEntry).all()
    text = " ".join(str(e.__dict__) for e in entries)
    assert "婚姻问题想聊聊" not in text
    assert "未到场记录" not in text
    assert {"appointment.booked", "appointment.outcome_recorded"} <= {e.action for e in entries}


def test_a_slot_in_the_past_cannot_be_booked(
    client: Any, db_session: Any, people: Any, bearer: Bearer, make_slot: Any
) -> None:
    slot: Slot = make_slot()
    slot.starts_at = utcnow() - timedelta(minutes=5)
    db_session.flush()
    response = client.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=bearer("o1"))
    assert response.status_code == 409
