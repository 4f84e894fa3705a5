"""Probes for load balancers and orchestrators: `/healthz` (alive) and `/readyz` (can serve).

Both are public and say nothing secret: only which check failed, never a host, URL or error text.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from wellbeing.audit.sequencer import oldest_unlinked
from wellbeing.audit.verify import LINK_DEADLINE
from wellbeing.auth.access import public
from wellbeing.core.clock import utcnow
from wellbeing.core.migrate import answers_at_head
from wellbeing.crypto import KeyringError
from wellbeing.faces.context import db
from wellbeing.sealing.columns import active_keyring, live_keyring

bp = Blueprint("health", __name__)
logger = logging.getLogger("wellbeing.health")


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """The process answers (no database call: a database outage must not restart workers)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz() -> ResponseReturnValue:
    """Database reachable, keyring loaded, schema at the newest migration, audit log linked.

    A keyring that failed to reload (or lacks the primary key the database names) leaves the
    process serving with its last good keyring: "degraded" with a reason code, still 200, so a
    load balancer keeps the worker while the operator is alarmed. So does an audit entry left
    unlinked for longer than ten minutes (unlinked_backlog: the scheduler's `audit.link` job is
    not running; the entries are safe, but not chained yet).
    """
    reachable, at_head = _database_checks()
    keyring, keyring_problem = _keyring_check()
    audit_log, audit_problem = _audit_check() if at_head else ("unknown", "")
    checks = {
        "database": "ok" if reachable else "unreachable",
        "migrations": "ok" if at_head else ("pending" if reachable else "unknown"),
        "keyring": keyring,
        "audit_log": audit_log,
    }
    ready = all(value in ("ok", "degraded") for value in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not_ready", "checks": checks}
    reasons = {name: code for name, code in (("keyring", keyring_problem),
               ("audit_log", audit_problem)) if code}  # fmt: skip
    if reasons:
        body["reasons"] = reasons
        body["status"] = "degraded" if ready else "not_ready"
    return jsonify(body), 200 if ready else 503


def _database_checks() -> tuple[bool, bool]:
    """(reachable, at head)."""
    try:
        # the request's session's connection: closed at teardown
        return True, answers_at_head(db().connection())
    except SQLAlchemyError as exc:
        logger.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return False, False


def _audit_check() -> tuple[str, str]:
    """("ok" | "degraded" | "unknown", the reason code while degraded)."""
    try:
        oldest = oldest_unlinked(db())
    except SQLAlchemyError as exc:
        logger.warning("readiness: audit log unreadable (%s)", type(exc).__name__)
        return "unknown", ""
    if oldest is not None and utcnow() - oldest > LINK_DEADLINE:
        logger.error("audit entries unlinked since %s: is the scheduler running?", oldest)
        return "degraded", "unlinked_backlog"
    return "ok", ""


def _keyring_check() -> tuple[str, str]:
    """("ok" | "degraded" | "missing", the reason code while degraded)."""
    try:
        active_keyring()
    except KeyringError:
        return "missing", ""
    live = live_keyring()
    if live is not None and live.problem:
        return "degraded", live.problem
    return "ok", ""
