"""One source of "now", so deadlines, timeouts and jobs can be tested under a controlled clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 - swapped by tests


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return _now()


def set_clock(now: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests only); None restores the real one."""
    global _now
    _now = now if now is not None else (lambda: datetime.now(UTC))


@contextmanager
def held_at(moment: datetime) -> Iterator[None]:
    """Inside the block "now" is `moment` (the demo replays its past this way); the clock in
    force before — the real one or a test's — is back afterwards."""
    global _now
    outer = _now
    _now = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _now = outer
