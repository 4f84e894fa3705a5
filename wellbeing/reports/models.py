"""De-identified facts: one row per complete instrument result in a wave, for unit reports.

No officer id, no timestamp finer than the wave, a random id. On SQLite the table has no rowid,
so rows are stored in the order of their random ids rather than in the order they were written
(which would otherwise line them up with the submissions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.clock import utcnow
from wellbeing.db import Base, IntPk
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


class Release(Base):
    """A protected (and, in DP mode, noised) unit table of one closed wave and instrument.

    Stored once: closed waves never change, so every later request slices this release, and in
    DP mode the privacy budget is spent once (``epsilon``). Hidden cells hold no value here.
    """

    __tablename__ = "report_releases"
    __table_args__ = (UniqueConstraint("wave_id", "instrument_id", "k", "kind"),)

    id: Mapped[IntPk]
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(32))
    k: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # "exact" or "dp"
    epsilon: Mapped[float | None]  # privacy loss spent by a DP release
    sensitivity: Mapped[int | None]
    tree_hash: Mapped[str] = mapped_column(String(64))  # the unit tree it was computed over
    cells: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FactShuffle(Base):
    """Marks a closed wave whose facts were re-inserted in random order with fresh ids."""

    __tablename__ = "report_fact_shuffles"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), primary_key=True)
    facts: Mapped[int]
    shuffled_at: Mapped[datetime] = mapped_column(default=utcnow)
