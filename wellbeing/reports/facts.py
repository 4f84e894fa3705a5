"""Writing facts: called by the submission pipeline inside its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy.orm import Session

from wellbeing.reports.models import Fact


def record_fact(
    session: Session,
    *,
    unit_id: int,
    wave_id: int,
    instrument_id: str,
    band: str | None,
    total: Fraction | None,
    flags: Sequence[str],
) -> Fact:
    """Add one de-identified fact for a complete result in a wave."""
    fact = Fact(
        unit_id=unit_id,
        wave_id=wave_id,
        instrument_id=instrument_id,
        band=band,
        total=float(total) if total is not None else None,
        flags=sorted(flags),
    )
    session.add(fact)
    return fact
