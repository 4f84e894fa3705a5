"""`wellbeing mfa …`: reset a user's second factor (lost phone, no recovery code left)."""

from __future__ import annotations

import sys

import click

from wellbeing.auth import mfa
from wellbeing.cli.common import org_transaction
from wellbeing.org.service import find_user


@click.group("mfa")
def mfa_cli() -> None:
    """Second-factor administration."""


@mfa_cli.command("reset")
@click.argument("username")
def reset(username: str) -> None:
    """Remove USERNAME's authenticator and recovery codes; they enrol again at next sign-in."""
    with org_transaction() as session:
        user = find_user(session, username)
        if user is None:
            click.echo(f"error: no user {username!r}", err=True)
            sys.exit(2)
        mfa.reset(session, user, None)
    click.echo(f"second factor reset for {username}; they will set it up at their next sign-in")
