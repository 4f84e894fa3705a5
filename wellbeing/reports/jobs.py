"""Scheduled report work: shuffle the facts of waves that have closed."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.reports.models import FactShuffle
from wellbeing.reports.shuffle import shuffle_wave_facts, waves_to_shuffle
from wellbeing.scheduler.job import Every, Job, JobContext


def shuffle_closed_waves(ctx: JobContext) -> None:
    """Shuffle each newly closed wave's facts, one wave per transaction (idempotent)."""
    with ctx.database.transaction() as session:
        pending = waves_to_shuffle(session)
    for wave_id in pending:
        with ctx.database.transaction() as session:
            if session.get(FactShuffle, wave_id) is None:  # not done by a run meanwhile
                shuffle_wave_facts(session, wave_id)


JOBS = (Job("reports.shuffle_facts", Every(timedelta(minutes=5)), shuffle_closed_waves),)
