"""What every command shares: the configured database and a transaction with clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import click
from sqlalchemy.orm import Session

from wellbeing.core.config import load_settings
from wellbeing.core.db import Database, make_engine
from wellbeing.org.errors import ImportRejected, OrgError


def open_database() -> Database:
    """The configured database, without building the web app."""
    return Database.for_engine(make_engine(load_settings().effective_database_url))


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
