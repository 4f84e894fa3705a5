"""Every domain's scheduled jobs in one registry, and a way to run one job now.

A domain declares its jobs in its own `jobs.py` as `JOBS = (Job(name, trigger, func), …)`
(see `wellbeing.scheduler.job`) and is listed in `all_jobs` below. `wellbeing scheduler` runs
them under a lease (one active scheduler); `wellbeing serve` does so in-process in the embedded
mode. Tests call `run_job_once(name, ctx)`.
"""

from __future__ import annotations

from datetime import timedelta

from wellbeing.auth.service import SessionPolicy, ThrottlePolicy, purge_expired
from wellbeing.core.config import Settings
from wellbeing.scheduler.job import Cron, Every, Job, JobContext, Trigger

__all__ = [
    "Cron",
    "Every",
    "Job",
    "JobContext",
    "Trigger",
    "all_jobs",
    "check_job_settings",
    "find_job",
    "run_job_once",
]


def purge_auth_records(ctx: JobContext) -> None:
    """Delete expired API tokens, idle web sessions and old sign-in failures."""
    settings = ctx.settings
    throttle = ThrottlePolicy(window=timedelta(minutes=settings.throttle_window_minutes))
    sessions = SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    with ctx.database.transaction() as session:
        purge_expired(session, throttle, sessions)


AUTH_JOBS = (Job("auth.purge_expired", Every(timedelta(minutes=15)), purge_auth_records),)


def all_jobs() -> tuple[Job, ...]:
    """Every registered job; names are unique."""
    from wellbeing.activity.jobs import JOBS as ACTIVITY_JOBS
    from wellbeing.appointments.jobs import JOBS as APPOINTMENT_JOBS
    from wellbeing.audit.jobs import JOBS as AUDIT_JOBS
    from wellbeing.notify.jobs import JOBS as NOTIFY_JOBS
    from wellbeing.oncall.jobs import JOBS as ONCALL_JOBS
    from wellbeing.referrals.jobs import JOBS as REFERRAL_JOBS
    from wellbeing.releases.jobs import JOBS as REPORT_JOBS
    from wellbeing.retention.jobs import JOBS as RETENTION_JOBS
    from wellbeing.screening.jobs import JOBS as SCREENING_JOBS

    jobs = (
        *AUTH_JOBS,
        *SCREENING_JOBS,
        *REFERRAL_JOBS,
        *NOTIFY_JOBS,
        *REPORT_JOBS,
        *RETENTION_JOBS,
        *APPOINTMENT_JOBS,
        *ACTIVITY_JOBS,
        *ONCALL_JOBS,
        *AUDIT_JOBS,
    )
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate job names in {names}")
    return jobs


def check_job_settings(settings: Settings) -> None:
    """Refuse, at start-up, settings a job would trip over on every run (ConfigError)."""
    from wellbeing.notify.adapters import make_adapter

    make_adapter(settings).close()


def find_job(name: str) -> Job:
    """The job with this name (KeyError names the known ones)."""
    for job in all_jobs():
        if job.name == name:
            return job
    raise KeyError(f"no job {name!r}; known: {', '.join(job.name for job in all_jobs())}")


def run_job_once(name: str, ctx: JobContext) -> None:
    """Run one job now, in this thread (tests, `wellbeing scheduler --run NAME`)."""
    find_job(name).func(ctx)
