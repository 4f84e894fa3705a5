"""An expired or invalid CSRF token on an officer form: show the same page again with what was
posted kept and a fresh token — never a lost form. Nothing is saved from the refused POST."""

from __future__ import annotations

from flask import g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wellbeing.faces.errors import MESSAGES
from wellbeing.org.models import Role
from wellbeing.web.carry import login_keeping_form
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import current_officer, load_target
from wellbeing.web.officer.consent_views import render_consent
from wellbeing.web.officer.questionnaire import reshow_page
from wellbeing.web.officer.submit_views import render_review
from wellbeing.web.security import load_user


def _error_page(status: int) -> ResponseReturnValue:
    message = str(MESSAGES.get(status, MESSAGES[500])[1])
    return render_template("error.html", status=status, message=message), status


@bp.errorhandler(CSRFError)
def form_expired(_exc: CSRFError) -> ResponseReturnValue:
    """Re-show the page the officer posted from, or carry the form through sign-in."""
    if "user" not in g:  # the token is checked before the caller is loaded
        load_user()
    if g.user is None:
        return login_keeping_form()
    if not g.user.has_role(Role.OFFICER):
        return _error_page(403)
    notice = _(
        "This form had expired, so it was not saved yet. Your answers are kept below: "
        "please check them and press the button again."
    )
    args = request.view_args or {}
    try:
        if request.endpoint == "officer.save_page":
            return reshow_page(str(args["instrument"]), request.form, notice)
        if request.endpoint == "officer.submit":
            target = load_target(current_officer(), str(args["instrument"]))
            key = request.form.get("idempotency_key", "")
            return render_review(target, key, notice=notice), 400
        return render_consent(request.form.get("next", ""), notice, 400)
    except HTTPException as exc:
        return _error_page(exc.code or 500)
