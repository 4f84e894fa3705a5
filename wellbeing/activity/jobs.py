"""Scheduled activity work: release each calendar period once it has ended (and the delay for
late records has passed), so no request ever counts or runs disclosure control."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.activity.publish import release_pending_periods
from wellbeing.scheduler.job import Every, Job, JobContext


def release_ended_periods(ctx: JobContext) -> None:
    """Release every ended month, quarter and year not yet released (idempotent)."""
    release_pending_periods(ctx.database, ctx.settings.report_min_cell)


JOBS = (Job("activity.release_periods", Every(timedelta(hours=1)), release_ended_periods),)
