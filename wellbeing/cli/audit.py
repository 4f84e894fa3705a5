"""`wellbeing audit verify|checkpoint|purge`: check, anchor and trim the audit log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wellbeing.audit.checkpoint import check_checkpoint, read_checkpoint, write_checkpoint
from wellbeing.audit.consistency import check_consistency, missing_from_table
from wellbeing.audit.errors import AuditError
from wellbeing.audit.heads import checkpoint_log_path, read_log, record_checkpoint, table_heads
from wellbeing.audit.service import purge_expired
from wellbeing.audit.verify import verify_chain
from wellbeing.cli.common import transaction
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.crypto import KeyringError, load_audit_signing_key, select_provider


@click.group("audit")
def audit() -> None:
    """Verify the hash-chained audit log, sign checkpoints, purge past retention."""


def _signing_key() -> Ed25519PrivateKey:
    settings = load_settings()
    try:
        return load_audit_signing_key(select_provider(settings.effective_keyring_path).load())
    except KeyringError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="also prove the log was not rewritten since this signed checkpoint",
)
def verify(checkpoint_path: Path | None) -> None:
    """Walk the whole chain and compare it with every signed checkpoint; exit 1 on a problem."""
    log_path = checkpoint_log_path(load_settings().instance_path)
    with transaction() as session:
        try:
            report = verify_chain(session)
        except AuditError as exc:  # the head row is gone: say so, and what was signed
            click.echo(f"audit log broken: {exc}", err=True)
            _check_signed_heads(session, log_path)
            sys.exit(1)
        if not report.ok:
            click.echo(f"chain broken at seq {report.broken_seq}: {report.reason}", err=True)
            sys.exit(1)
        click.echo(f"chain intact: {report.entries} entries")
        _check_signed_heads(session, log_path)
        if checkpoint_path is None:
            return
        try:
            checkpoint = read_checkpoint(checkpoint_path)
            check_checkpoint(session, _signing_key().public_key(), checkpoint)
        except AuditError as exc:
            click.echo(f"checkpoint failed: {exc}", err=True)
            sys.exit(1)
        click.echo(f"checkpoint intact: entry {checkpoint.seq} unchanged since {checkpoint.time}")


def _check_signed_heads(session: Session, log_path: Path) -> None:
    """Compare the log with the checkpoints of `audit_checkpoints` and of the checkpoint log."""
    try:
        logged = read_log(log_path)
        with session.begin_nested():
            stored = table_heads(session)
    except AuditError as exc:
        _fail(f"checkpoint check failed: {exc}")
    except DBAPIError:
        _fail("checkpoint check failed: the audit_checkpoints table cannot be read (dropped?)")
    if not stored and not logged:
        click.echo(
            "no signed checkpoint yet: deleted newest entries would go unnoticed until the "
            "scheduler signs one (`audit.checkpoint`, every 15 minutes)",
            err=True,
        )
        return
    try:
        result = check_consistency(session, _signing_key().public_key(), [*stored, *logged])
    except AuditError as exc:
        _fail(f"checkpoint check failed: {exc}")
    lost = missing_from_table(stored, logged)
    if lost:
        _fail(
            f"checkpoint check failed: {len(lost)} checkpoints of {log_path} were deleted "
            "from the audit_checkpoints table"
        )
    newest = result.newest.checkpoint if result.newest else None
    if newest is not None:
        click.echo(
            f"checkpoints intact: {result.checked} checked; the newest, at {newest.time}, "
            f"signed entry {newest.seq}"
        )


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


@audit.command("checkpoint")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def checkpoint(path: Path) -> None:
    """Sign the chain's head with the keyring's audit key and write it to PATH (keep it apart)."""
    key = _signing_key()
    with transaction() as session:
        try:
            written = write_checkpoint(session, key, path)
        except AuditError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(f"checkpoint of entry {written.seq} written to {path}")


@audit.command("purge")
def purge() -> None:
    """Delete entries older than WELLBEING_AUDIT_RETENTION_DAYS; the chain stays verifiable.

    The purge is signed (a checkpoint at its own `audit.purged` entry), so `verify` can tell
    it from a deletion of the oldest entries.
    """
    days = load_settings().audit_retention_days
    key = _signing_key()
    with transaction() as session:
        try:
            count = purge_expired(session, utcnow(), days)
            if count:
                record_checkpoint(session, key, "purge")
        except AuditError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(f"purged {count} entries older than {days} days")
