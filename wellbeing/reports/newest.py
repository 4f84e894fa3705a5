"""The report a leader's home page leads to: the newest closed wave that has a stored release.

The waves are handed in (what the leader's scope sees, newest first, from screening); this only
asks which of them the release job has published at the threshold and mode in force, so the home
link never points at a wave whose results are not there yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.reports.models import Release
from wellbeing.reports.release import EXACT, NOISY
from wellbeing.reports.waves import WaveInfo


def newest_released_wave(
    session: Session, waves: Sequence[WaveInfo], k: int, epsilon: float | None
) -> WaveInfo | None:
    """The first closed wave of ``waves`` (newest first) with a release at threshold ``k`` in
    the mode in force (exact, or DP when ``epsilon`` is set); None when none has one."""
    closed = [wave for wave in waves if wave.closed]
    if not closed:
        return None
    kind = EXACT if epsilon is None else NOISY
    query = select(Release.wave_id).where(
        Release.wave_id.in_([wave.id for wave in closed]), Release.k == k, Release.kind == kind
    )
    released = set(session.scalars(query.distinct()))
    return next((wave for wave in closed if wave.id in released), None)
