"""The daily retention purge, in batches of one transaction each (safe to rerun after a crash)."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.retention.service import RetentionPolicy, purge_batch
from wellbeing.scheduler.job import Every, Job, JobContext

MAX_BATCHES = 1000  # a bound, so one run cannot loop forever; the next run continues


def purge_past_retention(ctx: JobContext) -> None:
    """Delete submissions and drafts past retention; erase closed referrals past retention."""
    policy = RetentionPolicy.from_settings(ctx.settings)
    kept: set[str] = set()  # behind open referrals: kept until those close
    for _batch in range(MAX_BATCHES):
        with ctx.database.transaction() as session:
            report = purge_batch(session, policy, skip=kept)
        kept |= report.kept
        if not report.more:
            break


JOBS = (Job("retention.purge", Every(timedelta(hours=6)), purge_past_retention),)
