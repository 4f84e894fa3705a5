"""What every command shares: the configured database and a transaction with clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from wellbeing.core.config import load_settings
from wellbeing.core.db import Database, make_engine
from wellbeing.org.errors import ImportRejected, OrgError


def open_database() -> Database:
    """The configured database, without building the web app."""
    return Database.for_engine(make_engine(load_settings().effective_database_url))


@contextmanager
def org_transaction() -> Iterator[Session]:
    """A transaction whose organisation errors become a clean message and exit code 2."""
    database = open_database()
    try:
        with database.transaction() as session:
            yield session
    except ImportRejected as exc:
        for line, message in exc.problems:
            click.echo(f"line {line}: {message}", err=True)
        click.echo("nothing was imported", err=True)
        sys.exit(2)
    except OrgError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        database.engine.dispose()
