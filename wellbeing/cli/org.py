"""`wellbeing units …` and `wellbeing users …`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wellbeing.cli.common import org_transaction
from wellbeing.org import service as org_service


@click.group()
def units() -> None:
    """Manage the unit tree (bureau → station → team)."""


@units.command("add")
@click.argument("code")
@click.option("--name-zh", required=True, help="Chinese name")
@click.option("--name-en", required=True, help="English name")
@click.option("--parent", "parent_code", help="parent unit code")
def units_add(code: str, name_zh: str, name_en: str, parent_code: str | None) -> None:
    """Add one unit."""
    with org_transaction() as session:
        unit = org_service.add_unit(session, code, name_zh, name_en, parent_code)
        click.echo(f"added unit {unit.code}")


@units.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def units_import(path: Path) -> None:
    """Import units from CSV (code,name_zh,name_en,parent_code); all rows or none."""
    with org_transaction() as session:
        count = org_service.import_units(session, path.read_text(encoding="utf-8-sig"))
    click.echo(f"imported {count} unit(s)")


@click.group()
def users() -> None:
    """Manage users and their roles."""


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 10:
        raise click.UsageError("the password must be at least 10 characters")
    return password


@users.command("add")
@click.argument("username")
@click.option("--unit", "unit_code", required=True, help="the user's unit code")
@click.option("--role", "roles", multiple=True, required=True, help="ROLE or ROLE:SCOPE_UNIT")
@click.option("--name", "display_name", help="display name")
@click.option("--locale", default="zh_CN", type=click.Choice(["zh_CN", "en"]))
@click.option("--phone")
@click.option("--email")
@click.option("--wecom-userid", help="the user's 企业微信 userid (notices, 企业微信 sign-in)")
@click.option(
    "--staff-category",
    type=click.Choice(["police", "auxiliary"]),
    help="民警 (police) or 辅警 (auxiliary)",
)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def users_add(
    username: str,
    unit_code: str,
    roles: tuple[str, ...],
    display_name: str | None,
    locale: str,
    phone: str | None,
    email: str | None,
    wecom_userid: str | None,
    staff_category: str | None,
    password_stdin: bool,
) -> None:
    """Add one user with one or more roles."""
    password = _read_password() if password_stdin else None
    with org_transaction() as session:
        grants = [org_service.parse_grant(text) for text in roles]
        org_service.add_user(
            session,
            username,
            unit_code=unit_code,
            grants=grants,
            display_name=display_name,
            password=password,
            locale=locale,
            phone=phone,
            email=email,
            wecom_userid=wecom_userid,
            staff_category=staff_category,
        )
    click.echo(f"added user {username}")


@users.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def users_import(path: Path) -> None:
    """Import users from CSV (username,display_name,unit_code,roles,locale,phone,email,…).

    Optional columns: wecom_userid (企业微信 userid), staff_category (police or auxiliary).
    """
    with org_transaction() as session:
        count = org_service.import_users(session, path.read_text(encoding="utf-8-sig"))
    click.echo(f"imported {count} user(s); set passwords with `wellbeing users set-password`")


@users.command("set-password")
@click.argument("username")
def users_set_password(username: str) -> None:
    """Set a password read from standard input; the user's sessions end."""
    password = _read_password()
    with org_transaction() as session:
        org_service.set_password(session, username, password)
    click.echo(f"password set for {username}")


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Deactivate a user; their sessions and tokens stop working at once."""
    with org_transaction() as session:
        org_service.deactivate_user(session, username)
    click.echo(f"deactivated {username}")
