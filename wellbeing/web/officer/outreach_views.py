"""Outreach after a critical incident, from the officer's side: what the station will do, and
declining it in one tap (recorded and respected; the follow-up screenings stay as they are)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.org.models import Role
from wellbeing.referrals import outreach
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import current_officer


@bp.post("/outreach/<task_id>/decline")
@roles(Role.OFFICER)
def decline_outreach(task_id: str) -> ResponseReturnValue:
    """Decline the station's outreach: only the officer's own task that is still open."""
    officer = current_officer()
    task = outreach.open_task_of(db(), officer, task_id)
    if task is None:
        abort(404)
    outreach.decline_outreach(db(), task, officer)
    db().commit()
    flash(_("Thank you. The station will not contact you about this incident."))
    return redirect(url_for("home.index"))
