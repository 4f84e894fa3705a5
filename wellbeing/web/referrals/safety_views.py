"""The crisis panel on the referral page: the risk-assessment form and the assessments recorded
(who, when, level, factors, actions, note), and the safety plan written with the officer, with
the officer's own copy beside it when they have changed it.

`crisis_panel` gathers the panel's data for `case_views.detail` (reading assessments and the
plan is audited, so it runs before that view commits). Writing needs `may_work` (the holder or
a supervisor in scope; others in scope read); a bad form is refused with the reason and
nothing is written. Forms: factors and actions are boxes to tick from fixed lists plus an
"other" text (one per line); the plan is six text areas, one item per line.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.crisis import service
from wellbeing.crisis.errors import CrisisError
from wellbeing.crisis.input import COMMON_ACTIONS, COMMON_FACTORS, LEVELS, SECTIONS
from wellbeing.faces import crisis_texts as texts
from wellbeing.faces.context import db
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.permissions import may_work
from wellbeing.web.referrals.blueprint import STAFF, bp, current_staff, load_workable


def crisis_panel(user: User, referral: Referral) -> dict[str, Any]:
    """What `crisis/_referral_panel.html` shows (audited reads; the caller commits)."""
    plan = service.read_plan_for_staff(db(), referral, user)
    shown = [_labelled(row) for row in service.assessments(db(), referral, user)]
    counsellor = plan.counsellor if plan is not None else None
    in_form = counsellor if counsellor is not None else (plan.own if plan is not None else None)
    return {
        "may_write": may_work(user, referral) and referral.status != Status.CLOSED.value,
        "urgent": referral.priority == "urgent",
        "assessments": shown,
        "plan": plan,
        "plan_text": {s: "\n".join(texts.plan_sections(in_form)[s]) for s in SECTIONS},
        "levels": [(level, texts.LEVEL_LABELS[level]) for level in LEVELS],
        "factors": [(code, texts.FACTOR_LABELS[code]) for code in COMMON_FACTORS],
        "actions": [(code, texts.ACTION_LABELS[code]) for code in COMMON_ACTIONS],
        "sections": [(s, texts.SECTION_TITLES[s], texts.SECTION_PROMPTS[s]) for s in SECTIONS],
    }


@bp.post("/<referral_id>/risk-assessment")
@roles(*STAFF)
def record_risk_assessment(referral_id: str) -> ResponseReturnValue:
    """Record a risk assessment from the panel's form."""
    user, referral = current_staff(), load_workable(referral_id)
    form = request.form
    factors = [*form.getlist("factors"), *_lines(form.get("factors_other", ""))]
    actions = [*form.getlist("actions"), *_lines(form.get("actions_other", ""))]
    return _act(
        referral,
        lambda: service.record_risk_assessment(
            db(), referral, user, level=form.get("level"), factors=factors, actions=actions,
            note=form.get("note", ""),
        ),
        _("Risk assessment recorded."),
    )  # fmt: skip


@bp.post("/<referral_id>/safety-plan")
@roles(*STAFF)
def write_safety_plan(referral_id: str) -> ResponseReturnValue:
    """Save the safety plan written with the officer (one item per line in each section)."""
    user, referral = current_staff(), load_workable(referral_id)
    plan = {section: _lines(request.form.get(section, "")) for section in SECTIONS}
    return _act(
        referral,
        lambda: service.write_plan_as_counsellor(db(), referral, user, plan),
        _("Safety plan saved. The officer can now see it on their own pages."),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "level_label": texts.entry_label(texts.LEVEL_LABELS, row["level"] or ""),
        "factor_labels": [texts.entry_label(texts.FACTOR_LABELS, f) for f in row["factors"]],
        "action_labels": [texts.entry_label(texts.ACTION_LABELS, a) for a in row["actions"]],
    }


def _act(referral: Referral, step: Any, done: str) -> ResponseReturnValue:
    try:
        step()
        db().commit()
    except CrisisError as exc:
        db().rollback()
        flash(texts.error_message(exc))
    else:
        flash(done)
    return redirect(url_for("referrals.detail", referral_id=referral.id, _anchor="crisis"))
