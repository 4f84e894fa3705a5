"""Stored releases: what leaders are shown of a closed wave, per instrument (no hidden value,
no reason). The facts they are computed from live sealed in facts/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk


class Release(Base):
    """A protected (and, in DP mode, noised) unit table of one closed wave and instrument.

    Stored once: closed waves never change, so every later request slices this release, and in
    DP mode the privacy budget is spent once (``epsilon``). Hidden cells hold ``null`` here:
    no value and no reason.
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
