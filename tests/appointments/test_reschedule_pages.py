"""The reschedule page: the officer moves their booking to another open time of their
stations, the slot's counsellor to another of their own times; a time taken meanwhile or not
theirs to use changes nothing; others' bookings do not exist; leaders and admins are refused."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from wellbeing.appointments import booking
from wellbeing.appointments.models import Appointment, CancelReason, Slot


def _move(client: FlaskClient, csrf: Any, appointment: Appointment, slot: Slot) -> Any:
    page = f"/appointments/{appointment.id}/reschedule"
    return client.post(page, data={"csrf_token": csrf(client, "/"), "slot_id": slot.id})


def _unchanged(db_session: Any, appointment: Appointment, slot: Slot) -> None:
    db_session.refresh(appointment)
    db_session.refresh(slot)
    assert (appointment.slot_id, appointment.active_slot_id) == (slot.id, slot.id)
    assert (appointment.status, slot.status) == ("booked", "booked")


def test_an_officer_moves_their_booking_from_the_page(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    elsewhere = make_slot(by="other")
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    login(client, "o1")
    mine = client.get("/appointments").get_data(as_text=True)
    assert f'id="reschedule-{appointment.id}"' in mine
    page = client.get(f"/appointments/{appointment.id}/reschedule")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'data-slot="{later.id}"' in text
    assert f'data-slot="{first.id}"' not in text  # the booking's own time is not offered
    assert f'data-slot="{elsewhere.id}"' not in text  # a station not covering o1
    assert "更改时间" in text  # needs the merged catalogue

    moved = _move(client, csrf, appointment, later)
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith("/appointments")
    db_session.refresh(appointment)
    db_session.refresh(first)
    assert (appointment.slot_id, appointment.active_slot_id) == (later.id, later.id)
    assert first.status == "open"
    assert "预约已改到新的时间" in client.get("/appointments").get_data(as_text=True)  # merge


def test_the_counsellor_moves_a_booking_to_another_of_their_own_times(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, own, colleague = make_slot(), make_slot(days=4), make_slot(by="c2", days=4)
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    login(client, "c1")
    calendar = client.get(f"/appointments/calendar?day={first.starts_at.date()}&view=day")
    assert f'id="reschedule-{appointment.id}"' in calendar.get_data(as_text=True)
    text = client.get(f"/appointments/{appointment.id}/reschedule").get_data(as_text=True)
    assert f'data-slot="{own.id}"' in text
    assert f'data-slot="{colleague.id}"' not in text
    assert people["o1"].display_name in text  # the calendar shows who is coming too

    refused = _move(client, csrf, appointment, colleague)
    assert refused.status_code == 422
    assert 'data-error="invalid"' in refused.get_data(as_text=True)
    assert "请选择一个可预约的时间" in refused.get_data(as_text=True)
    _unchanged(db_session, appointment, first)

    moved = _move(client, csrf, appointment, own)
    assert moved.status_code == 302
    assert f"/appointments/calendar?day={own.starts_at.date()}" in moved.headers["Location"]
    db_session.refresh(appointment)
    assert appointment.slot_id == own.id


def test_a_time_taken_meanwhile_shows_the_page_again_and_changes_nothing(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    login(client, "o1")
    page = f"/appointments/{appointment.id}/reschedule"
    token = csrf(client, page)  # the page still offered the time
    rival = booking.book(db_session, people["o2"], later)
    db_session.flush()
    answer = client.post(page, data={"csrf_token": token, "slot_id": later.id})
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert 'data-error="slot_taken"' in text
    assert "这个时间刚刚被别人预约了" in text  # in the user's language
    _unchanged(db_session, appointment, first)
    db_session.refresh(rival)
    assert (rival.status, rival.active_slot_id) == ("booked", later.id)


def test_a_time_of_a_station_not_covering_the_officer_is_refused(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, elsewhere = make_slot(), make_slot(by="other")
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    login(client, "o1")
    assert _move(client, csrf, appointment, elsewhere).status_code == 422
    _unchanged(db_session, appointment, first)
    db_session.refresh(elsewhere)
    assert elsewhere.status == "open"


def test_another_officers_booking_does_not_exist(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    page = f"/appointments/{appointment.id}/reschedule"
    for username in ("o2", "c2", "other"):  # another officer; counsellors whose slot it is not
        visitor = app.test_client()
        login(visitor, username)
        assert visitor.get(page).status_code == 404, username
        token = csrf(visitor, "/")
        answer = visitor.post(page, data={"csrf_token": token, "slot_id": later.id})
        assert answer.status_code == 404, username
    _unchanged(db_session, appointment, first)


def test_leaders_and_admins_are_refused(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    page = f"/appointments/{appointment.id}/reschedule"
    for username in ("lead", "adm"):
        visitor = app.test_client()
        login(visitor, username)
        assert visitor.get(page).status_code == 403, username
        token = csrf(visitor, "/")
        answer = visitor.post(page, data={"csrf_token": token, "slot_id": later.id})
        assert answer.status_code == 403, username
    _unchanged(db_session, appointment, first)


def test_moving_needs_the_form_token(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    appointment = booking.book(db_session, people["o1"], first)
    db_session.flush()
    login(client, "o1")
    answer = client.post(f"/appointments/{appointment.id}/reschedule", data={"slot_id": later.id})
    assert answer.status_code == 400
    _unchanged(db_session, appointment, first)


def test_a_cancelled_booking_is_not_moved(
    client: FlaskClient, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    first, later = make_slot(), make_slot(by="c2", days=5)
    appointment = booking.book(db_session, people["o1"], first)
    booking.cancel(db_session, people["o1"], appointment, CancelReason.OFFICER_CANCELLED)
    db_session.flush()
    login(client, "o1")
    page = client.get(f"/appointments/{appointment.id}/reschedule")
    assert page.status_code == 302
    assert "这个预约已被取消或已记录结果" in client.get("/appointments").get_data(as_text=True)
    answer = _move(client, csrf, appointment, later)
    assert answer.status_code == 302
    db_session.refresh(appointment)
    db_session.refresh(later)
    assert (appointment.status, appointment.slot_id, later.status) == (
        "cancelled",
        first.id,
        "open",
    )
