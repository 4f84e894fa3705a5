"""What an operator sees while `keys rotate` runs, and how it is held to a rate.

The progress line shows the share done, the values re-wrapped of those to do, the rate and the
time left. On a terminal it is one line redrawn in place; into a file or a pipe (a cron job, a
log collector) it prints a plain line every `interval` seconds instead, so a long run still
shows it is alive without filling the log with redraws.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from wellbeing.crypto import RotationReport

_BAR = 24


class Pacer:
    """Sleeps between batches so that, from its creation on, no more than `max_rate` values a
    second are rotated (None: no limit); a live service's queries then keep finding the
    database free most of the time."""

    def __init__(
        self,
        max_rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_rate, self.clock, self.sleep = max_rate, clock, sleep
        self.start = clock()
        self.done = 0

    def wait(self, done: int) -> None:
        """Count `done` more values, then sleep until the rate allows the next batch."""
        self.done += done
        if self.max_rate:
            ahead = self.start + self.done / self.max_rate - self.clock()
            if ahead > 0:
                self.sleep(ahead)


class ProgressLine:
    """Progress, rate and ETA of a rotation on `stream` (redrawn on a terminal, else lines)."""

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.interval, self.clock = stream, interval, clock
        self.tty = stream.isatty()
        self.start = self.last = clock()

    def update(self, report: RotationReport) -> None:
        """Show the state after a batch (on a pipe, only once per interval)."""
        now = self.clock()
        if self.tty:
            self.stream.write("\r" + self.describe(report, now))
        elif now - self.last >= self.interval:
            self.stream.write(self.describe(report, now) + "\n")
            self.last = now
        else:
            return
        self.stream.flush()

    def finish(self, report: RotationReport) -> None:
        """Show the final state on a line of its own."""
        line = self.describe(report, self.clock())
        self.stream.write(("\r" + line if self.tty else line) + "\n")
        self.stream.flush()

    def describe(self, report: RotationReport, now: float) -> str:
        """One line: bar, share, done/to do, rate and time left."""
        done = report.rewrapped + report.failed + report.skipped_changed
        to_do = max(report.total - report.already_current, done)
        share = done / to_do if to_do else 1.0
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        left = (to_do - done) / rate if rate else None
        bar = "#" * round(share * _BAR)
        return (
            f"re-wrapping [{bar:<{_BAR}}] {share:6.1%} {done:,}/{to_do:,} "
            f"{rate:,.0f}/s ETA {_clock(left)}"
        )


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
