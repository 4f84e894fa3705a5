"""The review list and review decisions: exactly the chosen, unreviewed cases in scope with their
waiting time; a sign-off takes a case off the list; a reopening sends it back to its holder and
the next closing puts it back in the list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.supervision.conftest import ALL, NONE
from wellbeing.audit.models import AuditEntry
from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals import service
from wellbeing.referrals.errors import NotReviewable, ReferralError
from wellbeing.referrals.models import Status
from wellbeing.supervision.reviews import Decision, decide, review_list


def _listed(db_session: Any, supervisor: Any, now: Any) -> list[tuple[str, timedelta]]:
    return [(w.referral.id, w.waiting) for w in review_list(db_session, supervisor, now)]


def test_the_list_holds_exactly_the_chosen_unreviewed_cases_in_scope_oldest_first(
    db_session: Any, make_user: Any, staff: Any, closed_case: Any, refer: Any, frozen_clock: Any
) -> None:
    c1, sup = staff["c1"], staff["sup"]
    first = closed_case(make_user("officer", unit="ST1-T1"), c1, "urgent", review=ALL)
    frozen_clock.advance(hours=2)
    second = closed_case(make_user("officer", unit="ST1-T2"), staff["c2"], review=ALL)
    closed_case(make_user("officer", unit="ST1-T1"), c1, review=NONE)  # not chosen
    elsewhere = closed_case(make_user("officer", unit="ST2-T1"), staff["other"], review=ALL)
    service.claim(db_session, refer(make_user("officer", unit="ST1-T1")), c1)  # still open
    frozen_clock.advance(minutes=30)
    now = frozen_clock.now
    assert _listed(db_session, sup, now) == [
        (first.id, timedelta(hours=2, minutes=30)),
        (second.id, timedelta(minutes=30)),
    ]
    assert _listed(db_session, staff["sup2"], now) == [(elsewhere.id, timedelta(minutes=30))]
    assert _listed(db_session, staff["c1"], now) == []  # no supervisor grant, no scope


def test_sign_off_takes_the_case_off_the_list_and_is_recorded(
    db_session: Any, make_user: Any, staff: Any, closed_case: Any, frozen_clock: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    decide(db_session, case, staff["sup"], Decision.SIGNED_OFF, "处理得当")
    db_session.flush()
    assert _listed(db_session, staff["sup"], frozen_clock.now) == []
    assert case.reviewed_at == frozen_clock.now
    assert case.events[-1].kind == "signed_off"
    assert case.events[-1].detail == {"comment": "处理得当"}
    actions = db_session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == case.id)
    ).all()
    assert "referral.signed_off" in actions
    assert not any(
        "处理得当" in (e.detail_json or "") for e in db_session.scalars(select(AuditEntry))
    )
    with pytest.raises(NotReviewable):
        decide(db_session, case, staff["sup"], Decision.SIGNED_OFF, "again")


def test_reopen_goes_back_to_the_holder_and_the_next_closing_is_listed_again(
    db_session: Any, make_user: Any, staff: Any, closed_case: Any, close_case: Any,
    frozen_clock: Any,
) -> None:  # fmt: skip
    c1, sup = staff["c1"], staff["sup"]
    reached = closed_case(make_user("officer"), c1)
    unreached = closed_case(make_user("officer"), c1, reach=False)
    decide(db_session, reached, sup, Decision.REOPENED, "请再跟进一次")
    decide(db_session, unreached, sup, Decision.REOPENED, "未联系上本人")
    db_session.flush()
    assert (reached.status, reached.claimed_by) == (Status.CONTACTED.value, c1.id)
    assert (unreached.status, unreached.claimed_by) == (Status.CLAIMED.value, c1.id)
    assert reached.closed_at is None
    assert reached.outcome is None
    assert _listed(db_session, sup, frozen_clock.now) == []
    told = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "referral.reopened")
    ).all()
    assert [m.recipient_user_id for m in told] == [c1.id, c1.id]
    frozen_clock.advance(days=1)
    close_case(reached, c1)
    frozen_clock.advance(hours=1)
    assert _listed(db_session, sup, frozen_clock.now) == [(reached.id, timedelta(hours=1))]


def test_a_decision_needs_a_comment_and_writes_nothing_without_one(
    db_session: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    events = len(case.events)
    for decision in Decision:
        with pytest.raises(ReferralError):
            decide(db_session, case, staff["sup"], decision, "   ")
    assert len(case.events) == events
    assert case.reviewed_at is None
    assert case.status == Status.CLOSED.value
