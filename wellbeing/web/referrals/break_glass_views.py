"""Break-glass pages (supervisors): find an officer's submission by id and date, give a written
reason, see that one record for 60 minutes (audited), and review everyone's uses."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import catalogue, db, writes
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import error_message, time_left
from wellbeing.org.models import Role
from wellbeing.referrals import break_glass
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.reading import audit_submission_view, submission_detail
from wellbeing.screening.models import Submission
from wellbeing.web.referrals.blueprint import bp, current_staff


@bp.get("/break-glass")
@roles(Role.SUPERVISOR)
@writes
def break_glass_search() -> ResponseReturnValue:
    """?q= finds officers in scope; ?officer=<username> lists their submission ids and dates."""
    user = current_staff()
    query, chosen = request.args.get("q", ""), request.args.get("officer", "")
    officers = break_glass.find_officers(db(), user, query) if query else []
    officer, listed = None, []
    if chosen:
        officer = break_glass.officer_in_scope(db(), user, chosen)
        if officer is None:
            abort(404)
        listed = break_glass.list_submissions(db(), user, officer)
        db().commit()
    return render_template(
        "referrals/break_glass_search.html",
        q=query, officers=officers, officer=officer, listed=listed,
    )  # fmt: skip


@bp.get("/break-glass/submissions/<submission_id>")
@roles(Role.SUPERVISOR)
@writes
def break_glass_record(submission_id: str) -> ResponseReturnValue:
    """The record while the caller's access lasts (audited); otherwise the reason form."""
    user, submission = current_staff(), _submission_in_scope(submission_id)
    grant = break_glass.active_break_glass(db(), user, submission.id)
    if grant is None:
        return _reason_form(submission)
    audit_submission_view(db(), user, submission, via="break_glass", break_glass=True)
    db().commit()
    return render_template(
        "referrals/break_glass_view.html",
        grant=grant,
        time_left=time_left(grant.expires_at, utcnow()),
        submission=submission_detail(submission, catalogue(), current_language()),
    )


@bp.post("/break-glass/submissions/<submission_id>")
@roles(Role.SUPERVISOR)
def break_glass_open(submission_id: str) -> ResponseReturnValue:
    """Open access with a written reason; the other supervisors are told."""
    user, submission = current_staff(), _submission_in_scope(submission_id)
    reason = request.form.get("reason", "")
    try:
        break_glass.open_break_glass(db(), user, submission, reason)
        db().commit()
    except ReferralError as exc:
        db().rollback()
        return _reason_form(submission, error=error_message(exc), reason=reason, status=422)
    return redirect(url_for("referrals.break_glass_record", submission_id=submission.id))


@bp.get("/break-glass/uses")
@roles(Role.SUPERVISOR)
def break_glass_uses() -> ResponseReturnValue:
    """Every break-glass use on officers in scope, unreviewed first, with its reason."""
    user = current_staff()
    uses = break_glass.uses_in_scope(db(), user)
    names = break_glass.reviewer_names(db(), uses)
    return render_template(
        "referrals/break_glass_uses.html", uses=uses, names=names, me=user, now=utcnow()
    )


@bp.post("/break-glass/uses/<grant_id>/review")
@roles(Role.SUPERVISOR)
def break_glass_review(grant_id: str) -> ResponseReturnValue:
    """Another supervisor marks a use reviewed."""
    user = current_staff()
    grant = next((u for u in break_glass.uses_in_scope(db(), user) if u.id == grant_id), None)
    if grant is None:
        abort(404)
    try:
        break_glass.review(db(), grant, user)
        db().commit()
        flash(_("Marked as reviewed."))
    except ReferralError as exc:
        db().rollback()
        flash(error_message(exc))
    return redirect(url_for("referrals.break_glass_uses"))


def _submission_in_scope(submission_id: str) -> Submission:
    """The submission, if the caller may break glass into it; 404 alike for absent and out of
    scope (the rule is `referrals.permissions.may_break_glass`)."""
    submission = break_glass.submission_in_scope(db(), current_staff(), submission_id)
    if submission is None:
        abort(404)
    return submission


def _reason_form(
    submission: Submission, *, error: str | None = None, reason: str = "", status: int = 200
) -> ResponseReturnValue:
    referral_id = break_glass.raised_referral(db(), submission.id)
    page = render_template(
        "referrals/break_glass_reason.html",
        submission=submission,
        referral_id=referral_id,
        error=error,
        reason=reason,
        minimum=break_glass.MIN_REASON_LENGTH,
    )
    return page, status
