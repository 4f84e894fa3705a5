"""Booking a counselling session for the officer of a referral the caller works: one of their
own open times at a station covering the officer's unit. The booking is the referral's contact
(`appointments.booking.book_for_referral`)."""

from __future__ import annotations

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.appointments import booking
from wellbeing.appointments import service as appointments
from wellbeing.appointments.errors import AppointmentError, InvalidInput
from wellbeing.appointments.permissions import may_offer
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.appointment_texts import error_message
from wellbeing.faces.context import db
from wellbeing.faces.errors import status_of
from wellbeing.org.models import User
from wellbeing.referrals.errors import ReferralError, WrongState
from wellbeing.referrals.models import Referral
from wellbeing.referrals.service import is_working
from wellbeing.web.referrals.blueprint import STAFF, back_to, bp, current_staff, load_workable


@bp.get("/<referral_id>/book")
@roles(*STAFF)
def book_form(referral_id: str) -> ResponseReturnValue:
    """The caller's open times covering the officer's unit, each to book with one tap."""
    user, referral = current_staff(), load_workable(referral_id)
    if not is_working(referral):
        return back_to(referral, WrongState(referral.status))
    return _page(user, referral)


@bp.post("/<referral_id>/book")
@roles(*STAFF)
def book(referral_id: str) -> ResponseReturnValue:
    """Book the chosen time (slot_id) for the officer; a time taken meanwhile or not the
    caller's to offer shows the page again with the reason, and nothing is changed."""
    user, referral = current_staff(), load_workable(referral_id)
    slot = appointments.find_slot(db(), request.form.get("slot_id", ""))
    try:
        if slot is None or not may_offer(user, slot, referral.officer):
            raise InvalidInput("slot_id")
        booking.book_for_referral(db(), user, slot, referral)
        db().commit()
    except AppointmentError as exc:
        db().rollback()
        flash(error_message(exc))
        return _page(user, referral, exc.code), status_of(exc)
    except ReferralError as exc:
        db().rollback()
        return back_to(referral, exc)
    flash(_("The counselling session is booked; it is recorded as a contact."))
    return back_to(referral)


def _page(user: User, referral: Referral, error: str | None = None) -> str:
    officer = referral.officer
    return render_template(
        "referrals/book.html",
        referral=referral,
        officer=officer,
        slots=appointments.open_slots_offered_by(db(), user, officer, utcnow()),
        error=error,
    )
