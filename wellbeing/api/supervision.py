"""Supervision API (督导), for supervisors only: a review decision on a closed case, and the
case-load figures per counsellor for a period.

Leaders, admins, officers and counsellors are refused by the route rules (403): the figures are
about staff work and are never shown to leaders per counsellor. A case outside the supervisor's
scope (or their own) does not exist for them (404). Bodies and dates are checked before anything
is written or read (422 naming the field). A decision answers 200 with the referral's queue row
(the same row as the other referral steps; the case already existed, nothing is created).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db, settings
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import error_message
from wellbeing.faces.supervision_texts import (
    comment_message,
    decision_message,
    own_case_message,
    period_message,
)
from wellbeing.org.models import Role
from wellbeing.referrals import reading, service
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Referral
from wellbeing.supervision.caseload import CounsellorFigures, caseload
from wellbeing.supervision.period import PeriodError, days_from, today_in
from wellbeing.supervision.permissions import may_review, may_see_for_review
from wellbeing.supervision.reviews import COMMENT_MAX, Decision, decide

bp = Blueprint("api_supervision", __name__, url_prefix="/api/v1")


@bp.post("/referrals/<referral_id>/review")
@roles(Role.SUPERVISOR)
def review(referral_id: str) -> ResponseReturnValue:
    """{"decision": "signed_off" | "reopened", "comment": str}; 409 `not_reviewable` unless the
    case is closed and not reviewed since."""
    user, referral = caller(), _load(referral_id)
    body = json_body()
    decision = body.get("decision")
    if not isinstance(decision, str) or decision not in {d.value for d in Decision}:
        raise ApiError(422, "invalid", decision_message(), field="decision")
    comment = body.get("comment")
    if not isinstance(comment, str) or not comment.strip() or len(comment) > COMMENT_MAX:
        raise ApiError(422, "invalid", comment_message(), field="comment")
    try:
        decide(db(), referral, user, Decision(decision), comment)
        db().commit()
    except ReferralError as exc:
        db().rollback()
        raise ApiError(status_of(exc), exc.code, error_message(exc)) from None
    return jsonify(_jsonable(reading.summary(referral, current_language(), utcnow())))


@bp.get("/supervision/caseload")
@roles(Role.SUPERVISOR)
def get_caseload() -> ResponseReturnValue:
    """Figures per counsellor in the caller's scope; ?from=YYYY-MM-DD&to=YYYY-MM-DD, both days
    included (default: the last 30 days up to today, in the station's time zone)."""
    user, now, zone = caller(), utcnow(), settings().timezone
    try:
        days = days_from(request.args.get("from"), request.args.get("to"), today_in(zone, now))
    except PeriodError as exc:
        raise ApiError(422, "invalid", period_message(exc), field=exc.field) from None
    rows = caseload(db(), user, days.period(zone), now)
    return jsonify(
        {
            "from": days.first.isoformat(),
            "to": days.last.isoformat(),
            "counsellors": [_figures(row) for row in rows],
        }
    )


def _figures(row: CounsellorFigures) -> dict[str, Any]:
    figures = row.figures
    return {
        "username": row.username,
        "display_name": row.display_name,
        "open_caseload": figures.open_caseload,
        "time_to_claim": figures.time_to_claim.as_dict(),
        "time_to_contact": figures.time_to_contact.as_dict(),
        "time_to_close": figures.time_to_close.as_dict(),
        "clocks_breached_share": figures.clocks_breached_share,
        "reviews_pending": figures.reviews_pending,
    }


def _load(referral_id: str) -> Referral:
    referral = service.find_referral(db(), referral_id)
    if referral is None or not may_see_for_review(caller(), referral):
        raise ApiError(404, "not_found", _("This page or record does not exist."))
    if not may_review(caller(), referral):
        raise ApiError(403, "own_case", own_case_message())
    return referral


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value
