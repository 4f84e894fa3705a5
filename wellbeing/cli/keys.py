"""`wellbeing keys …`: add, promote, rotate, retire and count key-encryption keys."""

from __future__ import annotations

import sys

import click

from wellbeing.app.schema import Base
from wellbeing.audit.service import record
from wellbeing.cli.common import open_database
from wellbeing.core.config import load_settings
from wellbeing.crypto import CryptoError, KeyProvider, RotationReport, select_provider
from wellbeing.sealing.rotation import UNREADABLE, count_by_kek, retire_kek, rotate_all

RESTART_HINT = "restart every app and scheduler process so they load the changed keyring"


def _provider() -> KeyProvider:
    return select_provider(load_settings().effective_keyring_path)


def _audit(action: str, kek_id: str, **detail: str | int) -> None:
    """Record a key operation in the audit log (the operator is the system account)."""
    database = open_database()
    try:
        with database.transaction() as session:
            record(
                session,
                actor=None,
                action=action,
                target_type="kek",
                target_id=kek_id,
                detail=detail or None,
            )
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
    database.engine.dispose()
    for kek_id in ring.ids:
        marker = " (primary)" if kek_id == ring.primary_id else ""
        click.echo(f"{kek_id}{marker}: {counts.pop(kek_id, 0)} record(s)")
    for kek_id, count in sorted(counts.items()):
        label = "unreadable header" if kek_id == UNREADABLE else "MISSING from the keyring"
        click.echo(f"{kek_id}: {count} record(s) — {label}")


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
    _audit("keys.added", ring.ids[-1])
    click.echo(f"added {ring.ids[-1]} (not primary; `wellbeing keys promote` it when ready)")


@keys.command("promote")
@click.argument("kek_id")
def keys_promote(kek_id: str) -> None:
    """Make a key primary for new data."""
    provider = _provider()
    try:
        provider.save(provider.load().promote(kek_id))
    except CryptoError as exc:
        _fail(exc)
        return
    _audit("keys.promoted", kek_id)
    click.echo(f"{kek_id} is primary; {RESTART_HINT}, then run `wellbeing keys rotate`")


@keys.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
def keys_rotate(batch_size: int) -> None:
    """Re-wrap every data key under the primary key, online, in batches; safe to re-run."""
    try:
        ring = _provider().load()
    except CryptoError as exc:
        _fail(exc)
        return
    database = open_database()
    with click.progressbar(length=1, label="re-wrapping", file=sys.stderr) as bar:

        def show(report: RotationReport) -> None:
            bar.length = max(report.total, 1)
            bar.update(report.scanned - bar.pos)

        report = rotate_all(
            database.session_factory, ring, Base.metadata, batch_size=batch_size, progress=show
        )
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
    """Remove a key; refused while any record still uses it."""
    provider = _provider()
    database = open_database()
    try:
        with database.transaction() as session:
            ring = retire_kek(session, Base.metadata, provider.load(), kek_id)
        provider.save(ring)
    except CryptoError as exc:
        _fail(exc)
        return
    finally:
        database.engine.dispose()
    _audit("keys.retired", kek_id)
    click.echo(f"retired {kek_id}")
