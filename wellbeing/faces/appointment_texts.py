"""Words for appointment codes and errors in the user's language (pages and API alike)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.appointments.errors import AppointmentError, InvalidInput, SlotTaken, WrongState
from wellbeing.appointments.models import Appointment, Slot

MODE_LABELS = {
    "in_person": _l("In person"),
    "phone": _l("By phone"),
    "video": _l("By video"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "booked": _l("Booked"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Attended"),
    "no_show": _l("Did not come"),
}
REASON_LABELS = {
    "officer_cancelled": _l("Cancelled by the officer"),
    "counsellor_cancelled": _l("Cancelled by the counsellor"),
    "other": _l("Other reason"),
}
FIELD_MESSAGES = {
    "starts_at": _l("Please give a start time in the future, within a year."),
    "minutes": _l("The length must be from 15 to 180 minutes."),
    "mode": _l("Please choose in person, by phone or by video."),
    "place": _l("The place may be at most 200 characters."),
    "weeks": _l("Repeat for 1 to 12 weeks."),
    "unit": _l("Please choose a station you serve."),
    "note": _l("The note may be at most 500 characters."),
    "reason": _l("Please choose a reason for cancelling."),
    "status": _l("Please choose attended or did not come."),
    "slot_id": _l("Please choose one of the open times."),
    "referral_id": _l("Please choose a referral you hold."),
}


def error_message(error: AppointmentError) -> str:
    """What to tell the user about a refused appointment action."""
    if isinstance(error, SlotTaken):
        return str(_("Someone else has just booked this time. Please choose another."))
    if isinstance(error, WrongState):
        return str(_("This appointment has already been cancelled or recorded."))
    if isinstance(error, InvalidInput):
        return str(FIELD_MESSAGES.get(error.field, _("Some of what was sent is not valid.")))
    return str(_("Some of what was sent is not valid."))


def slot_json(slot: Slot) -> dict[str, Any]:
    """A slot as the API shows it."""
    return {
        "id": slot.id,
        "starts_at": slot.starts_at.isoformat(),
        "minutes": slot.minutes,
        "mode": slot.mode,
        "place": slot.place,
        "status": slot.status,
        "unit": slot.unit.code,
    }


def appointment_json(appointment: Appointment) -> dict[str, Any]:
    """An appointment as the API lists it (no note: those are on the single record)."""
    slot = appointment.slot
    return {
        "id": appointment.id,
        "slot_id": slot.id,
        "status": appointment.status,
        "starts_at": slot.starts_at.isoformat(),
        "minutes": slot.minutes,
        "mode": slot.mode,
        "place": slot.place,
        "cancel_reason": appointment.cancel_reason,
        "referral_id": appointment.referral_id,
    }
