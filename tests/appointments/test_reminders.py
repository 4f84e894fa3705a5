"""Reminders the day before and an hour before, to both sides, each exactly once — under a
controlled clock, with the scheduler restarted (a fresh job context) between runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import ControlledClock
from wellbeing.app.jobs import run_job_once
from wellbeing.appointments import booking
from wellbeing.notify.models import OutboxMessage
from wellbeing.notify.render import render_message, render_text
from wellbeing.scheduler.job import JobContext


def _run(app: Flask) -> None:
    """One scheduler run in a fresh context (as after a restart)."""
    context = JobContext(app.extensions["wellbeing.db"], app.extensions["wellbeing.settings"])
    run_job_once("appointments.remind", context)


def _reminders(db_session: Any) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "appointment.reminder")
    return list(db_session.scalars(query.order_by(OutboxMessage.id)))


def test_each_reminder_is_sent_once_to_both_sides(
    app: Flask,
    db_session: Any,
    people: Any,
    make_slot: Callable[..., Any],
    frozen_clock: ControlledClock,
) -> None:
    slot = make_slot(days=3)  # 2026-11-30 09:00
    appointment = booking.book(db_session, people["o1"], slot, "想聊聊睡眠")
    db_session.flush()
    _run(app)
    assert _reminders(db_session) == []  # three days ahead: nothing due

    frozen_clock.advance(days=2, minutes=1)  # 23 h 59 min before
    _run(app)
    _run(app)  # restarted: the flag on the appointment says it was queued
    day = _reminders(db_session)
    assert sorted(m.recipient_user_id for m in day) == sorted([people["o1"].id, people["c1"].id])
    assert all(m.params == {"on": "2026-11-30", "at": "09:00"} for m in day)

    frozen_clock.advance(hours=23)  # 59 minutes before
    _run(app)
    _run(app)
    assert len(_reminders(db_session)) == 4
    frozen_clock.advance(hours=2)  # after the start: nothing more
    _run(app)
    assert len(_reminders(db_session)) == 4
    db_session.refresh(appointment)
    assert (appointment.reminded_day, appointment.reminded_hour) == (True, True)


def test_reminder_texts_hold_no_note(
    app: Flask, db_session: Any, people: Any, make_slot: Any, frozen_clock: ControlledClock
) -> None:
    slot = make_slot(days=0.5)
    booking.book(db_session, people["o1"], slot, "家里的事情很难受")
    frozen_clock.advance(hours=11, minutes=30)
    _run(app)
    messages = _reminders(db_session)
    assert len(messages) == 2  # booked half a day ahead: only the hour's reminder
    for message in messages:
        with app.app_context():
            rendered = render_message(db_session, message, channels={}, default_locale="zh_CN")
        text = f"{rendered.subject} {rendered.body}"
        assert "家里的事情很难受" not in text
        assert "21:00" in text


def test_a_cancelled_appointment_gets_no_reminder_and_the_other_side_is_told(
    app: Flask, db_session: Any, people: Any, make_slot: Any, frozen_clock: ControlledClock
) -> None:
    slot = make_slot(days=3)
    appointment = booking.book(db_session, people["o1"], slot)
    booking.cancel(db_session, people["o1"], appointment, booking.CancelReason.OTHER)
    frozen_clock.advance(days=2, hours=23, minutes=30)
    _run(app)
    assert _reminders(db_session) == []
    told = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "appointment.cancelled")
    ).all()
    assert [m.recipient_user_id for m in told] == [people["c1"].id]


@pytest.mark.parametrize("kind", ["appointment.reminder", "appointment.cancelled"])
@pytest.mark.parametrize(("locale", "zone"), [("zh_CN", "（UTC）"), ("en", " UTC")])
def test_an_appointment_notice_says_its_time_is_utc(kind: str, locale: str, zone: str) -> None:
    """Times are kept and shown in UTC; a bare 09:00 in a notice would read as local time."""
    _, body = render_text(kind, {"on": "2026-12-08", "at": "09:00"}, locale)
    assert f"09:00{zone}" in body
