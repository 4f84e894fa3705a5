"""Scheduled on-call work: escalating urgent referrals left unclaimed on call."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.oncall.policy import policy_from
from wellbeing.oncall.routing import escalate_due
from wellbeing.scheduler.job import Every, Job, JobContext


def escalate_on_call(ctx: JobContext) -> None:
    """Tell the on-call supervisors of urgent referrals still open past the delay (once each)."""
    policy = policy_from(ctx.settings)
    with ctx.database.transaction() as session:
        escalate_due(session, ctx.utcnow(), policy)


JOBS = (Job("oncall.escalate", Every(timedelta(minutes=1)), escalate_on_call),)
