"""Referral lifecycle: open or join, claim, contact, close; history and audit for each step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from wellbeing.audit.models import AuditEntry
from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals import service
from wellbeing.referrals.errors import AlreadyClaimed, ReferralError, WrongState
from wellbeing.referrals.models import Outcome, Referral, Status
from wellbeing.referrals.review import ReviewPolicy

REVIEW = ReviewPolicy(seed=b"test")


def test_reasons_join_one_open_referral_and_priority_only_rises(
    db_session: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    first = refer(officer, "routine", reason="who5")
    joined = refer(officer, "urgent", crisis=True, reason="phq9 item 9")
    again = refer(officer, "high", reason="gad7")
    assert first.id == joined.id == again.id
    assert joined.priority == "urgent"
    assert joined.crisis is True
    assert [r["en"] for r in joined.reasons] == ["reason who5", "reason phq9 item 9", "reason gad7"]
    kinds = [e.kind for e in joined.events]
    assert kinds == ["opened", "reasons_added", "priority_raised", "reasons_added"]
    rows = db_session.scalars(select(Referral)).all()
    assert len(rows) == 1


def test_urgent_referral_tells_counsellors_in_scope_without_clinical_content(
    db_session: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    refer(officer, "urgent", crisis=True)
    messages = db_session.scalars(select(OutboxMessage)).all()
    recipients = sorted(m.recipient_user_id for m in messages)
    assert recipients == sorted([staff["c1"].id, staff["c2"].id])
    assert {m.kind for m in messages} == {"referral.waiting"}
    assert all(set(m.params) == {"priority"} for m in messages)


def test_claim_contact_close(db_session: Any, make_user: Any, refer: Any, staff: Any) -> None:
    officer = make_user("officer", unit="ST1-T1")
    referral = refer(officer, "high")
    service.claim(db_session, referral, staff["c1"])
    assert referral.status == Status.CLAIMED.value
    with pytest.raises(AlreadyClaimed) as caught:
        service.claim(db_session, referral, staff["c2"])
    assert caught.value.by == staff["c1"].display_name
    service.record_contact(db_session, referral, staff["c1"], reached=False, note="无人接听")
    assert referral.status == Status.CLAIMED.value
    service.record_contact(db_session, referral, staff["c1"], reached=True, note="已电话联系")
    assert referral.status == Status.CONTACTED.value
    with pytest.raises(ReferralError):
        service.close(
            db_session, referral, staff["c1"], outcome=Outcome.DECLINED, note=" ", review=REVIEW
        )
    service.close(
        db_session,
        referral,
        staff["c1"],
        outcome=Outcome.SUPPORT_PROVIDED,
        note="完成",
        review=REVIEW,
    )
    assert referral.status == Status.CLOSED.value
    assert referral.outcome == "support_provided"
    with pytest.raises(WrongState):
        service.add_note(db_session, referral, staff["c1"], "late")
    kinds = [e.kind for e in referral.events]
    assert kinds == ["opened", "claimed", "contact_attempt", "contact_attempt", "closed"]
    assert referral.events[2].detail == {"reached": False, "note": "无人接听"}
    actions = db_session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == referral.id)
    ).all()
    assert actions == [
        "referral.opened",
        "referral.claimed",
        "referral.contact_attempt",
        "referral.contact_attempt",
        "referral.closed",
    ]


def test_notes_are_sealed_in_the_database(
    db_session: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    referral = refer(officer, "high")
    service.claim(db_session, referral, staff["c1"])
    service.add_note(db_session, referral, staff["c1"], "SECRET-NOTE-TEXT")
    db_session.flush()
    details = db_session.execute(text("SELECT detail_json FROM audit_entries")).scalars().all()
    assert "SECRET-NOTE-TEXT" not in repr(details)  # audit details never carry notes
    blobs = db_session.execute(text("SELECT detail_sealed FROM referral_events")).scalars().all()
    assert all(b is None or b"SECRET-NOTE-TEXT" not in bytes(b) for b in blobs)


def test_reassign_by_supervisor(db_session: Any, make_user: Any, refer: Any, staff: Any) -> None:
    officer = make_user("officer", unit="ST1-T1")
    referral = refer(officer, "routine")
    service.claim(db_session, referral, staff["c1"])
    service.reassign(db_session, referral, staff["sup"], staff["c2"])
    assert referral.claimed_by == staff["c2"].id
    assert referral.events[-1].kind == "reassigned"


def test_claim_next_takes_the_most_pressing_in_scope(
    db_session: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    routine = refer(make_user("officer", unit="ST1-T1"), "routine")
    urgent = refer(make_user("officer", unit="ST1-T2"), "urgent")
    elsewhere = refer(make_user("officer", unit="ST2-T1"), "urgent")
    assert service.claim_next(db_session, staff["c1"]).id == urgent.id
    assert service.claim_next(db_session, staff["c2"]).id == routine.id
    assert service.claim_next(db_session, staff["other"]).id == elsewhere.id
