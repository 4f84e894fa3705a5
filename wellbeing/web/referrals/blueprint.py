"""The counsellor and supervisor pages' blueprint, what every page needs, and the words the
templates use for codes (priorities, statuses, outcomes, history steps)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from wellbeing.faces import referral_texts as texts
from wellbeing.faces.context import current_user, db
from wellbeing.org.models import Role, User
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Referral
from wellbeing.referrals.permissions import may_see, may_work
from wellbeing.referrals.service import find_referral

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)


@bp.context_processor
def labels() -> dict[str, Any]:
    """Label tables for the referral templates."""
    return {
        "priority_labels": texts.PRIORITY_LABELS,
        "status_labels": texts.STATUS_LABELS,
        "outcome_labels": texts.OUTCOME_LABELS,
        "event_labels": texts.EVENT_LABELS,
        "label": texts.label,
    }


def current_staff() -> User:
    """The signed-in counsellor or supervisor (the route's access rule guarantees one)."""
    user = current_user()
    if user is None:  # pragma: no cover - the access rule runs first
        abort(401)
    return user


def load_referral(referral_id: str) -> Referral:
    """The referral, if the caller may see it; 404 otherwise (ids cannot be probed)."""
    referral = find_referral(db(), referral_id)
    if referral is None or not may_see(current_staff(), referral):
        abort(404)
    return referral


def load_workable(referral_id: str) -> Referral:
    """The referral, if the caller may work it: out of sight 404; in sight but held by another
    counsellor 403 (only the holder or a supervisor in scope may write)."""
    referral = load_referral(referral_id)
    if not may_work(current_staff(), referral):
        abort(403)
    return referral


def back_to(referral: Referral, error: ReferralError | None = None) -> Response:
    """Redirect to the referral page, telling what went wrong if anything did."""
    if error is not None:
        flash(texts.error_message(error))
    return redirect(url_for("referrals.detail", referral_id=referral.id))
