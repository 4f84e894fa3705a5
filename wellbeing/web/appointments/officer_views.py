"""An officer's appointments (upcoming and past), the open times of their stations, booking
with an optional sealed note, and cancelling (either side)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.appointments import booking, service
from wellbeing.appointments.errors import AppointmentError
from wellbeing.appointments.input import NOTE_MAX, parse_reason, parse_text
from wellbeing.appointments.models import Slot, Status
from wellbeing.appointments.permissions import STAFF, may_book
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.org.models import Role
from wellbeing.web.appointments.blueprint import bp, current, done, load_appointment, tell


@bp.get("")
@roles(Role.OFFICER)
def mine() -> ResponseReturnValue:
    """Upcoming and past appointments, and the open times the officer may book."""
    officer, now = current(), utcnow()
    rows = service.appointments_of(db(), officer)
    upcoming = [a for a in rows if a.status == Status.BOOKED.value and a.slot.ends_at > now]
    past = [a for a in rows if a not in upcoming]
    slots = service.open_slots_for(db(), officer, now)
    return render_template(
        "appointments/mine.html", upcoming=upcoming, past=list(reversed(past)), slots=slots
    )


@bp.get("/book/<slot_id>")
@roles(Role.OFFICER)
def book_form(slot_id: str) -> ResponseReturnValue:
    """Confirm a time, with an optional note for the counsellor."""
    slot = _bookable(slot_id)
    return render_template("appointments/book.html", slot=slot, note="", note_max=NOTE_MAX)


@bp.post("/book/<slot_id>")
@roles(Role.OFFICER)
def book(slot_id: str) -> ResponseReturnValue:
    """Book the time; if someone was first, say so and show the open times again."""
    officer, slot = current(), _bookable(slot_id)
    raw = request.form.get("note", "")
    try:
        note = parse_text(raw, "note", NOTE_MAX)
        booking.book(db(), officer, slot, note)
    except AppointmentError as exc:
        tell(exc)
        if exc.code == "invalid":
            page = render_template("appointments/book.html", slot=slot, note=raw, note_max=NOTE_MAX)
            return page, 422
        return redirect(url_for("appointments.mine"))
    done(_("Your appointment is booked."))
    return redirect(url_for("appointments.mine"))


@bp.post("/<appointment_id>/cancel")
@roles(Role.OFFICER, *STAFF)
def cancel(appointment_id: str) -> ResponseReturnValue:
    """Cancel with a reason code (either side); the time is offered again."""
    user, appointment = current(), load_appointment(appointment_id)
    try:
        reason = parse_reason(request.form.get("reason"))
        booking.cancel(db(), user, appointment, reason)
    except AppointmentError as exc:
        tell(exc)
    else:
        done(_("The appointment is cancelled."))
    if user.id == appointment.officer_id:
        return redirect(url_for("appointments.mine"))
    return redirect(url_for("appointments.calendar"))


def _bookable(slot_id: str) -> Slot:
    slot = service.find_slot(db(), slot_id)
    if slot is None or not may_book(current(), slot):
        abort(404)
    return slot
