"""Supervision: overdue and escalated referrals in scope, and closed cases to review."""

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
from wellbeing.web.referrals.blueprint import bp, current_staff

CLOSED_SHOWN = 100


@bp.get("/supervision")
@roles(Role.SUPERVISOR)
def supervision() -> ResponseReturnValue:
    """Overdue (unclaimed past the deadline), escalated (supervisors were told), closed cases."""
    user, now, lang = current_staff(), utcnow(), current_language()
    active = reading.queue(db(), user, reading.ACTIVE)
    rows = [
        {**reading.summary(r, lang, now), "time_left": time_left(r.claim_deadline, now)}
        for r in active
    ]
    closed = [
        reading.summary(r, lang, now)
        for r in reading.queue(db(), user, ("closed",), limit=CLOSED_SHOWN)
    ]
    return render_template(
        "referrals/supervision.html",
        overdue=[r for r in rows if r["overdue"]],
        escalated=[r for r in rows if r["escalation_level"] >= HALF_DEADLINE],
        closed=closed,
    )
