"""`wellbeing audit verify|link|checkpoint|purge`: check, link, anchor and trim the audit log."""

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
from wellbeing.audit.sequencer import link_committed
from wellbeing.audit.service import purge_expired
from wellbeing.audit.verify import VerifyReport, verify_chain
from wellbeing.cli.common import transaction
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.crypto import KeyringError, load_audit_signing_key, select_provider


@click.group("audit")
def audit() -> None:
    """Verify the hash-chained audit log, link staged entries, sign checkpoints, purge."""


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
    """Walk the whole chain and compare it with every signed checkpoint; exit 1 on a problem.

    Entries not yet linked by the sequencer are counted; one waiting longer than ten minutes
    is a problem too (the scheduler's `audit.link` job is not running)."""
    log_path = checkpoint_log_path(load_settings().instance_path)
    with transaction() as session:
        try:
            report = verify_chain(session)
        except AuditError as exc:  # the head row is gone: say so, and what was signed
            click.echo(f"audit log broken: {exc}", err=True)
            _check_signed_heads(session, log_path)
            sys.exit(1)
        if not report.ok:
            seq = report.broken_seq
            where = "audit log broken" if seq is None else f"chain broken at seq {seq}"
            click.echo(f"{where}: {report.reason}", err=True)
            sys.exit(1)
        click.echo(f"chain intact: {report.entries} entries")
        _report_tail(report)
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


def _report_tail(report: VerifyReport) -> None:
    """Say how many entries wait for the sequencer; fail when one has waited too long."""
    if not report.unlinked or report.oldest_unlinked is None:
        return
    since = report.oldest_unlinked.strftime("%Y-%m-%dT%H:%M:%SZ")
    message = f"{report.unlinked} entries not yet linked, the oldest staged at {since}"
    if report.stale(utcnow()):
        _fail(
            f"{message}: the sequencer is not running (the scheduler's `audit.link` job); "
            "run `wellbeing audit link`"
        )
    click.echo(message)


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


@audit.command("link")
def link() -> None:
    """Link every staged entry into the chain now (what the `audit.link` job does)."""
    try:
        total = link_committed(transaction)
    except AuditError as exc:
        _fail(f"error: {exc}")
    click.echo(f"linked {total} entries")


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
