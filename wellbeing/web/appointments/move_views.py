"""Moving a live booking to another open time: the officer to a time of their stations, the
slot's counsellor to another of their own times covering the officer (phone-first list)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wellbeing.appointments import booking, service
from wellbeing.appointments.errors import AppointmentError, InvalidInput, WrongState
from wellbeing.appointments.models import Appointment, Slot, Status
from wellbeing.appointments.permissions import STAFF, may_move_to
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.faces.errors import status_of
from wellbeing.org.models import Role, User
from wellbeing.web.appointments.blueprint import bp, current, done, load_appointment, tell


@bp.get("/<appointment_id>/reschedule")
@roles(Role.OFFICER, *STAFF)
def reschedule_form(appointment_id: str) -> ResponseReturnValue:
    """The open times this booking may move to; a booking no longer live goes back to the list."""
    user, appointment = current(), load_appointment(appointment_id)
    if appointment.status != Status.BOOKED.value:
        tell(WrongState(appointment.status))
        return _back(user, appointment)
    return _page(user, appointment)


@bp.post("/<appointment_id>/reschedule")
@roles(Role.OFFICER, *STAFF)
def reschedule(appointment_id: str) -> ResponseReturnValue:
    """Move to the chosen time (slot_id); a time taken meanwhile or not the caller's to use
    shows the page again with the reason, and nothing is changed."""
    user, appointment = current(), load_appointment(appointment_id)
    slot = service.find_slot(db(), request.form.get("slot_id", ""))
    try:
        if slot is None or not may_move_to(user, appointment, slot):
            raise InvalidInput("slot_id")
        booking.reschedule(db(), user, appointment, slot)
    except WrongState as exc:
        tell(exc)
        return _back(user, appointment)
    except AppointmentError as exc:
        tell(exc)
        return _page(user, appointment, exc.code), status_of(exc)
    done(_("The appointment is moved to the new time."))
    return _back(user, appointment)


def _page(user: User, appointment: Appointment, error: str | None = None) -> str:
    slots: list[Slot] = service.slots_to_move_to(db(), user, appointment, utcnow())
    return render_template(
        "appointments/reschedule.html",
        appointment=appointment,
        slots=slots,
        error=error,
        for_officer=user.id == appointment.officer_id,
    )


def _back(user: User, appointment: Appointment) -> Response:
    """The officer's list, or the counsellor's calendar on the booking's day."""
    if user.id == appointment.officer_id:
        return redirect(url_for("appointments.mine"))
    day = appointment.slot.starts_at.date().isoformat()
    return redirect(url_for("appointments.calendar", day=day, view="day"))
