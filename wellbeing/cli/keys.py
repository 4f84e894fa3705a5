"""`wellbeing keys …`: add, promote, rotate, retire and count key-encryption keys."""

from __future__ import annotations

import sys

import click
from sqlalchemy.orm import Session

from wellbeing.app.schema import Base
from wellbeing.audit.heads import checkpoint_now
from wellbeing.audit.service import record
from wellbeing.cli.common import open_database
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.crypto import (
    CryptoError,
    KeyInUseError,
    KeyProvider,
    Keyring,
    select_provider,
)
from wellbeing.sealing.holders import (
    holders_sealing_with,
    live_holders,
    record_keyring_change,
)
from wellbeing.sealing.progress import ProgressLine
from wellbeing.sealing.rotation import UNREADABLE, count_by_kek, retire_kek, rotate_all

FOLLOW_HINT = (
    "running processes re-read the keyring within WELLBEING_KEYRING_RELOAD_SECONDS, or at once "
    "when a record names a key they lack; no restart is needed"
)


def _provider() -> KeyProvider:
    return select_provider(load_settings().effective_keyring_path)


def _audit(action: str, kek_id: str, ring: Keyring | None = None, **detail: str | int) -> None:
    """Record a key operation in the audit log (the operator is the system account) and, for a
    changed keyring `ring`, move the database's keyring version on so every host sees it."""
    database = open_database()
    try:
        with database.transaction() as session:
            if ring is not None:
                record_keyring_change(session, ring, utcnow())
            record(
                session,
                actor=None,
                action=action,
                target_type="kek",
                target_id=kek_id,
                detail=detail or None,
            )
            checkpoint_now(session, "key", ring or _provider().load())  # signed head, issue 21
    finally:
        database.engine.dispose()


def _fail(exc: CryptoError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group()
def keys() -> None:
    """Key-encryption keys: data keys are re-wrapped, payloads are never re-encrypted."""


@keys.command("status")
def keys_status() -> None:
    """List the keys with how many records each protects."""
    try:
        ring = _provider().load()
    except CryptoError as exc:
        _fail(exc)
        return
    database = open_database()
    with database.transaction() as session:
        counts = count_by_kek(session, Base.metadata)
        holders = [
            (h.role, h.host, h.pid, h.primary_kek_id, h.version)
            for h in live_holders(session, utcnow())
        ]
    database.engine.dispose()
    for kek_id in ring.ids:
        marker = " (primary)" if kek_id == ring.primary_id else ""
        click.echo(f"{kek_id}{marker}: {counts.pop(kek_id, 0)} record(s)")
    for kek_id, count in sorted(counts.items()):
        label = "unreadable header" if kek_id == UNREADABLE else "MISSING from the keyring"
        click.echo(f"{kek_id}: {count} record(s) — {label}")
    for role, host, pid, primary, version in holders:
        held = f"keyring version {version}" if version else "a keyring not yet in the database"
        click.echo(f"process {role} {host}:{pid}: primary {primary}, {held}")


@keys.command("add")
def keys_add() -> None:
    """Add a new key (not yet primary)."""
    provider = _provider()
    try:
        ring = provider.load().with_added_key()
        provider.save(ring)
    except CryptoError as exc:
        _fail(exc)
        return
    _audit("keys.added", ring.ids[-1], ring)
    click.echo(f"added {ring.ids[-1]} (not primary; `wellbeing keys promote` it when ready)")


@keys.command("promote")
@click.argument("kek_id")
def keys_promote(kek_id: str) -> None:
    """Make a key primary for new data."""
    provider = _provider()
    try:
        ring = provider.load().promote(kek_id)
        provider.save(ring)
    except CryptoError as exc:
        _fail(exc)
        return
    _audit("keys.promoted", kek_id, ring)
    click.echo(f"{kek_id} is primary; {FOLLOW_HINT}. Then run `wellbeing keys rotate`")


@keys.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option(
    "--max-rate",
    type=click.FloatRange(min=1),
    help="At most this many records a second, so a live service keeps its latency.",
)
def keys_rotate(batch_size: int, max_rate: float | None) -> None:
    """Re-wrap every data key under the primary key, online, in batches; safe to re-run, also
    after being killed (it goes on from the records not yet re-wrapped)."""
    try:
        ring = _provider().load()
    except CryptoError as exc:
        _fail(exc)
        return
    database = open_database()
    line = ProgressLine(sys.stderr)
    report = rotate_all(
        database.session_factory,
        ring,
        Base.metadata,
        batch_size=batch_size,
        progress=line.update,
        max_rate=max_rate,
    )
    line.finish(report)
    database.engine.dispose()
    _audit("keys.rotated", ring.primary_id, rewrapped=report.rewrapped, failed=report.failed)
    click.echo(
        f"scanned {report.scanned}, re-wrapped {report.rewrapped}, "
        f"already current {report.already_current}, failed {report.failed}"
    )
    for failure in report.failures[:20]:
        where = f"{failure.table}.{failure.column} {failure.record_id}"
        click.echo(f"  could not re-wrap {where}: {failure.error}", err=True)
    if report.failed:
        sys.exit(1)


@keys.command("retire")
@click.argument("kek_id")
def keys_retire(kek_id: str) -> None:
    """Remove a key; refused while a running process still seals with it or a record uses it."""
    provider = _provider()
    database = open_database()
    try:
        with database.transaction() as session:
            _refuse_while_sealing_with(session, kek_id)  # first: their last records then show
            ring = retire_kek(session, Base.metadata, provider.load(), kek_id)
        provider.save(ring)
    except CryptoError as exc:
        _fail(exc)
        return
    finally:
        database.engine.dispose()
    _audit("keys.retired", kek_id, ring)
    click.echo(f"retired {kek_id}")


def _refuse_while_sealing_with(session: Session, kek_id: str) -> None:
    """Raise `KeyInUseError` while a live process's keyring still has `kek_id` as primary."""
    holders = holders_sealing_with(session, kek_id, utcnow())
    if holders:
        names = ", ".join(f"{h.role} {h.host}:{h.pid}" for h in holders[:5])
        raise KeyInUseError(
            kek_id,
            f"{len(holders)} running process(es) still seal new records with it ({names}); "
            "they re-read the keyring within WELLBEING_KEYRING_RELOAD_SECONDS: wait, run "
            "`wellbeing keys rotate` again, then retire",
        )
