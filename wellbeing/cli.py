"""The `wellbeing` command: set up, manage the organisation, serve."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from wellbeing.config import ConfigError, load_settings
from wellbeing.db import Database, make_engine
from wellbeing.org.errors import ImportRejected, OrgError


@click.group()
def cli() -> None:
    """Wellbeing screening and referral service (心理健康服务站)."""


def main() -> None:
    """Console entry point: configuration problems become a message and exit code 2."""
    try:
        cli.main(standalone_mode=True)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


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


@cli.command()
def init() -> None:
    """Create the instance folder, secret key and keyring if absent; migrate to head."""
    from wellbeing.bootstrap import initialise

    for line in initialise(load_settings()):
        click.echo(line)


def register_commands() -> None:
    """Attach each domain's command groups."""
    from wellbeing.audit.cli import audit
    from wellbeing.auth.cli import mfa_cli
    from wellbeing.cli_backup import backup, restore
    from wellbeing.cli_keys import keys
    from wellbeing.cli_org import units, users
    from wellbeing.cli_screening import campaigns, incidents
    from wellbeing.cli_serve import demo, serve
    from wellbeing.facts.cli import reports_cli
    from wellbeing.instruments.cli import instruments_cli
    from wellbeing.scheduler.cli import scheduler

    for command in (units, users, keys, instruments_cli, campaigns, incidents, demo, serve):
        cli.add_command(command)
    cli.add_command(audit)
    cli.add_command(mfa_cli)
    cli.add_command(scheduler)
    cli.add_command(backup)
    cli.add_command(restore)
    cli.add_command(reports_cli)


register_commands()
