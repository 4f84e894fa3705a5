"""`KeyringFollower`: every few seconds, re-read the keyring, compare it with the database's
version row and report this process's heartbeat. Web workers call `check_if_due` before each
request; the scheduler runs it in a thread. Nothing here raises: a database or keyring problem
is logged and shown as degraded, and the process keeps its last good keyring."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Database
from wellbeing.sealing.holders import (
    Heartbeat,
    current_keyring_version,
    forget_holder,
    report_holder,
)
from wellbeing.sealing.live import LiveKeyring, keyring_fingerprint

logger = logging.getLogger("wellbeing.keys")


class KeyringFollower:
    """Keeps one process's `LiveKeyring` current and reports which keyring it holds."""

    def __init__(
        self,
        live: LiveKeyring,
        database: Database,
        interval_seconds: int,
        role: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.live, self.database, self.role = live, database, role
        self.interval = max(interval_seconds, 0)
        self._clock, self._wall_clock = clock, wall_clock
        self._lock = threading.Lock()
        self._last_check: float | None = None
        self._reported = ""  # the fingerprint of the keyring the last heartbeat named
        self._pid = 0
        self._holder = ""

    @property
    def holder(self) -> str:
        """This process's heartbeat id: host, pid and a random part (new after a fork)."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._holder = f"{socket.gethostname()}:{self._pid}:{secrets.token_hex(4)}"
        return self._holder

    def check_if_due(self) -> None:
        """Check when the interval has passed since the last check, and at once when the
        keyring changed since the last heartbeat (a reload for a missing key): `keys retire`
        must not wait a whole interval to learn that this process moved on."""
        if not self._due():
            return
        with self._lock:  # other threads wait: a stale process must not seal before reloading
            if self._due():
                self.check()

    def check(self) -> None:
        """Reload the keyring, compare it with the database's version, write the heartbeat."""
        self._last_check = self._clock()
        self.live.reload()
        keyring = self.live.current
        self._reported = keyring_fingerprint(keyring)  # a failed write is retried on the interval
        try:
            with self.database.transaction() as session:
                row = current_keyring_version(session)
                version = None
                if row is not None:
                    self.live.mark_behind(row.primary_kek_id not in keyring)
                    if row.fingerprint == keyring_fingerprint(keyring):
                        version = row.version
                beat = Heartbeat(
                    self.holder, socket.gethostname(), os.getpid(), self.role, self.interval
                )
                report_holder(session, beat, keyring, version, self._wall_clock())
        except SQLAlchemyError as exc:
            logger.warning("keyring heartbeat not written (%s)", type(exc).__name__)

    def forget(self) -> None:
        """Delete this process's heartbeat (on a clean stop)."""
        try:
            with self.database.transaction() as session:
                forget_holder(session, self.holder)
        except SQLAlchemyError as exc:
            logger.warning("keyring heartbeat not deleted (%s)", type(exc).__name__)

    def run(self, stop: threading.Event) -> None:
        """Check when due (looking every second) until `stop` is set."""
        while not stop.is_set():
            self.check_if_due()
            stop.wait(1)
        self.forget()

    def start_in_thread(self) -> Callable[[], None]:
        """Follow in a daemon thread; return a function that stops it and waits."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="wellbeing-keyring")
        thread.daemon = True
        thread.start()

        def stop_and_wait() -> None:
            stop.set()
            thread.join(timeout=30)

        return stop_and_wait

    def _due(self) -> bool:
        last = self._last_check
        if last is None or self._clock() - last >= self.interval:
            return True
        return self.live.fingerprint != self._reported
