"""The admin's view of the audit log: newest first, filtered, 50 a page (no clinical content)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.audit.queries import EntryFilter, list_entries
from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.org.models import Role

bp = Blueprint("admin_audit", __name__, url_prefix="/admin")

ACTION_LABELS = {
    "auth.login_succeeded": _l("Signed in"),
    "auth.login_failed": _l("Sign-in refused"),
    "auth.sso_failed": _l("Single sign-on refused"),
    "auth.login_throttled": _l("Sign-in throttled"),
    "auth.logout": _l("Signed out"),
    "auth.token_issued": _l("API token issued"),
    "auth.token_revoked": _l("API token revoked"),
    "org.user_created": _l("User created"),
    "org.role_granted": _l("Role granted"),
    "org.password_set": _l("Password set"),
    "org.user_deactivated": _l("User deactivated"),
    "audit.purged": _l("Old audit entries purged"),
}


def _day(name: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(_("Dates must look like 2026-11-27."))
        return None


def _filter_from_args(errors: list[str]) -> EntryFilter:
    """Read the filters from the query string; dates are whole UTC days, `to` inclusive."""
    start, end = _day("from", errors), _day("to", errors)
    return EntryFilter(
        action_prefix=request.args.get("action", "").strip()[:64],
        actor_name=request.args.get("actor", "").strip()[:64],
        target_type=request.args.get("target_type", "").strip()[:32],
        since=datetime.combine(start, time(), UTC) if start else None,
        until=datetime.combine(end, time(), UTC) + timedelta(days=1) if end else None,
    )


@bp.get("/audit")
@roles(Role.ADMIN)
def audit_log() -> ResponseReturnValue:
    """List audit entries, newest first, with filters and pages of 50."""
    errors: list[str] = []
    wanted = _filter_from_args(errors)
    page = request.args.get("page", 1, type=int) or 1
    found = list_entries(db(), wanted, page)
    arguments = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        found=found,
        labels=ACTION_LABELS,
        errors=errors,
        args=arguments,
    )
