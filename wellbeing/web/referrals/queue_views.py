"""The queue: referrals in scope by priority then deadline, time left, claim and claim next."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import error_message, time_left
from wellbeing.referrals import reading, service
from wellbeing.referrals.errors import ReferralError
from wellbeing.web.referrals.blueprint import STAFF, back_to, bp, current_staff, load_referral

VIEWS = ("all", "mine", "open")


@bp.get("")
@roles(*STAFF)
def queue() -> ResponseReturnValue:
    """Referrals not yet closed in the caller's scope; ?show=mine or ?show=open narrows it."""
    user = current_staff()
    show = request.args.get("show", "all")
    show = show if show in VIEWS else "all"
    statuses = ("open",) if show == "open" else reading.ACTIVE
    rows = reading.queue(db(), user, statuses, claimed_by=user if show == "mine" else None)
    now, lang = utcnow(), current_language()
    entries = [
        {**reading.summary(r, lang, now), "time_left": time_left(r.claim_deadline, now)}
        for r in rows
    ]
    return render_template("referrals/queue.html", entries=entries, show=show, views=VIEWS)


@bp.post("/claim-next")
@roles(*STAFF)
def claim_next() -> ResponseReturnValue:
    """Claim the most pressing open referral in scope and open it."""
    user = current_staff()
    try:
        referral = service.claim_next(db(), user)
        db().commit()
    except ReferralError as exc:
        db().rollback()
        flash(error_message(exc))
        return redirect(url_for("referrals.queue"))
    flash(_("You now hold this referral."))
    return back_to(referral)


@bp.post("/<referral_id>/claim")
@roles(*STAFF)
def claim(referral_id: str) -> ResponseReturnValue:
    """Claim one referral; if someone was first, say who."""
    user, referral = current_staff(), load_referral(referral_id)
    try:
        service.claim(db(), referral, user)
        db().commit()
    except ReferralError as exc:
        db().rollback()
        return back_to(referral, exc)
    flash(_("You now hold this referral."))
    return back_to(referral)
