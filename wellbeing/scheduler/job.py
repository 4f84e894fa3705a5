"""What a job is: a name, when it runs, and a function of a small context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from wellbeing.core import clock
from wellbeing.core.config import Settings
from wellbeing.core.db import Database


@dataclass(frozen=True)
class Every:
    """Run at a fixed interval."""

    interval: timedelta


@dataclass(frozen=True)
class Cron:
    """Run at cron-like UTC times, as APScheduler's CronTrigger: Cron(hour="3", minute="15")."""

    minute: str = "0"
    hour: str = "*"
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"


Trigger = Every | Cron


@dataclass(frozen=True)
class JobContext:
    """What a job may use: the database, the settings and the clock."""

    database: Database
    settings: Settings
    utcnow: Callable[[], datetime] = field(default=clock.utcnow)

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions on the job's database (open a transaction per unit of work)."""
        return self.database.session_factory


@dataclass(frozen=True)
class Job:
    """A scheduled job; `func` must be idempotent (safe twice, safe after a crash)."""

    name: str
    trigger: Trigger
    func: Callable[[JobContext], object]
