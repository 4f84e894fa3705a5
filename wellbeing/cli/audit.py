"""`wellbeing audit verify|checkpoint|purge`: check, anchor and trim the audit log."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wellbeing.audit.checkpoint import check_checkpoint, read_checkpoint, write_checkpoint
from wellbeing.audit.errors import AuditError
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
    """Walk the whole chain; exit 1 naming the first broken entry."""
    public_key = _signing_key().public_key() if checkpoint_path else None
    with transaction() as session:
        report = verify_chain(session)
        if not report.ok:
            click.echo(f"chain broken at seq {report.broken_seq}: {report.reason}", err=True)
            sys.exit(1)
        click.echo(f"chain intact: {report.entries} entries")
        if checkpoint_path is None or public_key is None:
            return
        try:
            checkpoint = read_checkpoint(checkpoint_path)
            check_checkpoint(session, public_key, checkpoint)
        except AuditError as exc:
            click.echo(f"checkpoint failed: {exc}", err=True)
            sys.exit(1)
        click.echo(f"checkpoint intact: entry {checkpoint.seq} unchanged since {checkpoint.time}")


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
    """Delete entries older than WELLBEING_AUDIT_RETENTION_DAYS; the chain stays verifiable."""
    days = load_settings().audit_retention_days
    with transaction() as session:
        try:
            count = purge_expired(session, utcnow(), days)
        except AuditError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(f"purged {count} entries older than {days} days")
