"""SQLite writers queue at a file lock, not in SQLite's busy handler.

SQLite lets one writer in at a time. A second `BEGIN IMMEDIATE` that finds the write lock taken
is put to sleep by the busy handler for 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms
at a time and retries after each sleep (`sqliteDefaultBusyCallback` in SQLite's main.c): it
does not learn that the lock came free, so a writer queued behind a 5 ms transaction can sleep
25 ms more, and under load those sleeps are the tail of the latency (issue 20, point 4).

Here every connection to a database file holds its own descriptor of one lock file beside the
database (`<database>.writer-lock`; `flock` locks open file descriptions, so threads of one
process queue as processes do) and takes it before `BEGIN IMMEDIATE`, giving it back when the
transaction commits, rolls back or the connection closes: a waiting writer then finds the gate
open within a quarter of a millisecond of the commit. Taking it polls with a non-blocking
`flock` (0.05 ms, doubling to 0.25 ms between tries) so a stuck holder cannot hang a writer: after
`GATE_WAIT_SECONDS` the writer goes on to `BEGIN IMMEDIATE` and SQLite's busy timeout decides, as
it did before the gate. A process that dies holding the gate loses it with its descriptors.
Readers (DEFERRED transactions under WAL) never touch the gate.

A lock file deleted or replaced while processes run (a clean-up of the folder, a restore) would
split the queue: connections opened since then lock the new file, older ones the old one. So a
writer that has taken the gate checks that its descriptor is still the file at the path (same
device and inode: one `fstat` and one `stat`) and, if not, gives it back, opens the path anew
and takes that — every connection moves to the file at the path at its next write.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from typing import Any

logger = logging.getLogger("wellbeing.db")
GATE_WAIT_SECONDS = 10.0  # the busy timeout's bound too (PRAGMA busy_timeout=10000)
_FIRST_PAUSE = 0.00005
_LONGEST_PAUSE = 0.00025


def lock_path(database: str) -> str | None:
    """The gate's lock file for a database path; None for an in-memory or URI database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}.writer-lock"


def _open_lock(path: str | None) -> int | None:
    """A descriptor of the gate's lock file, or None (no gate: SQLite's busy handler alone, as
    before) when there is none or it cannot be made — a database in a read-only folder."""
    if path is None:
        return None
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        logger.warning("no writer gate for %s: %s", path, error.strerror)
        return None


def _is_the_file_at(fd: int, path: str) -> bool:
    """Whether the descriptor is of the file now at the path (same device and inode)."""
    held = os.fstat(fd)
    try:
        there = os.stat(path)
    except FileNotFoundError:
        return False
    return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)


class GatedConnection(sqlite3.Connection):
    """A pysqlite connection that can hold the database's writer gate (`sqlite3.connect`'s
    `factory`); commit, rollback and close give it back."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._gate_path = lock_path(os.fspath(database))
        self._gate_fd = _open_lock(self._gate_path)
        self._gate_held = False

    def take_writer_gate(self) -> bool:
        """Wait for the gate (at most GATE_WAIT_SECONDS); whether it is held now."""
        if self._gate_fd is None or self._gate_path is None or self._gate_held:
            return self._gate_held
        deadline = time.monotonic() + GATE_WAIT_SECONDS
        pause = _FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self._gate_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)
                continue
            if _is_the_file_at(self._gate_fd, self._gate_path):
                self._gate_held = True
                return True
            # deleted or replaced while we ran: queue at the file now at the path
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)
            os.close(self._gate_fd)
            self._gate_fd = _open_lock(self._gate_path)
            if self._gate_fd is None:
                return False

    def give_back_writer_gate(self) -> None:
        """Open the gate for the next writer (nothing when not held)."""
        if self._gate_held and self._gate_fd is not None:
            self._gate_held = False
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back_writer_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_writer_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back_writer_gate()
            if self._gate_fd is not None:
                os.close(self._gate_fd)
                self._gate_fd = None
