"""The appointment pages' blueprint and what every page needs: the caller, the appointment
(404 outside the caller's reach), the words for codes, and telling what went wrong."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash

from wellbeing.appointments import service
from wellbeing.appointments.errors import AppointmentError
from wellbeing.appointments.models import Appointment
from wellbeing.appointments.permissions import may_see
from wellbeing.faces import appointment_texts as texts
from wellbeing.faces.context import current_user, db
from wellbeing.org.models import User

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


@bp.app_context_processor  # the home page shows appointments too
def labels() -> dict[str, Any]:
    """Label tables for the appointment templates."""
    return {
        "mode_labels": texts.MODE_LABELS,
        "appointment_status_labels": texts.STATUS_LABELS,
        "reason_labels": texts.REASON_LABELS,
    }


def current() -> User:
    """The signed-in caller (the route's access rule guarantees one)."""
    user = current_user()
    if user is None:  # pragma: no cover - the access rule runs first
        abort(401)
    return user


def load_appointment(appointment_id: str) -> Appointment:
    """The appointment, if it is the caller's own or on the caller's slot; 404 otherwise."""
    appointment = service.find_appointment(db(), appointment_id)
    if appointment is None or not may_see(current(), appointment):
        abort(404)
    return appointment


def tell(error: AppointmentError) -> None:
    """Roll back and say what went wrong, in the user's language."""
    db().rollback()
    flash(texts.error_message(error))


def done(message: str) -> None:
    """Commit and say so."""
    db().commit()
    flash(message)
