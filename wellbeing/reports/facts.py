"""Writing facts: called by the submission pipeline inside its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from wellbeing.reports.models import Fact
from wellbeing.sealed import new_id

_FACTS = cast(Table, Fact.__table__)
_INSERT = _FACTS.insert()  # built once: every submission of a wave runs it


def record_fact(
    session: Session,
    *,
    unit_id: int,
    wave_id: int,
    instrument_id: str,
    band: str | None,
    total: Fraction | None,
    flags: Sequence[str],
) -> str:
    """Insert one de-identified fact for a complete result in a wave; return its random id.

    A Core INSERT on the session's connection (facts are append-only and nothing in the
    submission's transaction reads them back), written at once rather than at the next flush.
    """
    fact_id = new_id()
    values = {
        "id": fact_id,
        "unit_id": unit_id,
        "wave_id": wave_id,
        "instrument_id": instrument_id,
        "band": band,
        "total": float(total) if total is not None else None,
        "flags": sorted(flags),
    }
    session.connection().execute(_INSERT, values)
    return fact_id
