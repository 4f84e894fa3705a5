"""Shuffling a closed wave's facts, so their physical order no longer follows the submissions.

Facts are written in the order officers submitted; on PostgreSQL the heap keeps rows in
roughly that order, so a copy of the database could line facts up with the (timestamped)
submissions and so with officers. Once a wave closes no fact is added to it, and its facts are
re-inserted in random order with fresh random ids. (The old row versions stay in PostgreSQL's
heap until VACUUM reclaims them; routine autovacuum does.)
"""

from __future__ import annotations

import random

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from wellbeing.reports.models import Fact, FactShuffle
from wellbeing.screening.models import Wave, WaveState
from wellbeing.sealed import new_id


def waves_to_shuffle(session: Session) -> list[int]:
    """Closed waves whose facts have not been shuffled yet."""
    query = (
        select(Wave.id)
        .outerjoin(FactShuffle, FactShuffle.wave_id == Wave.id)
        .where(Wave.state == WaveState.CLOSED.value, FactShuffle.wave_id.is_(None))
        .order_by(Wave.id)
    )
    return list(session.scalars(query))


def shuffle_wave_facts(session: Session, wave_id: int) -> int:
    """Re-insert a closed wave's facts in random order with fresh ids; returns how many."""
    columns = (Fact.unit_id, Fact.instrument_id, Fact.band, Fact.total, Fact.flags)
    facts = [
        row._asdict() for row in session.execute(select(*columns).where(Fact.wave_id == wave_id))
    ]
    random.SystemRandom().shuffle(facts)
    session.execute(delete(Fact).where(Fact.wave_id == wave_id))
    if facts:
        session.execute(
            insert(Fact), [{**fact, "id": new_id(), "wave_id": wave_id} for fact in facts]
        )
    session.add(FactShuffle(wave_id=wave_id, facts=len(facts)))
    session.flush()
    return len(facts)
