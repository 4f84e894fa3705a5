"""Stored activity releases: what leaders are shown of one calendar period (no hidden value, no
reason), with the counts it was computed from sealed beside it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, new_id
from wellbeing.sealing.columns import sealed_column


class ActivityRelease(Base):
    """The protected activity table of one period, over the whole unit tree, stored once.

    ``cells`` holds what leaders see: each unit's shown values and ``null`` for hidden ones.
    ``counts`` (sealed) holds the own-group counts and each hidden cell's reason: the reasons
    for the data protection officer, the counts so that the quarter and the year are computed
    from exactly what their months were.
    """

    __tablename__ = "activity_releases"
    __table_args__ = (UniqueConstraint("period_kind", "period_start", "k"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    period_kind: Mapped[str] = mapped_column(String(8))  # month, quarter, year
    period_start: Mapped[date]
    k: Mapped[int]
    tree_hash: Mapped[str] = mapped_column(String(64))
    cells: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts = sealed_column("activity.counts")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
