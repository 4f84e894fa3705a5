"""The keyring version row and the processes' heartbeats: what `wellbeing keys retire` checks.

A process holding a keyring whose primary is key K still seals new records under K, so K may be
retired only once every live process has moved on. A heartbeat counts while it is younger than
`STALE_INTERVALS` of its process's reload interval: a process silent for longer re-reads the
keyring before it next seals anything, so it no longer holds the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.crypto import Keyring
from wellbeing.sealing.live import keyring_fingerprint
from wellbeing.sealing.models import KEYRING_ROW, KeyringHolder, KeyringVersion

STALE_INTERVALS = 3
FORGET_AFTER = timedelta(days=1)  # heartbeats of processes long gone are deleted


@dataclass(frozen=True)
class Heartbeat:
    """Who reports: a process id unique across hosts, its host, pid and role."""

    holder: str
    host: str
    pid: int
    role: str
    interval_seconds: int


def record_keyring_change(session: Session, keyring: Keyring, now: datetime) -> int:
    """Move the keyring version on after `keyring` was saved; return the new version."""
    row = session.get(KeyringVersion, KEYRING_ROW, with_for_update=True)
    if row is None:
        row = KeyringVersion(id=KEYRING_ROW, version=0)
        session.add(row)
    row.version += 1
    row.primary_kek_id = keyring.primary_id
    row.fingerprint = keyring_fingerprint(keyring)
    row.changed_at = now
    session.flush()
    return row.version


def current_keyring_version(session: Session) -> KeyringVersion | None:
    """The current keyring's row, or None before any `wellbeing keys` change."""
    return session.get(KeyringVersion, KEYRING_ROW)


def report_holder(
    session: Session, beat: Heartbeat, keyring: Keyring, version: int | None, now: datetime
) -> None:
    """Write this process's heartbeat: the keyring it holds now."""
    row = session.get(KeyringHolder, beat.holder)
    if row is None:
        row = KeyringHolder(holder=beat.holder, host=beat.host, pid=beat.pid, role=beat.role)
        session.add(row)
    row.version = version
    row.primary_kek_id = keyring.primary_id
    row.fingerprint = keyring_fingerprint(keyring)
    row.interval_seconds = beat.interval_seconds
    row.seen_at = now
    session.execute(delete(KeyringHolder).where(KeyringHolder.seen_at < now - FORGET_AFTER))


def forget_holder(session: Session, holder: str) -> None:
    """Delete a heartbeat (a process that stops cleanly)."""
    session.execute(delete(KeyringHolder).where(KeyringHolder.holder == holder))


def is_live(row: KeyringHolder, now: datetime) -> bool:
    """Whether a heartbeat is recent enough to count."""
    window = timedelta(seconds=STALE_INTERVALS * max(row.interval_seconds, 1))
    return row.seen_at >= now - window


def live_holders(session: Session, now: datetime) -> list[KeyringHolder]:
    """The processes whose heartbeat still counts, by host and pid."""
    rows = session.scalars(select(KeyringHolder).order_by(KeyringHolder.host, KeyringHolder.pid))
    return [row for row in rows if is_live(row, now)]


def holders_sealing_with(session: Session, kek_id: str, now: datetime) -> list[KeyringHolder]:
    """Live processes whose keyring's primary is `kek_id`: they would seal new records with it."""
    return [row for row in live_holders(session, now) if row.primary_kek_id == kek_id]
