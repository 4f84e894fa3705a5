"""Erasure on request: an officer's clinical data goes, stubs and consents stay; audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.retention.conftest import CALM, SEVERE, referral_of
from wellbeing.audit.models import AuditEntry
from wellbeing.crisis import service as crisis
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, ReferralEvent, RiskAssessment
from wellbeing.retention.errors import ErasureRefused
from wellbeing.retention.service import ErasureReason, erase_officer
from wellbeing.screening.consent import current_consent
from wellbeing.screening.drafts import save_draft
from wellbeing.screening.models import Draft, Submission


def _submissions(session: Session, officer: User) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.officer_id == officer.id)))


def _drafts(session: Session, officer: User) -> list[Draft]:
    return list(session.scalars(select(Draft).where(Draft.officer_id == officer.id)))


def test_erasure_deletes_submissions_and_drafts_and_stubs_referrals(
    db_session: Session,
    make_user: Callable[..., User],
    submit: Any,
    close_referral: Any,
    frozen_clock: Any,
) -> None:
    officer, bystander, admin = make_user("officer"), make_user("officer"), make_user("admin")
    referral = referral_of(db_session, submit(officer, SEVERE))
    submit(officer, CALM)
    close_referral(referral)
    save_draft(db_session, officer, "gad7", None, {"q1": 1})
    submit(bystander, CALM)
    save_draft(db_session, bystander, "gad7", None, {"q1": 1})

    erase_officer(db_session, officer, admin, ErasureReason.OFFICER_REQUEST, "REQ-2026-17")
    db_session.expire_all()

    assert _submissions(db_session, officer) == []
    assert _drafts(db_session, officer) == []
    assert current_consent(db_session, officer) is not None  # what was agreed stays on record
    stub = db_session.get(Referral, referral.id)
    assert stub is not None
    assert stub.erased
    assert stub.reasons == []
    assert stub.outcome == "support_provided"
    events = db_session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == stub.id))
    assert all(event.detail is None for event in events)
    assert len(_submissions(db_session, bystander)) == 1
    assert len(_drafts(db_session, bystander)) == 1
    assert db_session.scalars(select(RiskAssessment)).all() == []  # sealed clinical content goes
    assert crisis.read_plan_for_officer(db_session, officer) is None
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "officer.erased")
    ).one()
    assert entry.actor_name == admin.username
    assert entry.target_id == officer.username
    assert entry.detail == {"reason": "officer_request", "reference": "REQ-2026-17"}


def test_erasure_waits_for_an_open_referral(
    db_session: Session, make_user: Callable[..., User], submit: Any
) -> None:
    officer, admin = make_user("officer"), make_user("admin")
    submit(officer, SEVERE)
    with pytest.raises(ErasureRefused):
        erase_officer(db_session, officer, admin, ErasureReason.OFFICER_REQUEST)
    assert len(_submissions(db_session, officer)) == 1


def _erase(client: FlaskClient, csrf: Any, **form: str) -> Any:
    data = {"csrf_token": csrf(client, "/admin/erasure"), **form}
    return client.post("/admin/erasure", data=data)


def test_admin_page_erases_with_a_reason(
    client: FlaskClient,
    db_session: Session,
    make_user: Callable[..., User],
    login: Any,
    csrf: Any,
    submit: Any,
) -> None:
    officer, admin = make_user("officer"), make_user("admin", locale="en")
    submit(officer, CALM)
    login(client, admin.username)
    page = client.get("/admin/erasure")
    assert page.status_code == 200
    assert "Erase an officer" in page.get_data(as_text=True)
    name = officer.username
    assert (
        _erase(client, csrf, username=name, confirm="x", reason="officer_request").status_code
        == 422
    )
    assert _erase(client, csrf, username=name, confirm=name, reason="").status_code == 422
    assert _erase(client, csrf, username=name, confirm=name, reason="other").status_code == 422
    assert (
        _erase(client, csrf, username="nobody", confirm="nobody", reason="other").status_code == 404
    )
    done = _erase(client, csrf, username=name, confirm=name, reason="left_service")
    assert done.status_code == 302
    assert "has been erased" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert _submissions(db_session, officer) == []


def test_admin_page_refuses_while_a_case_is_open(
    client: FlaskClient,
    db_session: Session,
    make_user: Callable[..., User],
    login: Any,
    csrf: Any,
    submit: Any,
) -> None:
    officer = make_user("officer")
    submit(officer, SEVERE)
    login(client, make_user("admin").username)
    name = officer.username
    refused = _erase(client, csrf, username=name, confirm=name, reason="officer_request")
    assert refused.status_code == 409
    assert len(_submissions(db_session, officer)) == 1


@pytest.mark.parametrize("role", ["officer", "counsellor", "supervisor", "leader"])
def test_only_admins_reach_the_erasure_page(
    client: FlaskClient, make_user: Callable[..., User], login: Any, role: str
) -> None:
    login(client, make_user(role, unit="ST1").username)
    assert client.get("/admin/erasure").status_code == 403
