"""Scheduled referral work: half-deadline notices and escalation of unclaimed referrals."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.referrals.escalation import escalate_due
from wellbeing.scheduler.job import Every, Job, JobContext


def escalate_referrals(ctx: JobContext) -> None:
    """Take every escalation step now due (each step is sent once, see escalation.py)."""
    with ctx.database.transaction() as session:
        escalate_due(session, ctx.utcnow())


JOBS = (Job("referrals.escalate", Every(timedelta(minutes=1)), escalate_referrals),)
