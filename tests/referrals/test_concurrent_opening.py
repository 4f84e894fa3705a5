"""Two submissions of one officer at the same moment (a phone and a desk browser) open one
referral, not two: the second plans its referral only after the first committed, and joins it.

On SQLite the writers already run one at a time (BEGIN IMMEDIATE); on PostgreSQL the plan takes
the officer's row `FOR UPDATE` first (wellbeing/referrals/opening.py). Without it the second
submission read "no open referral" from its snapshot and opened its own.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from wellbeing.org import service as org_service
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, ReferralSubmission
from wellbeing.screening import service as screening
from wellbeing.screening.consent import give_consent

# PHQ-9 with item 9 above zero: a critical item, an urgent referral under the shipped rules
CRITICAL_PHQ9 = {f"q{i}": 2 for i in range(1, 9)} | {"q9": 1}


def _submit(session: Session, policy: Any, officer_id: int) -> screening.SubmissionOutcome:
    """The officer's critical PHQ-9, a new idempotency key each time, in the session's
    transaction."""
    officer = session.get(User, officer_id)
    assert officer is not None
    key = uuid.uuid4().hex
    return screening.submit(
        session, policy, officer, instrument_id="phq9", answers=CRITICAL_PHQ9, idempotency_key=key
    )


def _submit_committed(engine: Engine, policy: Any, officer_id: int) -> Any:
    with Session(engine) as session, session.begin():
        return _submit(session, policy, officer_id)


def test_one_officers_two_simultaneous_submissions_open_one_referral(
    app: Any, scratch_engine: Engine
) -> None:
    policy = app.extensions["wellbeing.policy"]  # `app` also set this process's keyring
    with Session(scratch_engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        officer = org_service.add_user(
            session, "o1", unit_code="S", grants=[org_service.parse_grant("officer")]
        )
        give_consent(session, officer)
        officer_id = officer.id
    outcomes: list[Any] = []

    with Session(scratch_engine) as first:
        first.begin()
        assert _submit(first, policy, officer_id).referral is not None
        second = threading.Thread(
            target=lambda: outcomes.append(_submit_committed(scratch_engine, policy, officer_id))
        )
        second.start()
        second.join(timeout=1.0)
        assert second.is_alive(), "the second submission planned before the first committed"
        first.commit()
    second.join(timeout=60)
    assert not second.is_alive()

    assert len(outcomes) == 1
    assert outcomes[0].referral is not None
    with Session(scratch_engine) as session:
        referrals = session.scalars(select(Referral).where(Referral.officer_id == officer_id)).all()
        assert len(referrals) == 1
        linked = session.scalar(
            select(func.count())
            .select_from(ReferralSubmission)
            .where(ReferralSubmission.referral_id == referrals[0].id)
        )
        assert linked == 2
