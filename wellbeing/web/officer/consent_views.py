"""Consent before the first screening, and withdrawing it later."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.faces.consent_text import SECTIONS, TITLE
from wellbeing.faces.context import db, settings
from wellbeing.org.models import Role
from wellbeing.screening.consent import (
    CONSENT_VERSION,
    current_consent,
    give_consent,
    withdraw_consent,
)
from wellbeing.web.auth_views import safe_next
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import current_officer


def render_consent(
    next_url: str, notice: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The consent statement, with "I agree" or, once given, the withdraw button."""
    officer = current_officer()
    page = render_template(
        "officer/consent.html",
        consent=current_consent(db(), officer),
        version=CONSENT_VERSION,
        consent_title=TITLE,
        consent_sections=SECTIONS,
        next=next_url,
        notice=notice,
        station_name=settings().station_name,
    )
    return page, status


@bp.get("/consent")
@roles(Role.OFFICER)
def consent() -> ResponseReturnValue:
    """What screening is for, who sees what, how long it is kept, and that it is voluntary."""
    return render_consent(request.args.get("next", ""))


@bp.post("/consent")
@roles(Role.OFFICER)
def agree() -> ResponseReturnValue:
    """Record consent to the current text, then go where the officer was going."""
    give_consent(db(), current_officer())
    db().commit()
    target = request.form.get("next") or url_for("officer.screenings")
    return redirect(safe_next(target))


@bp.post("/consent/withdraw")
@roles(Role.OFFICER)
def withdraw() -> ResponseReturnValue:
    """Withdraw consent for future screenings (past results stay the officer's own)."""
    withdraw_consent(db(), current_officer())
    db().commit()
    flash(_("Your consent is withdrawn. No new answers are collected unless you agree again."))
    return redirect(url_for("officer.consent"))
