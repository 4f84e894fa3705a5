"""Supervision: overdue and escalated referrals in scope, held cases past their contact or close
deadline, and how many closed cases wait for review."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import time_left
from wellbeing.org.models import Role
from wellbeing.referrals import reading
from wellbeing.referrals.clocks import HALF_DEADLINE
from wellbeing.supervision.reviews import review_list
from wellbeing.web.referrals.blueprint import bp, current_staff
from wellbeing.web.referrals.roster_views import roster_holes_for_page


@bp.get("/supervision")
@roles(Role.SUPERVISOR)
def supervision() -> ResponseReturnValue:
    """Overdue (unclaimed past the deadline), escalated (supervisors were told), held past a
    contact or close deadline, and the number of closed cases waiting for review."""
    user, now, lang = current_staff(), utcnow(), current_language()
    active = reading.queue(db(), user, reading.ACTIVE)
    rows = [
        {**reading.summary(r, lang, now), "time_left": time_left(r.claim_deadline, now)}
        for r in active
    ]
    return render_template(
        "referrals/supervision.html",
        overdue=[r for r in rows if r["overdue"]],
        escalated=[r for r in rows if r["escalation_level"] >= HALF_DEADLINE],
        held_late=[r for r in rows if r["status"] != "open" and r["clock_overdue"]],
        reviews_waiting=len(review_list(db(), user, now)),
        **roster_holes_for_page(user),
    )
