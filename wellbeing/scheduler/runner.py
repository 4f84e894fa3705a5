"""Run the jobs on APScheduler while this process holds the lease; wait as a standby otherwise."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from wellbeing.scheduler.job import Cron, Job, JobContext, Trigger
from wellbeing.scheduler.lease import acquire_lease, release_lease

logger = logging.getLogger("wellbeing.scheduler")
LEASE_NAME = "jobs"


def make_holder_id() -> str:
    """A name for this process in the lease row: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def apscheduler_trigger(trigger: Trigger) -> IntervalTrigger | CronTrigger:
    """The APScheduler trigger (UTC) for one of ours."""
    if isinstance(trigger, Cron):
        return CronTrigger(
            minute=trigger.minute,
            hour=trigger.hour,
            day=trigger.day,
            month=trigger.month,
            day_of_week=trigger.day_of_week,
            timezone=UTC,
        )
    return IntervalTrigger(seconds=trigger.interval.total_seconds(), timezone=UTC)


class LeasedScheduler:
    """One contender for the lease; while it holds the lease its BackgroundScheduler runs jobs."""

    def __init__(self, ctx: JobContext, jobs: tuple[Job, ...], holder: str | None = None) -> None:
        self.ctx, self.jobs = ctx, jobs
        self.holder = holder or make_holder_id()
        self.duration = timedelta(seconds=ctx.settings.scheduler_lease_seconds)
        self._valid_until: datetime | None = None
        self._scheduler: BackgroundScheduler | None = None

    @property
    def active(self) -> bool:
        """Whether this process's jobs are scheduled now."""
        return self._scheduler is not None

    def holds_lease(self) -> bool:
        """Whether our last renewal still covers the present moment."""
        return self._valid_until is not None and self.ctx.utcnow() < self._valid_until

    def step(self) -> bool:
        """Take or renew the lease, then start or stop the jobs to match; return whether held."""
        now = self.ctx.utcnow()
        try:
            with self.ctx.database.transaction() as session:
                held = acquire_lease(session, LEASE_NAME, self.holder, now, self.duration)
        except SQLAlchemyError as exc:
            logger.warning("scheduler lease not renewed (%s)", type(exc).__name__)
            if self.active and not self.holds_lease():
                self._stop_jobs("lease lapsed")
            return self.holds_lease()
        if held:
            self._valid_until = now + self.duration
            if not self.active:
                self._start_jobs()
        else:
            self._valid_until = None
            if self.active:
                self._stop_jobs("lease taken by another scheduler")
        return held

    def run(self, stop: threading.Event) -> None:
        """Contend for the lease every third of its duration until `stop` is set."""
        logger.info("scheduler %s started; waiting for the lease", self.holder)
        try:
            while not stop.is_set():
                self.step()
                stop.wait(self.duration.total_seconds() / 3)
        finally:
            self.shutdown()

    def start_in_thread(self) -> Callable[[], None]:
        """Run in a daemon thread (the embedded mode); return a function that stops it."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="wellbeing-scheduler")
        thread.daemon = True
        thread.start()

        def stop_and_wait() -> None:
            stop.set()
            thread.join(timeout=60)

        return stop_and_wait

    def shutdown(self) -> None:
        """Stop the jobs (letting running ones finish) and hand the lease over at once."""
        if self.active:
            self._stop_jobs("shutting down", wait=True)
        if self._valid_until is None:
            return
        self._valid_until = None
        try:
            with self.ctx.database.transaction() as session:
                release_lease(session, LEASE_NAME, self.holder, self.ctx.utcnow())
        except SQLAlchemyError as exc:
            logger.warning("scheduler lease not released (%s)", type(exc).__name__)

    def run_guarded(self, job: Job) -> None:
        """Run a job only while the lease is ours (a paused process may have lost it)."""
        if not self.holds_lease():
            logger.warning("job %s skipped: lease not held", job.name)
            return
        job.func(self.ctx)

    def _start_jobs(self) -> None:
        scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
        for job in self.jobs:
            scheduler.add_job(
                self.run_guarded,
                apscheduler_trigger(job.trigger),
                args=[job],
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=60,
            )
        scheduler.start()
        self._scheduler = scheduler
        logger.info("scheduler %s holds the lease; running %d jobs", self.holder, len(self.jobs))

    def _stop_jobs(self, reason: str, wait: bool = False) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None
        logger.info("scheduler %s stopped its jobs: %s", self.holder, reason)
