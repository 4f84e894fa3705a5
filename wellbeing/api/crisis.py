"""Crisis API: a counsellor's risk assessment on a referral, and safety plans — the
counsellor's version written on a referral, the officer's own copy under /me.

- `POST /referrals/{id}/risk-assessment` and `PUT /referrals/{id}/safety-plan`: the holder or a
  supervisor in scope; `GET /referrals/{id}/safety-plan`: the referral's counsellors and
  supervisors (audited). Leaders, admins and officers are refused by the route rules (403);
  a referral out of scope, or the caller's own, does not exist (404); in sight but held by
  another counsellor is 403 `not_holder`, as on the referral API.
- `GET|PUT /me/safety-plan`: officers, their own plan only. With no plan yet, GET answers 200
  with six empty lists and `"counsellor": null` (the officer may start one); the top-level
  lists are always the officer's copy, `counsellor` the counsellor's text.

Bodies are checked before anything is written (422 `invalid` naming the field; unknown plan
keys are named in `field`); a closed referral is 409 `wrong_state`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from wellbeing.api.common import caller, json_body
from wellbeing.api.referrals import load_referral, require_work
from wellbeing.auth.access import roles
from wellbeing.crisis import service
from wellbeing.crisis.errors import CrisisError, InvalidInput
from wellbeing.faces.context import db, writes
from wellbeing.faces.crisis_texts import error_message, plan_json
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.org.models import Role

bp = Blueprint("api_crisis", __name__, url_prefix="/api/v1")
STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)
T = TypeVar("T")


@bp.post("/referrals/<referral_id>/risk-assessment")
@roles(*STAFF)
def record_risk_assessment(referral_id: str) -> ResponseReturnValue:
    """A risk assessment: {"level", "factors": [str], "actions": [str], "note"?} → 201."""
    user, referral = caller(), load_referral(referral_id)
    require_work(user, referral)
    body = json_body()
    assessment = _act(
        lambda: service.record_risk_assessment(
            db(),
            referral,
            user,
            level=body.get("level"),
            factors=body.get("factors"),
            actions=body.get("actions"),
            note=body.get("note"),
        )
    )
    shown = service.assessment_view(assessment)
    return jsonify(
        {
            "id": shown["id"],
            "at": shown["at"].isoformat(),
            **{key: shown[key] for key in ("level", "factors", "actions", "note")},
        }
    ), 201


@bp.get("/referrals/<referral_id>/safety-plan")
@roles(*STAFF)
@writes
def get_referral_safety_plan(referral_id: str) -> ResponseReturnValue:
    """The referral's officer's plan, both versions (audited)."""
    user, referral = caller(), load_referral(referral_id)
    view = service.read_plan_for_staff(db(), referral, user)
    db().commit()
    return jsonify(plan_json(view))


@bp.put("/referrals/<referral_id>/safety-plan")
@roles(*STAFF)
def put_referral_safety_plan(referral_id: str) -> ResponseReturnValue:
    """The counsellor's version, written with the officer: the six lists of strings."""
    user, referral = caller(), load_referral(referral_id)
    require_work(user, referral)
    body = json_body()
    view = _act(lambda: service.write_plan_as_counsellor(db(), referral, user, body))
    return jsonify(plan_json(view))


@bp.get("/me/safety-plan")
@roles(Role.OFFICER)
def get_my_safety_plan() -> ResponseReturnValue:
    """The caller's own plan: their copy, and the counsellor's text beside it."""
    return jsonify(plan_json(service.read_plan_for_officer(db(), caller())))


@bp.put("/me/safety-plan")
@roles(Role.OFFICER)
def put_my_safety_plan() -> ResponseReturnValue:
    """Replace the caller's own copy: the six lists of strings."""
    officer, body = caller(), json_body()
    view = _act(lambda: service.write_plan_as_officer(db(), officer, body))
    return jsonify(plan_json(view))


def _act(step: Callable[[], T]) -> T:
    try:
        done = step()
        db().commit()
    except CrisisError as exc:
        db().rollback()
        details: dict[str, Any] = {"field": exc.field} if isinstance(exc, InvalidInput) else {}
        raise ApiError(status_of(exc), exc.code, error_message(exc), **details) from None
    return done
