"""Scheduled screening work: open waves and assignments, remind, expire and close."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.scheduler.job import Every, Job, JobContext
from wellbeing.screening import campaigns


def advance_screenings(ctx: JobContext) -> None:
    """Open due waves and assignments, queue due reminders, expire and close what ended.

    Each step runs in its own transaction and decides from the rows' state, so a crash
    between steps (or a second run) repeats nothing.
    """
    now = ctx.utcnow()
    for step in (
        campaigns.open_due_waves,
        campaigns.open_due_assignments,
        campaigns.send_reminders,
        campaigns.expire_and_close,
    ):
        with ctx.database.transaction() as session:
            step(session, now)


JOBS = (Job("screening.advance", Every(timedelta(minutes=1)), advance_screenings),)
