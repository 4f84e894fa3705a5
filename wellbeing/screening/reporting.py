"""What screening tells reports: waves as reports describe them, and participation counts.

Reports never import screening (its models sit beside sealed submissions), so screening fills
the plain records reports declare (`reports.waves`) and the callers hand them over. Assignments
are counted per wave and unit in the query; officer ids never leave it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, contains_eager

from wellbeing.org.models import Unit
from wellbeing.reports.waves import Participation, WaveInfo
from wellbeing.screening.models import Assignment, AssignmentStatus, Campaign, Wave, WaveState


def wave_info(wave: Wave) -> WaveInfo:
    """A wave as reports describe it."""
    return WaveInfo(
        id=wave.id,
        name=wave.name,
        closed=wave.state == WaveState.CLOSED.value,
        campaign_id=wave.campaign_id,
        campaign_name=wave.campaign.name,
        seq=wave.seq,
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        instruments=tuple(wave.campaign.instruments),
    )


def visible_waves(session: Session, scopes: Sequence[Unit]) -> list[WaveInfo]:
    """Opened waves of campaigns overlapping the scopes, newest first."""
    query = (
        select(Wave, Unit.path)
        .join(Wave.campaign)
        .join(Unit, Unit.id == Campaign.unit_id)
        .options(contains_eager(Wave.campaign))
        .where(Wave.state.in_([WaveState.OPEN.value, WaveState.CLOSED.value]))
        .order_by(Wave.opens_at.desc(), Wave.id.desc())
    )
    paths = [scope.path for scope in scopes]
    return [
        wave_info(wave)
        for wave, path in session.execute(query)
        if any(path.startswith(p) or p.startswith(path) for p in paths)
    ]


def closed_waves(session: Session) -> list[WaveInfo]:
    """Every closed wave, oldest first (what the release job may release)."""
    query = (
        select(Wave)
        .join(Wave.campaign)
        .options(contains_eager(Wave.campaign))
        .where(Wave.state == WaveState.CLOSED.value)
        .order_by(Wave.id)
    )
    return [wave_info(wave) for wave in session.scalars(query)]


def find_closed_wave(session: Session, wave_id: int) -> WaveInfo | None:
    """A closed wave by id, or None (unknown, or not closed yet)."""
    wave = session.get(Wave, wave_id)
    if wave is None or wave.state != WaveState.CLOSED.value:
        return None
    return wave_info(wave)


def wave_participation(session: Session, wave_ids: Collection[int]) -> Mapping[int, Participation]:
    """Per wave id (each one asked for): (invited, responded) per unit id of its assignments,
    counted from the index on (wave, unit, status) alone."""
    submitted = case((Assignment.status == AssignmentStatus.SUBMITTED.value, 1), else_=0)
    query = (
        select(
            Assignment.wave_id,
            Assignment.unit_id,
            func.count(),
            func.coalesce(func.sum(submitted), 0),
        )
        .where(Assignment.wave_id.in_(list(wave_ids)))
        .group_by(Assignment.wave_id, Assignment.unit_id)
    )
    found: dict[int, dict[int, tuple[int, int]]] = {wave_id: {} for wave_id in wave_ids}
    for wave_id, unit_id, invited, responded in session.execute(query):
        found[wave_id][unit_id] = (int(invited), int(responded))
    return found
