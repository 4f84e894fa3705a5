"""The `wellbeing` command: set up, manage the organisation, serve.

One module a command group (`cli/<group>.py`); what they share is in `cli/common.py`.
"""

from __future__ import annotations

import sys

import click

from wellbeing.cli.audit import audit
from wellbeing.cli.backup import backup, restore
from wellbeing.cli.instruments import instruments_cli
from wellbeing.cli.keys import keys
from wellbeing.cli.mfa import mfa_cli
from wellbeing.cli.org import units, users
from wellbeing.cli.reports import reports_cli
from wellbeing.cli.scheduler import scheduler
from wellbeing.cli.screening import campaigns, incidents
from wellbeing.cli.serve import demo, serve
from wellbeing.core.bootstrap import initialise
from wellbeing.core.config import ConfigError, load_settings


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


@cli.command()
def init() -> None:
    """Create the instance folder, secret key and keyring if absent; migrate to head."""
    for line in initialise(load_settings()):
        click.echo(line)


for command in (
    units,
    users,
    keys,
    instruments_cli,
    campaigns,
    incidents,
    demo,
    serve,
    audit,
    mfa_cli,
    scheduler,
    backup,
    restore,
    reports_cli,
):
    cli.add_command(command)
