"""Outreach after a critical incident, from the counsellor's side: on an outreach task they hold,
invite the officer to an upcoming group session open to them (a defusing or debriefing group,
those linked to the incident first). The officer is told the date only and decides."""

from __future__ import annotations

from flask import flash, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import current_user, db
from wellbeing.groups import service as groups
from wellbeing.groups.models import GroupSession
from wellbeing.org.models import Role
from wellbeing.referrals.models import Kind, Referral, Status
from wellbeing.referrals.permissions import may_work
from wellbeing.referrals.service import add_event
from wellbeing.web.referrals.blueprint import back_to, bp, current_staff, load_workable


def group_choices(referral: Referral) -> list[GroupSession]:
    """Upcoming sessions open to the task's officer, those linked to its incident first; none
    unless the signed-in user may work this open outreach task."""
    user = current_user()
    if referral.kind != Kind.OUTREACH.value or referral.status == Status.CLOSED.value:
        return []
    if user is None or not may_work(user, referral):
        return []
    upcoming = groups.upcoming_for_officer(db(), referral.officer, utcnow())
    return sorted(upcoming, key=lambda g: (g.incident_id != referral.incident_id, g.starts_at))


@bp.post("/<referral_id>/invite-group")
@roles(Role.COUNSELLOR, Role.SUPERVISOR)
def invite_to_group(referral_id: str) -> ResponseReturnValue:
    """Invite the officer of an outreach task to one of the sessions offered on the page."""
    user, referral = current_staff(), load_workable(referral_id)
    wanted = request.form.get("group_id", "")
    group = next((g for g in group_choices(referral) if g.id == wanted), None)
    if group is None or not groups.invite(db(), group, referral.officer, user):
        db().rollback()
        flash(_("Choose one of the group sessions offered."))
        return back_to(referral)
    add_event(db(), referral, user, "invited_to_group", {"group": group.id})
    db().commit()
    flash(_("The officer is invited; they decide whether to sign up."))
    return back_to(referral)
