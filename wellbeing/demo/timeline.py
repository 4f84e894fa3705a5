"""The demo's past, replayed in time order: each step runs under the service clock set to its
moment, so the real services stamp their rows, deadlines, history and audit entries as if the
work had happened then.

A step may schedule later steps (a submission that opens a referral schedules its claim, the
claim its first contact, …). Steps due after `now` never run: whatever they would have done is
still waiting, which is what gives the demo its mix of states relative to the clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from wellbeing.core import clock

Step = Callable[[Session, datetime], None]


@dataclass
class Timeline:
    """Steps by time (ties in the order they were added), run up to `now`."""

    now: datetime
    _queue: list[tuple[datetime, int, Step]] = field(default_factory=list)
    _added: int = 0

    def at(self, moment: datetime, step: Step) -> None:
        """Run `step` at `moment`; a moment after `now` is dropped (it has not happened yet)."""
        if moment > self.now:
            return
        self._added += 1
        heapq.heappush(self._queue, (moment, self._added, step))

    def run(self, session: Session) -> None:
        """Run every step in time order, each under the service clock at its moment; the
        clock in force before (the real one, or a test's) is back afterwards."""
        while self._queue:
            moment, _added, step = heapq.heappop(self._queue)
            with clock.held_at(moment):
                step(session, moment)
