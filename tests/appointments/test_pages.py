"""The pages: an officer books and sees it at home, a counsellor publishes and records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from wellbeing.appointments.models import Appointment, Slot
from wellbeing.core.clock import utcnow


def test_an_officer_books_from_the_page_and_sees_it_at_home(
    client: Any, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Callable[..., str]
) -> None:
    slot = make_slot()
    login(client, "o1")
    page = client.get("/appointments").get_data(as_text=True)
    assert slot.id in page
    form = client.get(f"/appointments/book/{slot.id}")
    assert form.status_code == 200
    token = csrf(client, f"/appointments/book/{slot.id}")
    done = client.post(
        f"/appointments/book/{slot.id}", data={"csrf_token": token, "note": "想聊聊"}
    )
    assert done.status_code == 302
    appointment = db_session.query(Appointment).one()
    home = client.get("/").get_data(as_text=True)
    assert appointment.id in home
    assert "预约心理咨询" in home


def test_the_booking_form_refuses_a_long_note(
    client: Any, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    slot = make_slot()
    login(client, "o1")
    token = csrf(client, f"/appointments/book/{slot.id}")
    answer = client.post(
        f"/appointments/book/{slot.id}", data={"csrf_token": token, "note": "x" * 501}
    )
    assert answer.status_code == 422
    assert db_session.query(Appointment).count() == 0


def test_an_officer_cannot_open_a_slot_of_another_station(
    client: Any, people: Any, make_slot: Any, login: Any
) -> None:
    slot = make_slot(by="other")
    login(client, "o1")
    assert client.get(f"/appointments/book/{slot.id}").status_code == 404


def test_a_counsellor_publishes_and_records_attended(
    client: Any, db_session: Any, people: Any, login: Any, csrf: Any
) -> None:
    login(client, "c1")
    token = csrf(client, "/appointments/slots/new")
    start = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"csrf_token": token, "starts_at": start, "minutes": "45", "mode": "video", "weeks": "2"}
    assert client.post("/appointments/slots/new", data=form).status_code == 302
    slots = db_session.query(Slot).order_by(Slot.starts_at).all()
    assert [s.minutes for s in slots] == [45, 45]
    bad = client.post("/appointments/slots/new", data={**form, "minutes": "5"})
    assert bad.status_code == 422
    assert 'data-field="minutes"' in bad.get_data(as_text=True)

    from wellbeing.appointments import booking

    appointment = booking.book(db_session, people["o1"], slots[0])
    db_session.flush()
    calendar = client.get(f"/appointments/calendar?day={slots[0].starts_at.date()}&view=day")
    assert appointment.id in calendar.get_data(as_text=True)
    token = csrf(client, "/appointments/calendar")
    recorded = client.post(
        f"/appointments/{appointment.id}/outcome",
        data={"csrf_token": token, "status": "attended", "note": "谈话顺利"},
    )
    assert recorded.status_code == 302
    db_session.refresh(appointment)
    assert appointment.status == "attended"


def test_leaders_get_403_on_the_pages(client: Any, people: Any, login: Any) -> None:
    login(client, "lead")
    assert client.get("/appointments").status_code == 403
    assert client.get("/appointments/calendar").status_code == 403


def test_the_calendar_shows_the_new_booking_after_a_cancellation(
    client: Any, db_session: Any, people: Any, make_slot: Any, login: Any
) -> None:
    from wellbeing.appointments import booking
    from wellbeing.appointments.models import CancelReason

    slot = make_slot()
    first = booking.book(db_session, people["o1"], slot)
    booking.cancel(db_session, people["o1"], first, CancelReason.OFFICER_CANCELLED)
    second = booking.book(db_session, people["o2"], slot)
    db_session.flush()
    login(client, "c1")
    page = client.get(f"/appointments/calendar?day={slot.starts_at.date()}&view=day")
    text = page.get_data(as_text=True)
    assert f'data-appointment="{second.id}"' in text
    assert f'data-appointment="{first.id}"' not in text
