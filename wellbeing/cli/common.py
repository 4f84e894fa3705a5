"""What every command shares: the configured database and a transaction with clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import click
from sqlalchemy.orm import Session

from wellbeing.core.config import load_settings
from wellbeing.core.db import Database, make_engine
from wellbeing.crypto import KeyringError, select_provider
from wellbeing.org.errors import ImportRejected, OrgError
from wellbeing.sealing.columns import set_active_keyring


def open_database() -> Database:
    """The configured database, without building the web app."""
    return Database.for_engine(make_engine(load_settings().effective_database_url))


def open_keyring() -> None:
    """Load the configured keyring for a command that seals or opens records; without one the
    command stops with a clean message and exit code 2 before touching the database."""
    try:
        set_active_keyring(select_provider(load_settings().effective_keyring_path).load())
    except KeyringError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@contextmanager
def transaction(*refused: type[Exception]) -> Iterator[Session]:
    """A transaction on the configured database; an error of a `refused` kind becomes a clean
    message and exit code 2, with nothing committed."""
    database = open_database()
    try:
        with database.transaction() as session:
            yield session
    except refused as exc:
        if isinstance(exc, ImportRejected):
            for line, message in exc.problems:
                click.echo(f"line {line}: {message}", err=True)
            click.echo("nothing was imported", err=True)
        else:
            click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        database.engine.dispose()


def org_transaction() -> AbstractContextManager[Session]:
    """A transaction whose organisation errors become a clean message and exit code 2."""
    return transaction(OrgError)
