"""The retention purge: submissions and drafts past retention go, closed referrals become stubs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.retention.conftest import CALM, SEVERE, referral_of
from wellbeing.app.jobs import run_job_once
from wellbeing.audit.models import AuditEntry
from wellbeing.core.config import ConfigError, load_settings
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, ReferralEvent, ReferralSubmission
from wellbeing.screening.drafts import save_draft
from wellbeing.screening.models import Draft, Submission


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_retention_settings_default_to_five_years_and_refuse_tiny_values() -> None:
    settings = load_settings({}, environ={})
    assert settings.submission_retention_days == settings.closed_referral_retention_days == 1825
    env = {"WELLBEING_SUBMISSION_RETENTION_DAYS": "730"}
    assert load_settings({}, environ=env).submission_retention_days == 730
    with pytest.raises(ConfigError, match="WELLBEING_CLOSED_REFERRAL_RETENTION_DAYS"):
        load_settings({}, environ={"WELLBEING_CLOSED_REFERRAL_RETENTION_DAYS": "3"})


def test_submissions_and_drafts_past_retention_are_purged(
    db_session: Session,
    make_user: Callable[..., User],
    submit: Any,
    job_context: Any,
    frozen_clock: Any,
) -> None:
    officer = make_user("officer")
    old_id = submit(officer, CALM).submission.id
    save_draft(db_session, officer, "gad7", None, {"q1": 2})
    frozen_clock.advance(days=200)
    recent_id = submit(officer, CALM).submission.id
    frozen_clock.advance(days=200)
    run_job_once("retention.purge", job_context(submission_retention_days=365))
    db_session.expire_all()
    assert db_session.get(Submission, old_id) is None
    assert db_session.get(Submission, recent_id) is not None
    assert _count(db_session, Draft) == 0
    assert "retention.purged" in _actions(db_session)
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purged"))
    assert next(iter(entries)).detail == {"drafts": 1, "referrals": 0, "submissions": 1}


def test_a_submission_behind_an_open_referral_waits_until_it_closes(
    db_session: Session,
    make_user: Callable[..., User],
    submit: Any,
    close_referral: Any,
    job_context: Any,
    frozen_clock: Any,
) -> None:
    officer = make_user("officer")
    outcome = submit(officer, SEVERE)
    submission_id = outcome.submission.id
    referral = referral_of(db_session, outcome)
    frozen_clock.advance(days=400)
    context = job_context(submission_retention_days=365)
    run_job_once("retention.purge", context)
    db_session.expire_all()
    assert db_session.get(Submission, submission_id) is not None  # still needed

    close_referral(referral)
    run_job_once("retention.purge", context)
    db_session.expire_all()
    assert db_session.get(Submission, submission_id) is None
    kept = db_session.get(Referral, referral.id)
    assert kept is not None
    assert kept.outcome == "support_provided"
    assert not kept.erased  # closed recently: its own retention has not run out
    assert _count(db_session, ReferralSubmission) == 0


def test_closed_referrals_past_retention_become_erased_stubs(
    db_session: Session,
    make_user: Callable[..., User],
    submit: Any,
    close_referral: Any,
    job_context: Any,
    frozen_clock: Any,
) -> None:
    officer = make_user("officer")
    referral = referral_of(db_session, submit(officer, SEVERE))
    close_referral(referral)
    kinds_before = [(e.kind, e.at, e.actor_id) for e in referral.events]
    frozen_clock.advance(days=40)
    run_job_once("retention.purge", job_context(closed_referral_retention_days=30))
    db_session.expire_all()
    stub = db_session.get(Referral, referral.id)
    assert stub is not None
    assert stub.erased
    assert stub.reasons == []
    assert stub.outcome == "support_provided"
    events = list(
        db_session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id))
    )
    kinds_after = sorted((e.kind, e.at, e.actor_id) for e in events if e.kind != "erased")
    assert kinds_after == sorted(kinds_before)
    assert all(e.detail is None for e in events)
    assert [e.kind for e in events].count("erased") == 1
    assert _count(db_session, ReferralSubmission) == 0
    assert "referral.erased" in _actions(db_session)

    run_job_once("retention.purge", job_context(closed_referral_retention_days=30))
    events_again = db_session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    )
    assert [e.kind for e in events_again].count("erased") == 1  # idempotent


def test_nothing_to_purge_writes_no_audit_entry(
    db_session: Session, make_user: Callable[..., User], submit: Any, job_context: Any
) -> None:
    submit(make_user("officer"), CALM)
    run_job_once("retention.purge", job_context())
    assert "retention.purged" not in _actions(db_session)
