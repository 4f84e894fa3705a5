"""The lease that makes one scheduler process the active one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.db import Base


class SchedulerLease(Base):
    """Who runs the jobs of `name` until `expires_at`; renewed by the holder, taken when stale."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
