"""One referral: the officer, reasons, answers and scores, trend and history (each view is
audited); contact attempts, notes, closing and reassigning."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import catalogue, db, review_policy, writes
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import time_left
from wellbeing.org.models import Role
from wellbeing.referrals import reading, service
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Outcome, Referral
from wellbeing.referrals.permissions import may_reassign, may_work
from wellbeing.referrals.staff import staff_covering
from wellbeing.web.referrals.blueprint import (
    STAFF,
    back_to,
    bp,
    current_staff,
    load_referral,
    load_workable,
)
from wellbeing.web.referrals.charts import trend_charts
from wellbeing.web.referrals.outreach_views import group_choices
from wellbeing.web.referrals.safety_views import crisis_panel

NOTE_MAX = 5000


@bp.get("/<referral_id>")
@roles(*STAFF)
@writes
def detail(referral_id: str) -> ResponseReturnValue:
    """The referral page; the view and every submission shown are written to the audit log."""
    user, referral = current_staff(), load_referral(referral_id)
    lang = current_language()
    record = reading.read_referral(db(), user, referral, catalogue(), lang)
    crisis = crisis_panel(user, referral)  # audited reads: before the commit
    offered_groups = group_choices(referral)
    db().commit()
    now = utcnow()
    counsellors = (
        staff_covering(db(), referral.unit, Role.COUNSELLOR) if may_reassign(user, referral) else []
    )
    return render_template(
        "referrals/detail.html",
        record=record,
        offered_groups=offered_groups,
        referral=referral,
        officer=referral.officer,
        summary=reading.summary(referral, lang, now),
        time_left=time_left(referral.claim_deadline, now),
        charts=trend_charts(record.trend, catalogue(), lang),
        may_work=may_work(user, referral),
        counsellors=[c for c in counsellors if c.id != referral.officer_id],
        outcomes=list(Outcome),
        crisis=crisis,
    )


@bp.post("/<referral_id>/contacts")
@roles(*STAFF)
def record_contact(referral_id: str) -> ResponseReturnValue:
    """A contact attempt: reached yes/no and a note."""
    user, referral = current_staff(), load_workable(referral_id)
    reached = request.form.get("reached")
    note = request.form.get("note", "")
    if reached not in {"yes", "no"} or len(note) > NOTE_MAX:
        flash(_("Please say whether you reached the officer."))
        return back_to(referral)
    return _act(
        referral,
        lambda: service.record_contact(db(), referral, user, reached=reached == "yes", note=note),
        _("Contact attempt recorded."),
    )


@bp.post("/<referral_id>/notes")
@roles(*STAFF)
def add_note(referral_id: str) -> ResponseReturnValue:
    """A case note."""
    user, referral = current_staff(), load_workable(referral_id)
    note = request.form.get("note", "")
    if not note.strip() or len(note) > NOTE_MAX:
        flash(_("Please write a note (at most 5000 characters)."))
        return back_to(referral)
    return _act(referral, lambda: service.add_note(db(), referral, user, note), _("Note saved."))


@bp.post("/<referral_id>/close")
@roles(*STAFF)
def close(referral_id: str) -> ResponseReturnValue:
    """Close with an outcome and a note."""
    user, referral = current_staff(), load_workable(referral_id)
    outcome, note = request.form.get("outcome", ""), request.form.get("note", "")
    if outcome not in {o.value for o in Outcome} or not note.strip() or len(note) > NOTE_MAX:
        flash(_("Closing needs an outcome and a note."))
        return back_to(referral)
    return _act(
        referral,
        lambda: service.close(
            db(), referral, user, outcome=Outcome(outcome), note=note, review=review_policy()
        ),
        _("The referral is closed."),
    )


@bp.post("/<referral_id>/reassign")
@roles(Role.SUPERVISOR)
def reassign(referral_id: str) -> ResponseReturnValue:
    """Hand the referral to a counsellor whose scope covers the officer's unit."""
    user, referral = current_staff(), load_referral(referral_id)
    if not may_reassign(user, referral):
        abort(404)
    username = request.form.get("counsellor", "")
    target = next(
        (
            person
            for person in staff_covering(db(), referral.unit, Role.COUNSELLOR)
            if person.username == username and person.id != referral.officer_id
        ),
        None,
    )
    if target is None:
        flash(_("Please choose a counsellor who covers this unit."))
        return back_to(referral)
    return _act(
        referral,
        lambda: service.reassign(db(), referral, user, target),
        _("Reassigned to %(name)s.", name=target.display_name),
    )


def _act(referral: Referral, step: Callable[[], Referral], done: str) -> ResponseReturnValue:
    try:
        step()
        db().commit()
    except ReferralError as exc:
        db().rollback()
        return back_to(referral, exc)
    flash(done)
    return back_to(referral)
