"""Scheduled report work: release the waves that have closed (so leaders see their results
within minutes of a wave closing, and no request ever needs the facts)."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.releases.publish import release_pending_waves
from wellbeing.scheduler.job import Every, Job, JobContext


def release_closed_waves(ctx: JobContext) -> None:
    """Release each closed wave's missing instruments, one wave per transaction (idempotent)."""
    settings = ctx.settings
    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    release_pending_waves(
        ctx.database,
        catalogue,
        settings.report_min_cell,
        settings.report_dp_epsilon,
        staff_split=settings.report_staff_split,
    )


JOBS = (Job("reports.release_waves", Every(timedelta(minutes=2)), release_closed_waves),)
