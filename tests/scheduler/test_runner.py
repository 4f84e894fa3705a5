"""The leased runner: jobs run only in the process holding the lease; a standby takes over."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from wellbeing.core.config import ConfigError, Settings
from wellbeing.scheduler.embedded import wants_embedded_scheduler
from wellbeing.scheduler.job import Cron, Every, Job, JobContext
from wellbeing.scheduler.runner import LeasedScheduler, apscheduler_trigger


@pytest.fixture
def ctx(app: Flask, db_session: Session) -> JobContext:
    settings: Settings = app.extensions["wellbeing.settings"]
    return JobContext(app.extensions["wellbeing.db"], replace(settings, scheduler_lease_seconds=30))


def _job(runs: list[str]) -> Job:
    from datetime import timedelta

    return Job("test.count", Every(timedelta(hours=1)), lambda ctx: runs.append("ran"))


def test_one_runner_is_active_and_the_other_stands_by(ctx: JobContext, frozen_clock: Any) -> None:
    runs: list[str] = []
    first = LeasedScheduler(ctx, (_job(runs),), holder="first")
    second = LeasedScheduler(ctx, (_job(runs),), holder="second")
    try:
        assert first.step()
        assert not second.step()
        assert (first.active, second.active) == (True, False)

        # Only the holder runs a job, even when asked directly.
        first.run_guarded(first.jobs[0])
        second.run_guarded(second.jobs[0])
        assert runs == ["ran"]

        # The first stops renewing (it died); after the lease expires the second takes over.
        frozen_clock.advance(seconds=29)
        assert not second.step()
        frozen_clock.advance(seconds=2)
        assert second.step()
        assert second.active

        # The first comes back (a long pause): it finds the lease gone and stops its jobs.
        assert not first.step()
        assert not first.active
        first.run_guarded(first.jobs[0])
        assert runs == ["ran"]
    finally:
        first.shutdown()
        second.shutdown()


def test_a_clean_shutdown_hands_the_lease_over_at_once(ctx: JobContext, frozen_clock: Any) -> None:
    first = LeasedScheduler(ctx, (), holder="first")
    second = LeasedScheduler(ctx, (), holder="second")
    try:
        assert first.step()
        first.shutdown()
        assert not first.active
        assert second.step()
    finally:
        first.shutdown()
        second.shutdown()


def test_triggers_map_to_apscheduler() -> None:
    from datetime import timedelta

    interval = apscheduler_trigger(Every(timedelta(seconds=30)))
    assert interval.interval == timedelta(seconds=30)
    cron = apscheduler_trigger(Cron(hour="3", minute="40"))
    assert "hour='3'" in str(cron)
    assert "minute='40'" in str(cron)


@pytest.mark.parametrize(
    ("mode", "url", "expected"),
    [
        ("auto", "", True),
        ("auto", "postgresql+psycopg://db/wellbeing", False),
        ("on", "postgresql+psycopg://db/wellbeing", True),
        ("off", "", False),
    ],
)
def test_serve_runs_the_jobs_in_process_in_the_embedded_mode(
    mode: str, url: str, expected: bool
) -> None:
    settings = Settings(serve_scheduler=mode, database_url=url)
    assert wants_embedded_scheduler(settings) is expected


def test_an_unknown_serve_scheduler_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="WELLBEING_SERVE_SCHEDULER"):
        wants_embedded_scheduler(Settings(serve_scheduler="sometimes"))
