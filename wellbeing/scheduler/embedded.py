"""The embedded mode: `wellbeing serve` runs the scheduler beside its workers, once."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from wellbeing.app.jobs import check_job_settings
from wellbeing.core.config import ConfigError, Settings


def wants_embedded_scheduler(settings: Settings) -> bool:
    """WELLBEING_SERVE_SCHEDULER: on, off, or auto (= on for the embedded SQLite database)."""
    mode = settings.serve_scheduler
    if mode == "auto":
        return settings.effective_database_url.startswith("sqlite")
    if mode in {"on", "off"}:
        return mode == "on"
    raise ConfigError(f"WELLBEING_SERVE_SCHEDULER must be auto, on or off, not {mode!r}")


class EmbeddedScheduler:
    """Runs `wellbeing scheduler` as a child process of `wellbeing serve`.

    A child process, not a thread of the gunicorn master: threads started before gunicorn
    forks its workers left workers hung on SQLite connections. The child contends for the same
    lease as any other scheduler, so the jobs still run once.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = wants_embedded_scheduler(settings)
        if self.enabled:
            check_job_settings(settings)  # before gunicorn starts, so the message is seen
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, _server: Any = None) -> None:
        """Start the scheduler process (no-op when disabled or already started)."""
        if not self.enabled or self._process is not None:
            return
        self._process = subprocess.Popen(
            [sys.executable, "-m", "wellbeing", "scheduler"], env=dict(os.environ)
        )

    def stop(self, _server: Any = None) -> None:
        """Stop the scheduler process; it releases the lease on SIGTERM."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
