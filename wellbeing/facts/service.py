"""Writing sealed facts (the submission pipeline) and counting them (the release job only)."""

from __future__ import annotations

from fractions import Fraction
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from wellbeing.core.batched import template_insert, write_last
from wellbeing.core.db import new_id
from wellbeing.facts.models import Fact
from wellbeing.reports.aggregate import InstrumentCounts

_FACTS = cast(Table, Fact.__table__)
_INSERT = template_insert(_FACTS, ("id", "unit_id", "wave_id", "instrument_id", "result_sealed"))
_COUNT_BATCH = 2000


def record_fact(
    session: Session,
    *,
    unit_id: int,
    wave_id: int,
    instrument_id: str,
    band: str | None,
    total: Fraction | None,
    staff_category: str | None = None,
) -> str:
    """Insert one sealed fact for a complete result in a wave; return its random id.

    The officer's staff category (民警/辅警) is sealed with the band, never a plain column: a
    plain category beside the unit would narrow "someone in this unit" to fewer people.

    A Core INSERT on the session's connection (facts are append-only and nothing in the
    submission's transaction reads them back), written at once or, inside `written_last`, with
    the block's other last writes (`core.batched`).
    """
    fact_id = new_id()
    result: dict[str, object] = {"band": band, "total": float(total) if total is not None else None}
    if staff_category is not None:
        result["category"] = staff_category
    values = {
        "id": fact_id,
        "unit_id": unit_id,
        "wave_id": wave_id,
        "instrument_id": instrument_id,
        "result_sealed": Fact.result.seal(result, record_id=fact_id),
    }
    write_last(session, _INSERT, values)
    return fact_id


def count_facts(session: Session, wave_id: int, instrument_id: str) -> InstrumentCounts:
    """Open a wave's facts of one instrument and count them per unit and band (with the sum of
    totals), and again per staff category: the only place facts are read. Memory grows with
    units × categories × bands, not with facts."""
    query = (
        select(_FACTS.c.id, _FACTS.c.unit_id, _FACTS.c.result_sealed)
        .where(_FACTS.c.wave_id == wave_id, _FACTS.c.instrument_id == instrument_id)
        .execution_options(yield_per=_COUNT_BATCH)
    )
    sums: dict[tuple[int, str, str | None], list[float]] = {}
    for row in session.execute(query):
        result = Fact.result.open(row)
        band = result["band"]
        if band is None:
            continue
        key = (row.unit_id, band, result.get("category"))
        figures = sums.get(key)
        if figures is None:
            figures = sums[key] = [0, 0.0]
        figures[0] += 1
        figures[1] += result["total"] or 0.0
    counts = InstrumentCounts()
    for (unit_id, band, category), (count, total) in sums.items():
        counts.add(unit_id, band, int(count), total, category)
    return counts
