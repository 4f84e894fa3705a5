"""The embedded mode: `wellbeing serve` runs the jobs in its own (master) process, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wellbeing.config import ConfigError, Settings
from wellbeing.db import Database, make_engine
from wellbeing.jobs import all_jobs, check_job_settings
from wellbeing.scheduler.job import JobContext
from wellbeing.scheduler.runner import LeasedScheduler


def wants_embedded_scheduler(settings: Settings) -> bool:
    """WELLBEING_SERVE_SCHEDULER: on, off, or auto (= on for the embedded SQLite database)."""
    mode = settings.serve_scheduler
    if mode == "auto":
        return settings.effective_database_url.startswith("sqlite")
    if mode in {"on", "off"}:
        return mode == "on"
    raise ConfigError(f"WELLBEING_SERVE_SCHEDULER must be auto, on or off, not {mode!r}")


class EmbeddedScheduler:
    """Starts the leased scheduler in a thread of this process; gunicorn hooks call it.

    Started from the gunicorn master's `when_ready` hook, so it runs once, not per worker
    (workers are forked afterwards and a fork copies only the forking thread).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = wants_embedded_scheduler(settings)
        if self.enabled:
            check_job_settings(settings)  # before gunicorn starts, so the message is seen
        self._database: Database | None = None
        self._stop: Callable[[], None] | None = None

    def start(self, _server: Any = None) -> None:
        """Begin contending for the lease and running jobs (no-op when disabled or started)."""
        if not self.enabled or self._stop is not None:
            return
        self._database = Database.for_engine(make_engine(self.settings.effective_database_url))
        runner = LeasedScheduler(JobContext(self._database, self.settings), all_jobs())
        self._stop = runner.start_in_thread()

    def stop(self, _server: Any = None) -> None:
        """Stop the jobs, release the lease and close the database."""
        if self._stop is not None:
            self._stop()
            self._stop = None
        if self._database is not None:
            self._database.engine.dispose()
            self._database = None
