"""De-identified facts: one row per complete instrument result in a wave, for unit reports.

No officer id, no timestamp finer than the wave, a random id. On SQLite the table has no rowid,
so rows are stored in the order of their random ids rather than in the order they were written
(which would otherwise line them up with the submissions).
"""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.db import Base
from wellbeing.sealed import new_id


class Fact(Base):
    """One complete result: unit, wave, instrument, band, total and raised flags."""

    __tablename__ = "report_facts"
    __table_args__ = (
        Index("ix_report_facts_wave_instrument_unit", "wave_id", "instrument_id", "unit_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    instrument_id: Mapped[str] = mapped_column(String(32))
    band: Mapped[str | None] = mapped_column(String(32))
    total: Mapped[float | None]
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
