"""What reports are handed about a wave: how it is described, and who took part (plain records).

Waves and assignments belong to screening, whose models sit beside sealed submissions; reports
never import them. Screening fills these records (`screening.reporting`) and the callers — the
faces, the release job, the benchmark — hand them to reports: a wave's description, and counts
of assignments per unit, never an officer id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WaveInfo:
    """A wave a leader may see."""

    id: int
    name: str
    closed: bool
    campaign_id: int
    campaign_name: str
    seq: int
    opens_at: datetime
    closes_at: datetime
    instruments: tuple[str, ...]


Participation = Mapping[int, tuple[int, int]]
"""One wave's (invited, responded) per unit id — the officers' unit when they were assigned —
counting the unit's own officers only (reports add up subtrees). Responded means every assigned
instrument was submitted; a unit with no assignment may be absent."""
