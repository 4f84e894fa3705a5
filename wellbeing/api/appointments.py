"""Counselling appointment API: slots (publish, list) and appointments (book, list, read,
cancel, reschedule, outcome).

Leaders and admins are refused by the route rules (403); an appointment that is neither the
caller's own nor on the caller's slot does not exist for them (404). Bodies are checked before
anything is written (422 naming the field); a slot booked by someone else first is 409
`slot_taken`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.appointments import booking, service
from wellbeing.appointments.errors import AppointmentError, InvalidInput
from wellbeing.appointments.input import (
    NOTE_MAX,
    SESSION_NOTE_MAX,
    parse_outcome,
    parse_reason,
    parse_slot,
    parse_text,
)
from wellbeing.appointments.models import Appointment, Slot
from wellbeing.appointments.permissions import (
    STAFF,
    is_staff,
    may_book,
    may_move_to,
    may_record_outcome,
    may_see,
)
from wellbeing.appointments.reading import read_appointment
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.appointment_texts import appointment_json, error_message, slot_json
from wellbeing.faces.context import db, writes
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.org.models import Role
from wellbeing.referrals.permissions import may_work
from wellbeing.referrals.service import find_referral

bp = Blueprint("api_appointments", __name__, url_prefix="/api/v1")
USERS = (Role.OFFICER, *STAFF)
T = TypeVar("T")


@bp.post("/slots")
@roles(*STAFF)
def publish_slots() -> ResponseReturnValue:
    """Publish a slot: {"starts_at", "minutes", "mode", "place"?, "weeks"?, "unit"?}."""
    user = caller()
    slots = _act(lambda: service.publish_slots(db(), user, parse_slot(json_body(), utcnow())))
    body = slot_json(slots[0])
    if len(slots) > 1:
        body["series"] = [slot_json(slot) for slot in slots]
    return jsonify(body), 201


@bp.get("/slots")
@roles(*USERS)
def list_slots() -> ResponseReturnValue:
    """Staff: their own slots from now on; officers: open slots of the stations covering them."""
    user, now = caller(), utcnow()
    if is_staff(user):
        slots = service.slots_of(db(), user, now)
    else:
        slots = service.open_slots_for(db(), user, now)
    return jsonify([slot_json(slot) for slot in slots])


@bp.post("/appointments")
@roles(*USERS)
def book() -> ResponseReturnValue:
    """Officers: {"slot_id", "note"?}; staff: {"slot_id", "referral_id"} for a referral they
    hold, on one of their own slots."""
    user, body = caller(), json_body()
    slot = _slot(body.get("slot_id"))
    if is_staff(user):
        referral = find_referral(db(), str(body.get("referral_id") or ""))
        if referral is None or not may_work(user, referral):
            raise _invalid("referral_id")
        action: Callable[[], Appointment] = lambda: booking.book_for_referral(  # noqa: E731
            db(), user, slot, referral
        )
    else:
        if not may_book(user, slot):
            raise _invalid("slot_id")
        note = _text(body, "note", NOTE_MAX)
        action = lambda: booking.book(db(), user, slot, note)  # noqa: E731
    appointment = _act(action)
    return jsonify(appointment_json(appointment)), 201


@bp.get("/appointments")
@roles(*USERS)
def list_appointments() -> ResponseReturnValue:
    """Officers: their own; staff: those on their own slots."""
    user = caller()
    if is_staff(user):
        rows = service.appointments_on_slots_of(db(), user)
        return jsonify([_with_officer(a) for a in rows])
    return jsonify([appointment_json(a) for a in service.appointments_of(db(), user)])


@bp.get("/appointments/<appointment_id>")
@roles(*USERS)
@writes
def get_appointment(appointment_id: str) -> ResponseReturnValue:
    """One appointment with its notes (the session note for the slot's counsellor only)."""
    user, appointment = caller(), _load(appointment_id)
    body = read_appointment(db(), user, appointment)
    db().commit()
    return jsonify({**_with_officer(appointment), **body})


@bp.post("/appointments/<appointment_id>/cancel")
@roles(*USERS)
def cancel(appointment_id: str) -> ResponseReturnValue:
    """Cancel: {"reason": "officer_cancelled" | "counsellor_cancelled" | "other"}."""
    user, appointment = caller(), _load(appointment_id)
    reason = _parsed(lambda: parse_reason(json_body().get("reason")))
    done = _act(lambda: booking.cancel(db(), user, appointment, reason))
    return jsonify(appointment_json(done))


@bp.post("/appointments/<appointment_id>/reschedule")
@roles(*USERS)
def reschedule(appointment_id: str) -> ResponseReturnValue:
    """Move to another open slot: {"slot_id"}; 409 `slot_taken` if it is not free."""
    user, appointment = caller(), _load(appointment_id)
    slot = _slot(json_body().get("slot_id"))
    if not may_move_to(user, appointment, slot):
        raise _invalid("slot_id")
    done = _act(lambda: booking.reschedule(db(), user, appointment, slot))
    return jsonify(appointment_json(done))


@bp.post("/appointments/<appointment_id>/outcome")
@roles(*STAFF)
def record_outcome(appointment_id: str) -> ResponseReturnValue:
    """The slot's counsellor: {"status": "attended" | "no_show", "note"?}."""
    user, appointment = caller(), _load(appointment_id)
    if not may_record_outcome(user, appointment):  # pragma: no cover - _load admits only them
        raise _not_found()
    body = json_body()
    status = _parsed(lambda: parse_outcome(body.get("status")))
    note = _text(body, "note", SESSION_NOTE_MAX)
    done = _act(lambda: booking.record_outcome(db(), user, appointment, status, note))
    return jsonify(appointment_json(done))


def _load(appointment_id: str) -> Appointment:
    appointment = service.find_appointment(db(), appointment_id)
    if appointment is None or not may_see(caller(), appointment):
        raise _not_found()
    return appointment


def _slot(slot_id: Any) -> Slot:
    slot = service.find_slot(db(), slot_id) if isinstance(slot_id, str) else None
    if slot is None:
        raise _invalid("slot_id")
    return slot


def _with_officer(appointment: Appointment) -> dict[str, Any]:
    body = appointment_json(appointment)
    if appointment.officer_id != caller().id:  # the slot's counsellor: who is coming
        officer = appointment.officer
        body["officer"] = {"username": officer.username, "name": officer.display_name}
    return body


def _text(body: dict[str, Any], field: str, limit: int) -> str | None:
    return _parsed(lambda: parse_text(body.get(field), field, limit))


def _parsed(step: Callable[[], T]) -> T:
    try:
        return step()
    except InvalidInput as exc:
        raise _invalid(exc.field) from None


def _act(step: Callable[[], T]) -> T:
    try:
        result = step()
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        raise _invalid(exc.field) from None
    except AppointmentError as exc:
        db().rollback()
        raise ApiError(status_of(exc), exc.code, error_message(exc)) from None
    return result


def _invalid(field: str) -> ApiError:
    return ApiError(422, "invalid", error_message(InvalidInput(field)), field=field)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", _("This page or record does not exist."))
