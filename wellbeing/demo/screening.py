"""Demo screening history: two closed quarterly waves and one open wave, answered through the
real submission pipeline (scoring, sealing, rules, referrals, facts) at the times they happened.

Answers are drawn from a seeded generator around a per-officer level of distress, so results are
varied and some reach referral thresholds. Idempotent: the campaign is created once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core import clock
from wellbeing.instruments import Definition
from wellbeing.org.models import User
from wellbeing.screening import campaigns
from wellbeing.screening.consent import give_consent
from wellbeing.screening.models import Assignment, AssignmentStatus, Campaign
from wellbeing.screening.policy import ScreeningPolicy
from wellbeing.screening.service import submit

CAMPAIGN_NAME = "示范季度心理健康筛查"
INSTRUMENTS = ("phq9", "gad7")
RESPONSE_RATES = (0.9, 0.85, 0.45)  # closed, closed, open (still running)


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    clock.set_clock(lambda: moment)
    try:
        yield
    finally:
        clock.set_clock(None)


def _answers(definition: Definition, distress: float, rng: random.Random) -> dict[str, int]:
    # Items behind a critical flag (PHQ-9 item 9) are endorsed far more rarely than the
    # others, as in real screening populations: only officers in marked distress do.
    critical_items = {
        item for flag in definition.flags if flag.critical for item in _items_of(flag.when)
    }
    answers = {}
    for item in definition.items:
        values = sorted(item.values)
        if item.optional:
            continue
        centre = distress - 1.9 if item.id in critical_items else distress
        position = min(max(rng.gauss(centre, 0.6), 0), len(values) - 1)
        answers[item.id] = values[round(position)]
    return answers


def _items_of(condition: object) -> set[str]:
    """Item ids a flag's condition reads (walks the condition's dataclass fields)."""
    found = set()
    item = getattr(condition, "item", None)
    if isinstance(item, str):
        found.add(item)
    for part in getattr(condition, "parts", ()) or ():
        found |= _items_of(part)
    return found


def create_demo_screenings(session: Session, policy: ScreeningPolicy, now: datetime) -> bool:
    """Run three quarterly waves of PHQ-9 and GAD-7 for the demo bureau; False if done before."""
    if session.scalars(select(Campaign).where(Campaign.name == CAMPAIGN_NAME)).first():
        return False
    first_open = campaigns.add_months(now - timedelta(days=3), -6)
    campaign = campaigns.create_campaign(
        session,
        policy.catalogue,
        name=CAMPAIGN_NAME,
        unit_code="BUR",
        instruments=list(INSTRUMENTS),
        opens_at=first_open,
        closes_at=first_open + timedelta(days=14),
        every_months=3,
    )
    rng = random.Random(20261127)  # noqa: S311 - demo data, not security
    distress: dict[int, float] = {}
    for wave_number, rate in enumerate(RESPONSE_RATES, start=1):
        wave = campaign.waves[wave_number - 1]
        campaigns.open_due_waves(session, wave.opens_at)
        campaigns.open_due_assignments(session, wave.opens_at)
        _answer_wave(session, policy, wave.id, wave.opens_at, rate, rng, distress)
        if wave.closes_at <= now:
            campaigns.expire_and_close(session, wave.closes_at)
    return True


def _answer_wave(
    session: Session,
    policy: ScreeningPolicy,
    wave_id: int,
    opened: datetime,
    rate: float,
    rng: random.Random,
    distress: dict[int, float],
) -> None:
    pending = session.scalars(
        select(Assignment)
        .where(Assignment.wave_id == wave_id, Assignment.status == AssignmentStatus.PENDING.value)
        .order_by(Assignment.officer_id)
    ).all()
    for assignment in pending:
        if rng.random() > rate:
            continue
        officer = session.get(User, assignment.officer_id)
        assert officer is not None  # noqa: S101 - the assignment's foreign key
        level = distress.setdefault(
            officer.id, rng.choice([0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 1.2, 1.6, 2.4])
        )
        distress[officer.id] = min(max(level + rng.gauss(0, 0.25), 0.0), 2.8)
        when = opened + timedelta(hours=rng.randint(2, 24 * 9))
        with _at(when):
            give_consent(session, officer)
            for instrument in INSTRUMENTS:
                submit(
                    session,
                    policy,
                    officer,
                    instrument_id=instrument,
                    answers=_answers(policy.catalogue.get(instrument), distress[officer.id], rng),
                    idempotency_key=f"demo-{wave_id}-{officer.id}-{instrument}",
                    assignment_id=assignment.id,
                )
