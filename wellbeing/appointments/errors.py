"""Errors of the appointment service; each carries a reason code, which the faces turn into an
HTTP status (`wellbeing.faces.errors.STATUS_OF_CODE`) and words in the user's language."""

from __future__ import annotations


class AppointmentError(Exception):
    """An appointment action that cannot be carried out as asked."""

    code = "invalid"


class InvalidInput(AppointmentError):
    """A field of the request is not acceptable; `field` names it."""

    code = "invalid"

    def __init__(self, field: str, message: str = "") -> None:
        super().__init__(message or field)
        self.field = field


class SlotTaken(AppointmentError):
    """Someone else booked the slot first (or it is no longer offered)."""

    code = "slot_taken"


class WrongState(AppointmentError):
    """The appointment is not in a state that allows this step (e.g. already cancelled)."""

    code = "appointment_closed"
