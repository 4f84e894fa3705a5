"""The delivery log of notices (admins): each message's attempts, channel and outcome, no text."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.notify.deliveries import STATUSES, list_deliveries
from wellbeing.org.models import Role
from wellbeing.web.admin.blueprint import bp


@bp.get("/deliveries")
@roles(Role.ADMIN)
def deliveries() -> ResponseReturnValue:
    """The newest notices with every attempt; `?status=pending|sent|failed_permanently`."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400, description="unknown_status")
    rows = list_deliveries(db(), status=status)
    return render_template("admin/deliveries.html", rows=rows, status=status, statuses=STATUSES)
