"""Referral API: the scoped queue, one referral (audited), claim, contacts, notes, close,
reassign — and an officer's own request to talk to someone.

Leaders, officers and admins are refused by the route rules (403); staff outside a referral's
scope are told it does not exist (404). Bodies are checked before anything is written (422
naming the field).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import catalogue, db, review_policy, screening_policy, writes
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.i18n import current_language
from wellbeing.faces.referral_texts import error_message
from wellbeing.org.models import Role, User
from wellbeing.referrals import outreach, reading, service
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Outcome, Referral, Status
from wellbeing.referrals.permissions import may_reassign, may_see, may_work
from wellbeing.referrals.staff import staff_covering

bp = Blueprint("api_referrals", __name__, url_prefix="/api/v1")
STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)
NOTE_MAX = 5000
STATUS_FILTERS = {
    "active": reading.ACTIVE,
    **{status.value: (status.value,) for status in Status},
}


@bp.get("/referrals")
@roles(*STAFF)
def list_referrals() -> ResponseReturnValue:
    """Referrals in the caller's scope; ?status=active (default), open, claimed, contacted or
    closed."""
    wanted = request.args.get("status", "active")
    if wanted not in STATUS_FILTERS:
        raise _invalid(
            "status",
            _("Field status must be one of: %(values)s.", values=", ".join(STATUS_FILTERS)),
        )
    rows = reading.queue(db(), caller(), STATUS_FILTERS[wanted])
    now, lang = _now(), current_language()
    return jsonify([_jsonable(reading.summary(r, lang, now)) for r in rows])


@bp.get("/referrals/<referral_id>")
@roles(*STAFF)
@writes
def get_referral(referral_id: str) -> ResponseReturnValue:
    """One referral with reasons, history, the submissions behind it and the trend (audited)."""
    user, referral = caller(), load_referral(referral_id)
    record = reading.read_referral(db(), user, referral, catalogue(), current_language())
    db().commit()
    body = {
        **reading.summary(referral, current_language(), _now()),
        "officer": _officer(referral.officer),
        "reasons": record.reasons,
        "history": record.history,
        "submissions": record.submissions,
        "trend": record.trend,
        "may_work": may_work(user, referral),
    }
    return jsonify(_jsonable(body))


@bp.post("/referrals/<referral_id>/claim")
@roles(*STAFF)
def claim(referral_id: str) -> ResponseReturnValue:
    """Claim; 409 `already_claimed` when someone else was first."""
    user, referral = caller(), load_referral(referral_id)
    return _act(lambda: service.claim(db(), referral, user))


@bp.post("/referrals/<referral_id>/contacts")
@roles(*STAFF)
def record_contact(referral_id: str) -> ResponseReturnValue:
    """A contact attempt: {"reached": bool, "note": str}."""
    user, referral = caller(), load_referral(referral_id)
    require_work(user, referral)
    body = json_body()
    reached = body.get("reached")
    if not isinstance(reached, bool):
        raise _invalid("reached", _("Field reached must be true or false."))
    note = _note(body, required=False)
    return _act(lambda: service.record_contact(db(), referral, user, reached=reached, note=note))


@bp.post("/referrals/<referral_id>/notes")
@roles(*STAFF)
def add_note(referral_id: str) -> ResponseReturnValue:
    """A case note: {"note": str}."""
    user, referral = caller(), load_referral(referral_id)
    require_work(user, referral)
    note = _note(json_body(), required=True)
    return _act(lambda: service.add_note(db(), referral, user, note))


@bp.post("/referrals/<referral_id>/close")
@roles(*STAFF)
def close(referral_id: str) -> ResponseReturnValue:
    """Close: {"outcome": one of the outcomes, "note": str}."""
    user, referral = caller(), load_referral(referral_id)
    require_work(user, referral)
    body = json_body()
    outcome = body.get("outcome")
    if not isinstance(outcome, str) or outcome not in {o.value for o in Outcome}:
        values = ", ".join(o.value for o in Outcome)
        raise _invalid("outcome", _("Field outcome must be one of: %(values)s.", values=values))
    note = _note(body, required=True)
    policy = review_policy()
    return _act(
        lambda: service.close(
            db(), referral, user, outcome=Outcome(outcome), note=note, review=policy
        )
    )


@bp.post("/referrals/<referral_id>/reassign")
@roles(Role.SUPERVISOR)
def reassign(referral_id: str) -> ResponseReturnValue:
    """Hand the referral to a counsellor whose scope covers the unit: {"counsellor": username}."""
    user, referral = caller(), load_referral(referral_id)
    if not may_reassign(user, referral):
        raise _not_found()
    username = json_body().get("counsellor")
    target = next(
        (
            person
            for person in staff_covering(db(), referral.unit, Role.COUNSELLOR)
            if person.username == username and person.id != referral.officer_id
        ),
        None,
    )
    if target is None:
        raise _invalid(
            "counsellor", _("Field counsellor must name a counsellor who covers this unit.")
        )
    return _act(lambda: service.reassign(db(), referral, user, target))


@bp.post("/me/self-referral")
@roles(Role.OFFICER)
def self_referral() -> ResponseReturnValue:
    """The caller asks to talk to a counsellor: {"message": optional str}."""
    message = json_body().get("message") if request.content_length else None
    if message is not None and (
        not isinstance(message, str) or len(message) > service.SELF_REFERRAL_MESSAGE_MAX
    ):
        raise _invalid("message", _("Field message must be a text of at most 2000 characters."))
    referral = service.self_refer(db(), caller(), message, screening_policy().deadlines)
    db().commit()
    contact_by = referral.claim_deadline if referral.status == Status.OPEN.value else None
    return jsonify(
        _jsonable({"id": referral.id, "status": referral.status, "contact_by": contact_by})
    ), 201


@bp.get("/me/outreach")
@roles(Role.OFFICER)
def my_outreach() -> ResponseReturnValue:
    """The caller's open outreach tasks after a critical incident (what they may decline)."""
    tasks = outreach.outreach_for(db(), caller())
    return jsonify([_jsonable({"id": t.id, "opened_at": t.opened_at}) for t in tasks])


@bp.post("/me/outreach/<task_id>/decline")
@roles(Role.OFFICER)
def decline_outreach(task_id: str) -> ResponseReturnValue:
    """Decline the station's outreach (one tap); the follow-up screenings stay as they are."""
    officer = caller()
    task = outreach.open_task_of(db(), officer, task_id)
    if task is None:
        raise _not_found()
    outreach.decline_outreach(db(), task, officer)
    db().commit()
    return jsonify(_jsonable({"id": task.id, "status": task.status, "outcome": task.outcome}))


def load_referral(referral_id: str) -> Referral:
    """The referral if the caller may see it; otherwise 404 (ids cannot be probed)."""
    referral = service.find_referral(db(), referral_id)
    if referral is None or not may_see(caller(), referral):
        raise _not_found()
    return referral


def require_work(user: User, referral: Referral) -> None:
    """403 `not_holder` unless the caller holds the referral or supervises it."""
    if not may_work(user, referral):
        raise ApiError(
            403,
            "not_holder",
            _("Only the counsellor who holds this referral, or a supervisor, may do this."),
        )


def _act(step: Any) -> ResponseReturnValue:
    try:
        referral: Referral = step()
        db().commit()
    except ReferralError as exc:
        db().rollback()
        details = {"claimed_by": exc.by} if hasattr(exc, "by") else {}
        raise ApiError(status_of(exc), exc.code, error_message(exc), **details) from None
    return jsonify(_jsonable(reading.summary(referral, current_language(), _now())))


def _note(body: dict[str, Any], *, required: bool) -> str:
    note = body.get("note", None if required else "")
    if not isinstance(note, str) or (required and not note.strip()) or len(note) > NOTE_MAX:
        raise _invalid("note", _("Field note must be a text of at most 5000 characters."))
    return note


def _officer(officer: User) -> dict[str, Any]:
    return {
        "username": officer.username,
        "name": officer.display_name,
        "unit": officer.unit.name(current_language()),
        "phone": officer.phone,
        "email": officer.email,
    }


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, field=field)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", _("This page or record does not exist."))


def _now() -> datetime:
    return utcnow()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
