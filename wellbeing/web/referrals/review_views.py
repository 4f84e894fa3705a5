"""Supervision (督导) pages: the review list with waiting times, a review decision on a closed
case (the form sits on the case's page), and the case-load figures per counsellor for a period.

Supervisors only; the figures are about staff work and never reach leaders per counsellor.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import current_user, db, settings
from wellbeing.faces.i18n import current_language
from wellbeing.faces.supervision_texts import (
    comment_message,
    decision_message,
    duration_text,
    own_case_message,
    period_message,
)
from wellbeing.org.models import Role
from wellbeing.referrals import reading
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Referral
from wellbeing.referrals.service import find_referral
from wellbeing.referrals.supervising import is_reviewable
from wellbeing.supervision.caseload import caseload
from wellbeing.supervision.period import PeriodError, days_from, today_in
from wellbeing.supervision.permissions import may_review, may_see_for_review
from wellbeing.supervision.reviews import COMMENT_MAX, Decision, decide, review_list
from wellbeing.web.referrals.blueprint import back_to, bp, current_staff


@bp.context_processor
def review_context() -> dict[str, Any]:
    """`review_form_for(referral)` for the case page's review form; `duration` for figures."""
    return {"review_form_for": review_form_for, "duration": duration_text}


def review_form_for(referral: Referral) -> dict[str, Any]:
    """Whether the signed-in user may decide on this case now, and whether it was chosen."""
    user = current_user()
    allowed = user is not None and may_review(user, referral) and is_reviewable(referral)
    return {"show": allowed, "chosen": referral.review_requested_at is not None}


@bp.get("/supervision/reviews")
@roles(Role.SUPERVISOR)
def reviews() -> ResponseReturnValue:
    """Closed cases chosen for review and not yet reviewed, oldest first, with waiting time."""
    user, now, lang = current_staff(), utcnow(), current_language()
    rows = [
        {
            **reading.summary(item.referral, lang, now),
            "waiting": format_timedelta(item.waiting, granularity="minute"),
            "waiting_minutes": int(item.waiting.total_seconds() // 60),
        }
        for item in review_list(db(), user, now)
    ]
    return render_template("supervision/reviews.html", rows=rows)


@bp.post("/<referral_id>/review")
@roles(Role.SUPERVISOR)
def review(referral_id: str) -> ResponseReturnValue:
    """Sign off with a comment, or reopen with a reason."""
    user = current_staff()
    referral = find_referral(db(), referral_id)
    if referral is None or not may_see_for_review(user, referral):
        abort(404)
    if not may_review(user, referral):
        flash(own_case_message())
        return back_to(referral)
    decision, comment = request.form.get("decision", ""), request.form.get("comment", "")
    if decision not in {d.value for d in Decision}:
        flash(decision_message())
        return back_to(referral)
    if not comment.strip() or len(comment) > COMMENT_MAX:
        flash(comment_message())
        return back_to(referral)
    try:
        decide(db(), referral, user, Decision(decision), comment)
        db().commit()
    except ReferralError as exc:
        db().rollback()
        return back_to(referral, exc)
    signed = decision == Decision.SIGNED_OFF
    flash(_("The case is signed off.") if signed else _("The case is reopened for its holder."))
    return redirect(url_for("referrals.reviews"))


@bp.get("/supervision/caseload")
@roles(Role.SUPERVISOR)
def caseload_page() -> ResponseReturnValue:
    """Figures per counsellor for a chosen period (from/to dates, both included)."""
    user, now, zone = current_staff(), utcnow(), settings().timezone
    asked_from, asked_to = request.args.get("from", ""), request.args.get("to", "")
    try:
        days = days_from(asked_from, asked_to, today_in(zone, now))
    except PeriodError as exc:
        page = render_template(
            "supervision/caseload.html",
            error=period_message(exc),
            error_field=exc.field,
            first=asked_from,
            last=asked_to,
            rows=None,
        )
        return page, 422
    rows = caseload(db(), user, days.period(zone), now)
    return render_template(
        "supervision/caseload.html",
        error=None,
        error_field=None,
        first=days.first.isoformat(),
        last=days.last.isoformat(),
        rows=rows,
    )
