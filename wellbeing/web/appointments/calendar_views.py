"""A counsellor's calendar (their own slots by day or week, phone-first), publishing slots,
and recording attended or did-not-come with an optional sealed session note."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.appointments import booking, service
from wellbeing.appointments.errors import AppointmentError
from wellbeing.appointments.input import (
    MINUTES_MAX,
    MINUTES_MIN,
    SESSION_NOTE_MAX,
    WEEKS_MAX,
    parse_outcome,
    parse_slot,
    parse_text,
)
from wellbeing.appointments.models import Mode
from wellbeing.appointments.permissions import STAFF, may_record_outcome, stations_of
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.web.appointments.blueprint import bp, current, done, load_appointment, tell

VIEWS = {"day": 1, "week": 7}


@bp.get("/calendar")
@roles(*STAFF)
def calendar() -> ResponseReturnValue:
    """The caller's slots for a day or a week (?view=day|week&day=YYYY-MM-DD), by day."""
    user = current()
    view = request.args.get("view", "week")
    view = view if view in VIEWS else "week"
    first = _day(request.args.get("day"))
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    slots = service.slots_of(db(), user, start, start + timedelta(days=VIEWS[view]))
    booked = {a.slot_id: a for a in service.held_on(db(), slots)}
    days: dict[date, list[Any]] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.date(), []).append((slot, booked.get(slot.id)))
    step = timedelta(days=VIEWS[view])
    return render_template(
        "appointments/calendar.html",
        view=view,
        first=first,
        days=days,
        earlier=first - step,
        later=first + step,
    )


@bp.get("/slots/new")
@roles(*STAFF)
def new_slot() -> ResponseReturnValue:
    """The form to publish a time (repeating weekly if wished)."""
    return _slot_form({}, None)


@bp.post("/slots/new")
@roles(*STAFF)
def publish() -> ResponseReturnValue:
    """Publish the slot(s); a bad field re-shows the form saying which (422)."""
    user, form = current(), request.form
    body: dict[str, Any] = {
        "starts_at": form.get("starts_at", ""),
        "minutes": _number(form.get("minutes")),
        "mode": form.get("mode"),
        "place": form.get("place") or None,
        "weeks": _number(form.get("weeks", "1")),
        "unit": form.get("unit") or None,
    }
    try:
        slots = service.publish_slots(db(), user, parse_slot(body, utcnow()))
    except AppointmentError as exc:
        tell(exc)
        return _slot_form(form, getattr(exc, "field", None)), 422
    done(_("%(count)s time(s) published.", count=len(slots)))
    first = slots[0].starts_at.date().isoformat()
    return redirect(url_for("appointments.calendar", day=first))


@bp.post("/<appointment_id>/outcome")
@roles(*STAFF)
def record_outcome(appointment_id: str) -> ResponseReturnValue:
    """Attended or did not come, with an optional sealed session note (the slot's counsellor)."""
    user, appointment = current(), load_appointment(appointment_id)
    if not may_record_outcome(user, appointment):
        abort(404)
    day = appointment.slot.starts_at.date().isoformat()
    try:
        status = parse_outcome(request.form.get("status"))
        note = parse_text(request.form.get("note"), "note", SESSION_NOTE_MAX)
        booking.record_outcome(db(), user, appointment, status, note)
    except AppointmentError as exc:
        tell(exc)
    else:
        done(_("The outcome is recorded."))
    return redirect(url_for("appointments.calendar", day=day, view="day"))


def _slot_form(form: Any, bad: str | None) -> str:
    return render_template(
        "appointments/new_slot.html",
        form=form,
        bad=bad,
        modes=[m.value for m in Mode],
        stations=stations_of(current()),
        minutes=(MINUTES_MIN, MINUTES_MAX),
        weeks_max=WEEKS_MAX,
    )


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else utcnow().date()
    except ValueError:
        return utcnow().date()


def _number(value: str | None) -> int | str | None:
    return int(value) if value and value.strip().isdigit() else value
