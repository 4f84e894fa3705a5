""" "I'd like to talk to a counsellor": from any page an officer can ask the station to get in
touch, with an optional message; it opens a routine referral or joins the open one.

Its own small blueprint ("talk"), so that an expired form here is re-shown here, message kept.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db, screening_policy
from wellbeing.org.models import Role
from wellbeing.referrals import service
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Status
from wellbeing.web.carry import login_keeping_form
from wellbeing.web.officer.common import current_officer
from wellbeing.web.security import load_user

bp = Blueprint("talk", __name__)


@bp.get("/talk")
@roles(Role.OFFICER)
def talk() -> ResponseReturnValue:
    """The request form: an optional message, and how the station answers."""
    return render_template("officer/talk.html", message="", notice=None)


@bp.post("/talk")
@roles(Role.OFFICER)
def ask() -> ResponseReturnValue:
    """Open (or join) a routine referral with the sealed message."""
    officer = current_officer()
    message = request.form.get("message", "")
    if len(message) > service.SELF_REFERRAL_MESSAGE_MAX:
        notice = _("Please shorten your message to at most 2000 characters.")
        return render_template("officer/talk.html", message=message, notice=notice), 422
    try:
        service.self_refer(db(), officer, message, screening_policy().deadlines)
        db().commit()
    except ReferralError:
        db().rollback()
        notice = _("Your request could not be sent just now. Please try again.")
        return render_template("officer/talk.html", message=message, notice=notice), 422
    return redirect(url_for("talk.sent"))


@bp.get("/talk/sent")
@roles(Role.OFFICER)
def sent() -> ResponseReturnValue:
    """The confirmation: the station will contact the officer, and by when."""
    referral = service.open_referral_for(db(), current_officer())
    if referral is None:
        return redirect(url_for("talk.talk"))
    waiting = referral.status == Status.OPEN.value and referral.claim_deadline > utcnow()
    return render_template(
        "officer/talk_sent.html", contact_by=referral.claim_deadline if waiting else None
    )


@bp.errorhandler(CSRFError)
def form_expired(_exc: CSRFError) -> ResponseReturnValue:
    """An expired form: show it again with the message kept (nothing was sent)."""
    if "user" not in g:
        load_user()
    if g.user is None:
        return login_keeping_form()
    if not g.user.has_role(Role.OFFICER):
        abort(403)
    notice = _(
        "This form had expired, so your request was not sent yet. Please press the button again."
    )
    return render_template(
        "officer/talk.html", message=request.form.get("message", ""), notice=notice
    ), 400
