"""Seeing sessions and taking part: the list, one session, sign up, withdraw."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db, settings
from wellbeing.faces.group_texts import STATUS_LABELS, error_message, feedback_form, feedback_rows
from wellbeing.faces.i18n import current_language
from wellbeing.groups import feedback, service
from wellbeing.groups.errors import GroupError
from wellbeing.groups.permissions import has_staff_view, is_target, may_read_feedback, may_run
from wellbeing.org.models import Role
from wellbeing.web.groups.blueprint import bp, load_group, me

STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)
STAFF_LOOKBACK = timedelta(days=30)


@bp.get("")
@roles(Role.OFFICER, *STAFF, Role.ADMIN)
def index() -> ResponseReturnValue:
    """Officers: upcoming sessions for their unit; staff and admins: the sessions they serve."""
    user, now = me(), utcnow()
    staff_view = has_staff_view(user)
    if staff_view:
        groups = service.sessions_for_staff(db(), user, now - STAFF_LOOKBACK)
    else:
        groups = service.upcoming_for_officer(db(), user, now)
    mine = {}
    if user.has_role(Role.OFFICER):
        for group in groups:
            signup = service.signup_of(db(), group, user)
            mine[group.id] = signup.status if signup else None
    return render_template(
        "groups/index.html",
        groups=groups,
        counts=service.seat_counts(db(), groups),
        mine=mine,
        status_labels=STATUS_LABELS,
        staff_view=staff_view,
        may_create=staff_view,
    )


@bp.get("/<group_id>")
@roles(Role.OFFICER, *STAFF, Role.ADMIN)
def detail(group_id: str) -> ResponseReturnValue:
    """One session; its counsellors also see who signed up and record attendance."""
    user, group = me(), load_group(group_id)
    running, lang = may_run(user, group), current_language()
    signup = service.signup_of(db(), group, user) if is_target(user, group) else None
    asked = is_target(user, group) and feedback.may_give_feedback(db(), group, user)
    counted = may_read_feedback(user, group)
    summary = (
        feedback.feedback_summary(db(), group, settings().report_min_cell) if counted else None
    )
    return render_template(
        "groups/detail.html",
        group=group,
        counts=service.seat_counts(db(), [group])[group.id],
        target=is_target(user, group),
        mine=signup.status if signup else None,
        status_labels=STATUS_LABELS,
        started=group.starts_at <= utcnow(),
        queue=service.signups(db(), group) if running else [],
        present=service.attendee_ids(db(), group) if running else set(),
        running=running,
        form=feedback_form(lang) if asked else None,
        summary=summary,
        summary_rows=feedback_rows(summary, lang) if summary else [],
    )


@bp.post("/<group_id>/signup")
@roles(Role.OFFICER)
def sign_up(group_id: str) -> ResponseReturnValue:
    """Take a seat or a waiting place, then back to the session."""
    user, group = me(), load_group(group_id)
    if not is_target(user, group):
        abort(404)
    try:
        signup = service.sign_up(db(), group, user)
    except GroupError as exc:
        db().rollback()
        flash(error_message(exc))
        return redirect(url_for("groups.detail", group_id=group_id))
    db().commit()
    if signup.status == "signed_up":
        flash(_("You are signed up. See you there."))
    else:
        flash(_("The session is full. You are on the waiting list and will be told of a place."))
    return redirect(url_for("groups.detail", group_id=group_id))


@bp.post("/<group_id>/withdraw")
@roles(Role.OFFICER)
def withdraw(group_id: str) -> ResponseReturnValue:
    """Give up a seat or waiting place, then back to the session."""
    user, group = me(), load_group(group_id)
    if not is_target(user, group):
        abort(404)
    try:
        service.withdraw(db(), group, user)
    except GroupError as exc:
        db().rollback()
        flash(error_message(exc))
        return redirect(url_for("groups.detail", group_id=group_id))
    db().commit()
    flash(_("You have withdrawn from the session."))
    return redirect(url_for("groups.detail", group_id=group_id))
