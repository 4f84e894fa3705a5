"""The delivery log of notices for admins: `GET /api/v1/deliveries[?status=…]`.

Each message with its kind, recipient (username or shared channel), status and every attempt
(channel, outcome, short error code, time) — never its text or the address it went to.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.faces.errors import ApiError
from wellbeing.notify.deliveries import STATUSES, DeliveryRow, list_deliveries
from wellbeing.org.models import Role

bp = Blueprint("api_deliveries", __name__, url_prefix="/api/v1")


@bp.get("/deliveries")
@roles(Role.ADMIN)
def get_deliveries() -> ResponseReturnValue:
    """The newest notices (up to 200), optionally of one status, with their attempts."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        message = _("The status must be one of: %(choices)s.", choices=", ".join(STATUSES))
        raise ApiError(422, "invalid", message, field="status")
    rows = list_deliveries(db(), status=status)
    return jsonify({"deliveries": [delivery_json(row) for row in rows]})


def delivery_json(row: DeliveryRow) -> dict[str, Any]:
    """One message of the log as JSON (times in ISO 8601, UTC)."""
    return {
        "id": row.message_id,
        "kind": row.kind,
        "recipient": row.recipient,
        "status": row.status,
        "attempts": row.attempts,
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
        "delivered_by": row.delivered_by,
        "tried": [
            {
                "attempt": t.attempt,
                "channel": t.channel,
                "outcome": t.outcome,
                "error_code": t.error_code,
                "at": t.at.isoformat(),
            }
            for t in row.tried
        ],
    }
