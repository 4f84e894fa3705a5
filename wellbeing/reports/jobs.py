"""Scheduled report work: shuffle the facts of waves that have closed, then publish their
releases (so the first leader to open a closed wave's report does not wait for them)."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.reports.models import FactShuffle
from wellbeing.reports.report import publish_closed_wave
from wellbeing.reports.shuffle import shuffle_wave_facts, waves_to_shuffle
from wellbeing.scheduler.job import Every, Job, JobContext


def shuffle_closed_waves(ctx: JobContext) -> None:
    """Shuffle each newly closed wave's facts and publish its releases, one wave per
    transaction (idempotent: a shuffled wave is marked, a stored release is reused)."""
    with ctx.database.transaction() as session:
        pending = waves_to_shuffle(session)
    if not pending:
        return
    settings = ctx.settings
    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    for wave_id in pending:
        with ctx.database.transaction() as session:
            if session.get(FactShuffle, wave_id) is None:  # not done by a run meanwhile
                shuffle_wave_facts(session, wave_id)
                publish_closed_wave(
                    session,
                    catalogue,
                    wave_id,
                    settings.report_min_cell,
                    settings.report_dp_epsilon,
                )


JOBS = (Job("reports.shuffle_facts", Every(timedelta(minutes=5)), shuffle_closed_waves),)
