"""Scheduled appointment work: reminders the day before and an hour before."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.appointments.reminders import send_due_reminders
from wellbeing.scheduler.job import Every, Job, JobContext


def remind_appointments(ctx: JobContext) -> None:
    """Queue the reminders now due (each once, see reminders.py)."""
    with ctx.database.transaction() as session:
        send_due_reminders(session, ctx.utcnow())


JOBS = (Job("appointments.remind", Every(timedelta(minutes=5)), remind_appointments),)
