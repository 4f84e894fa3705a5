"""The admin's page to erase an officer's clinical data on request (audited `officer.erased`).

The page shows nothing about what the officer had (admins are not clinicians): it takes the
username twice, a reason category and an optional reference such as a request number.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.auth.access import roles
from wellbeing.faces.context import current_user, db
from wellbeing.org.models import Role
from wellbeing.org.service import find_user
from wellbeing.retention.errors import ErasureRefused
from wellbeing.retention.service import MAX_REFERENCE, ErasureReason, erase_officer

bp = Blueprint("admin_erasure", __name__, url_prefix="/admin")

REASON_LABELS = {
    ErasureReason.OFFICER_REQUEST: _l("The officer asked for erasure"),
    ErasureReason.LEFT_SERVICE: _l("The officer has left the service"),
    ErasureReason.LEGAL_ORDER: _l("A legal order"),
    ErasureReason.OTHER: _l("Other (give a reference)"),
}


def _page(status: int = 200, error: str | None = None) -> ResponseReturnValue:
    form = request.form if request.method == "POST" else {}
    page = render_template(
        "admin/erasure.html",
        reasons=REASON_LABELS,
        error=error,
        form=form,
        max_reference=MAX_REFERENCE,
    )
    return page, status


@bp.get("/erasure")
@roles(Role.ADMIN)
def erasure() -> ResponseReturnValue:
    """The erasure form."""
    return _page()


@bp.post("/erasure")
@roles(Role.ADMIN)
def erasure_submit() -> ResponseReturnValue:
    """Erase: submissions and drafts deleted, referrals made erased stubs, consents kept."""
    username = request.form.get("username", "").strip()
    officer = find_user(db(), username) if username else None
    if officer is None:
        return _page(404, _("There is no user with that username."))
    if request.form.get("confirm", "").strip() != username:
        return _page(422, _("Type the username again to confirm."))
    try:
        reason = ErasureReason(request.form.get("reason", ""))
    except ValueError:
        return _page(422, _("Choose a reason."))
    reference = request.form.get("reference", "").strip()
    if reason is ErasureReason.OTHER and not reference:
        return _page(422, _("Give a reference for this erasure."))
    admin = current_user()
    assert admin is not None  # guaranteed by the access rule  # noqa: S101
    try:
        erase_officer(db(), officer, admin, reason, reference)
    except ErasureRefused:
        message = _(
            "This officer has a case the station has not closed yet. "
            "It can be erased once a counsellor has closed it."
        )
        return _page(409, message)
    db().commit()
    flash(_("The clinical data of %(username)s has been erased.", username=username))
    return redirect(url_for("admin_erasure.erasure"))
