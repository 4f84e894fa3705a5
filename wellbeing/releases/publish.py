"""Releasing a closed wave: open its sealed facts, protect the counts, store the release.

The one place where facts are opened for reports. Each instrument's release is stored with its
hidden cells' reasons sealed beside it and an audit entry (``report.released``) that says how
many cells were hidden — never which, nor why.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.heads import checkpoint_now
from wellbeing.audit.service import record as audit
from wellbeing.core.db import Database
from wellbeing.facts.models import ReleaseReasons
from wellbeing.facts.service import count_facts
from wellbeing.instruments import Catalogue
from wellbeing.reports.aggregate import load_units, tree_hash
from wellbeing.reports.models import Release
from wellbeing.reports.release import (
    EXACT,
    NOISY,
    compute_release,
    earlier_tables,
    released_instruments,
    store_release,
)
from wellbeing.reports.report import report_definitions
from wellbeing.screening.reporting import closed_waves, find_closed_wave


def waves_to_release(
    session: Session, catalogue: Catalogue, k: int, epsilon: float | None
) -> list[int]:
    """Closed waves with an instrument not yet released at this threshold and mode."""
    pending = []
    for wave in closed_waves(session):
        wanted = {d.id for d in report_definitions(catalogue, wave)}
        if wanted - released_instruments(session, wave.id, k, epsilon):
            pending.append(wave.id)
    return pending


def release_pending_waves(
    database: Database,
    catalogue: Catalogue,
    k: int,
    epsilon: float | None,
    on_wave: Callable[[int, int, int, list[Release]], None] | None = None,
    *,
    staff_split: bool = False,
) -> int:
    """Release every closed wave not yet released, one wave per transaction (idempotent);
    ``on_wave(number, of, wave_id, stored)`` reports progress; ``staff_split``: as in
    `publish_closed_wave`. Returns how many were pending."""
    with database.transaction() as session:
        pending = waves_to_release(session, catalogue, k, epsilon)
    for number, wave_id in enumerate(pending, start=1):
        with database.transaction() as session:
            stored = publish_closed_wave(
                session, catalogue, wave_id, k, epsilon, staff_split=staff_split
            )
            if on_wave is not None:
                on_wave(number, len(pending), wave_id, stored)
    return len(pending)


def publish_closed_wave(
    session: Session,
    catalogue: Catalogue,
    wave_id: int,
    k: int,
    epsilon: float | None,
    *,
    staff_split: bool = False,
) -> list[Release]:
    """Release every instrument of a closed wave that has no release yet; returns those stored.

    Idempotent: an instrument already released (by an earlier or a concurrent run) is left as
    it is, so a DP release's noise is drawn once. An exact release is audited together with
    every exact release of the same wave and instrument stored before it (at another threshold),
    so it re-opens none of their suppressions. With ``staff_split`` (the setting
    ``WELLBEING_REPORT_STAFF_SPLIT``) an exact release also publishes each unit's rows per staff
    category (民警/辅警) wherever results carry one, protected together with the unit rows.
    """
    wave = find_closed_wave(session, wave_id)
    if wave is None:
        return []
    done = released_instruments(session, wave_id, k, epsilon)
    definitions = [d for d in report_definitions(catalogue, wave) if d.id not in done]
    if not definitions:
        return []
    units = load_units(session)
    shape = tree_hash(units)
    stored = []
    for definition in definitions:
        counts = count_facts(session, wave_id, definition.id)
        earlier = earlier_tables(session, wave_id, definition.id) if epsilon is None else []
        computed = compute_release(
            counts, definition, units, k, epsilon, earlier, staff_split=staff_split
        )
        release = store_release(session, wave_id, definition.id, computed, shape, k)
        if release is None:
            continue
        session.flush()
        reasons = [[unit, column, why.value] for (unit, column), why in computed.reasons.items()]
        session.add(ReleaseReasons(release_id=release.id, reasons=reasons))
        _audit_release(session, release, _hidden_count(release))
        stored.append(release)
    session.flush()
    return stored


def _hidden_count(release: Release) -> int:
    split = release.cells.get("categories", {}).values()
    return sum(
        value is None
        for rows in (release.cells["rows"], *split)
        for row in rows
        for value in (row["n"], *row["bands"].values(), row["mean"])
    )


def _audit_release(session: Session, release: Release, hidden: int) -> None:
    audit(
        session,
        actor=None,
        action="report.released",
        target_type="release",
        target_id=release.id,
        detail={
            "wave": release.wave_id,
            "instrument": release.instrument_id,
            "k": release.k,
            "kind": release.kind,
            "hidden": hidden,
        },
    )
    checkpoint_now(session, "release")  # a signed head per release (issue 21, point 2)


def release_reasons(session: Session, release_id: int) -> list[tuple[str, str, str]]:
    """The sealed reasons of a release's hidden cells (unit, column, reason), for the DPO."""
    found = session.scalars(
        select(ReleaseReasons).where(ReleaseReasons.release_id == release_id)
    ).one_or_none()
    if found is None:
        return []
    return [(unit, column, reason) for unit, column, reason in found.reasons]


def read_reasons(
    session: Session, wave_id: int, instrument_id: str, k: int, epsilon: float | None
) -> list[tuple[str, str, str]] | None:
    """The reasons of one stored release for the data protection officer, audited as
    ``report.reasons_read``; None when the wave has no such release."""
    kind = EXACT if epsilon is None else NOISY
    release = session.scalars(
        select(Release).where(
            Release.wave_id == wave_id,
            Release.instrument_id == instrument_id,
            Release.k == k,
            Release.kind == kind,
        )
    ).one_or_none()
    if release is None:
        return None
    audit(
        session,
        actor=None,
        action="report.reasons_read",
        target_type="release",
        target_id=release.id,
        detail={"wave": wave_id, "instrument": instrument_id},
    )
    return release_reasons(session, release.id)
