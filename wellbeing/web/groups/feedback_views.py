"""An attendee's optional feedback on a session (counted, never stored with their name)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.faces.group_texts import error_message
from wellbeing.groups import feedback
from wellbeing.groups.errors import GroupError
from wellbeing.groups.permissions import is_target
from wellbeing.org.models import Role
from wellbeing.web.groups.blueprint import bp, load_group, me


@bp.post("/<group_id>/feedback")
@roles(Role.OFFICER)
def give_feedback(group_id: str) -> ResponseReturnValue:
    """Count the attendee's answers, then back to the session."""
    user, group = me(), load_group(group_id)
    if not is_target(user, group):
        abort(404)
    answers: dict[str, object] = {
        name: int(value) if value.isdigit() and len(value) < 3 else value
        for name, value in request.form.items()
        if name != "csrf_token"
    }
    try:
        feedback.give_feedback(db(), group, user, answers)
    except GroupError as exc:
        db().rollback()
        flash(error_message(exc))
        return redirect(url_for("groups.detail", group_id=group_id))
    db().commit()
    flash(_("Thank you for your feedback."))
    return redirect(url_for("groups.detail", group_id=group_id))
