"""`wellbeing scheduler`: run the jobs as their own process (one active, others standby)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

import click

from wellbeing.app import init_crypto
from wellbeing.app.jobs import all_jobs, check_job_settings, run_job_once
from wellbeing.cli.common import open_database
from wellbeing.core.config import load_settings
from wellbeing.core.db import Database
from wellbeing.core.logs import configure_logging
from wellbeing.scheduler.job import JobContext
from wellbeing.scheduler.runner import LeasedScheduler
from wellbeing.sealing.follow import KeyringFollower
from wellbeing.sealing.live import LiveKeyring


@click.command("scheduler")
@click.option("--run", "job_name", metavar="NAME", help="run one job now and exit")
@click.option("--list", "list_jobs", is_flag=True, help="list the jobs and exit")
def scheduler(job_name: str | None, list_jobs: bool) -> None:
    """Run the scheduled jobs; a second instance waits as a standby and takes over."""
    if list_jobs:
        for job in all_jobs():
            click.echo(f"{job.name:<24} {job.trigger}")
        return
    configure_logging()  # JSON lines, as `serve`
    settings = load_settings()
    check_job_settings(settings)
    live = init_crypto(settings)  # jobs may seal or open records: fail closed without a keyring
    database = open_database()
    ctx = JobContext(database, settings)
    try:
        if job_name:
            run_job_once(job_name, ctx)
            return
        stop = threading.Event()

        def _stop(_signum: int, _frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        stop_following = _follow_keyring(live, database, settings.keyring_reload_seconds)
        try:
            LeasedScheduler(ctx, all_jobs()).run(stop)
        finally:
            stop_following()
    finally:
        database.engine.dispose()


def _follow_keyring(
    live: LiveKeyring | None, database: Database, seconds: int
) -> Callable[[], None]:
    """Re-read the keyring and report it every `seconds` in a thread; return its stopper."""
    if live is None:  # a fixed keyring (never from the command line)
        return lambda: None
    return KeyringFollower(live, database, seconds, "scheduler").start_in_thread()
