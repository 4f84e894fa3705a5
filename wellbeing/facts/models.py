"""Sealed facts and the sealed reasons of a release's hidden cells.

A fact has no officer id, no timestamp finer than the wave and a random id; its band and total
are sealed (bound to the table, the column and the fact's id), so its plain columns say only
"someone in this unit completed this instrument in this wave" — participation, which reports
publish under their own rules. On SQLite the table has no rowid, so rows are stored in the order
of their random ids rather than in the order they were written.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.db import Base, new_id
from wellbeing.sealing.columns import sealed_column


class Fact(Base):
    """One complete result of a wave: unit, wave, instrument, and sealed {band, total}."""

    __tablename__ = "report_facts"
    __table_args__ = (
        Index("ix_report_facts_wave_instrument_unit", "wave_id", "instrument_id", "unit_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    instrument_id: Mapped[str] = mapped_column(String(32))
    result = sealed_column("report.fact")


class ReleaseReasons(Base):
    """Why each hidden cell of a release is hidden: for the data protection officer only.

    Leaders are shown one neutral mark per hidden cell; a reason would be information
    ("everyone in one band", "between 1 and k-1"), so the reasons are sealed here and read only
    through `wellbeing reports reasons`, which is audited.
    """

    __tablename__ = "report_release_reasons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    release_id: Mapped[int] = mapped_column(ForeignKey("report_releases.id"), unique=True)
    reasons = sealed_column("report.release_reasons")  # [[unit, column, reason], ...]
