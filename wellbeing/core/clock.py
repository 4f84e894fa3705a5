"""One source of "now", so deadlines, timeouts and jobs can be tested under a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 - swapped by tests


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return _now()


def set_clock(now: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests only); None restores the real one."""
    global _now
    _now = now if now is not None else (lambda: datetime.now(UTC))
