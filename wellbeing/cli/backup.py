"""`wellbeing backup`, `wellbeing restore` and `wellbeing keys backup`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wellbeing.cli.keys import keys
from wellbeing.core.backup import BackupError, backup_database, restore_database
from wellbeing.core.config import load_settings
from wellbeing.crypto import CryptoError, FileKeyProvider, select_provider


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup(path: Path) -> None:
    """Write a backup of the database to PATH (sealed data stays sealed; keys are not in it)."""
    try:
        backup_database(load_settings().effective_database_url, path)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"database backed up to {path}")
    click.echo("the keyring is not in it: back it up apart with `wellbeing keys backup PATH`")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that already holds data")
def restore(path: Path, force: bool) -> None:
    """Restore the database from a backup (stop the app and scheduler first)."""
    try:
        restore_database(load_settings().effective_database_url, path, force=force)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"database restored from {path}; run `wellbeing init` to migrate it to the newest")
    click.echo("schema, and make sure the keyring in use holds every key the backup needs")


@keys.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def keys_backup(path: Path) -> None:
    """Copy the keyring to PATH (mode 0600); keep it apart from the database backups."""
    try:
        ring = select_provider(load_settings().effective_keyring_path).load()
        FileKeyProvider(path).create(ring)  # never over an existing file
    except CryptoError as exc:
        _fail(str(exc))
    click.echo(f"keyring ({len(ring.ids)} key(s)) copied to {path}")
    click.echo("store it apart from database backups: together they reveal everything")
