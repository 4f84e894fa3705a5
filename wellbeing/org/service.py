"""The only code that changes units, users and role grants."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.auth import passwords
from wellbeing.auth.service import end_all_access
from wellbeing.org.errors import ImportRejected, OrgError
from wellbeing.org.models import LOCALES, Role, RoleGrant, StaffCategory, Unit, User


@dataclass(frozen=True)
class GrantSpec:
    """A role with its scope unit code, parsed from `role` or `role:SCOPE`."""

    role: Role
    scope_code: str | None


def parse_grant(text: str) -> GrantSpec:
    """Parse `officer` or `leader:ST01`; scoped roles must name a scope."""
    role_text, _, scope = text.strip().partition(":")
    try:
        role = Role(role_text.strip())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise OrgError(f"unknown role {role_text!r} (allowed: {allowed})") from None
    scope_code = scope.strip() or None
    if role.needs_scope and scope_code is None:
        raise OrgError(f"role {role.value} needs a scope: {role.value}:UNITCODE")
    if not role.needs_scope and scope_code is not None:
        raise OrgError(f"role {role.value} takes no scope")
    return GrantSpec(role, scope_code)


def find_unit(session: Session, code: str) -> Unit | None:
    """The unit with this code, if any."""
    return session.scalars(select(Unit).where(Unit.code == code)).one_or_none()


def find_user(session: Session, username: str) -> User | None:
    """The user with this username, if any."""
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def add_unit(
    session: Session, code: str, name_zh: str, name_en: str, parent_code: str | None = None
) -> Unit:
    """Create a unit under an existing parent (or as a root)."""
    code = code.strip()
    if not code or not name_zh.strip() or not name_en.strip():
        raise OrgError("a unit needs a code, a Chinese name and an English name")
    if find_unit(session, code) is not None:
        raise OrgError(f"unit {code} already exists")
    parent = None
    if parent_code:
        parent = find_unit(session, parent_code)
        if parent is None:
            raise OrgError(f"parent unit {parent_code} does not exist")
    unit = Unit(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), parent=parent, path="")
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def add_user(
    session: Session,
    username: str,
    *,
    unit_code: str,
    grants: Sequence[GrantSpec],
    display_name: str | None = None,
    password: str | None = None,
    locale: str = "zh_CN",
    phone: str | None = None,
    email: str | None = None,
    wecom_userid: str | None = None,
    staff_category: str | None = None,
) -> User:
    """Create a user in a unit with their roles (at least one).

    `wecom_userid` is the person's 企业微信 userid (notices and 企业微信 sign-in find them by
    it); `staff_category` is "police" (民警), "auxiliary" (辅警) or None.
    """
    username = username.strip()
    if not username:
        raise OrgError("a user needs a username")
    if find_user(session, username) is not None:
        raise OrgError(f"user {username} already exists")
    unit = find_unit(session, unit_code)
    if unit is None:
        raise OrgError(f"unit {unit_code} does not exist")
    if locale not in LOCALES:
        raise OrgError(f"locale must be one of {', '.join(LOCALES)}")
    if not grants:
        raise OrgError("a user needs at least one role")
    wecom_userid = (wecom_userid or "").strip() or None
    if wecom_userid is not None:
        _check_wecom_userid(session, wecom_userid)
    category = _staff_category(staff_category)
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        unit=unit,
        locale=locale,
        phone=phone or None,
        email=email or None,
        wecom_userid=wecom_userid,
        staff_category=category,
        password_hash=passwords.hash_password(password) if password else None,
    )
    session.add(user)
    for spec in grants:
        grant_role(session, user, spec)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="org.user_created",
        target_type="user",
        target_id=user.username,
        detail={"unit": unit.code},
    )
    return user


def _check_wecom_userid(session: Session, wecom_userid: str) -> None:
    if len(wecom_userid) > 64 or not wecom_userid.isprintable() or " " in wecom_userid:
        raise OrgError("a 企业微信 userid is at most 64 characters without spaces")
    taken = session.scalar(select(User.id).where(User.wecom_userid == wecom_userid))
    if taken is not None:
        raise OrgError(f"企业微信 userid {wecom_userid} already belongs to another user")


def _staff_category(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return StaffCategory(value).value
    except ValueError:
        choices = ", ".join(c.value for c in StaffCategory)
        raise OrgError(f"staff category must be one of {choices}, not {value!r}") from None


def grant_role(session: Session, user: User, spec: GrantSpec) -> RoleGrant:
    """Give a user a role (with its scope unit)."""
    scope = None
    if spec.scope_code is not None:
        scope = find_unit(session, spec.scope_code)
        if scope is None:
            raise OrgError(f"scope unit {spec.scope_code} does not exist")
    grant = RoleGrant(role=spec.role.value, scope_unit=scope)
    user.grants.append(grant)
    audit.record(
        session,
        actor=None,
        action="org.role_granted",
        target_type="user",
        target_id=user.username,
        detail={"role": spec.role.value, "scope": spec.scope_code},
    )
    return grant


def set_password(session: Session, username: str, password: str) -> User:
    """Set a user's password and end their sessions."""
    user = _existing_user(session, username)
    user.password_hash = passwords.hash_password(password)
    end_all_access(session, user)
    audit.record(
        session, actor=None, action="org.password_set", target_type="user", target_id=user.username
    )
    return user


def deactivate_user(session: Session, username: str) -> User:
    """Deactivate a user; every session and token they hold stops working at once."""
    user = _existing_user(session, username)
    user.active = False
    end_all_access(session, user)
    audit.record(
        session,
        actor=None,
        action="org.user_deactivated",
        target_type="user",
        target_id=user.username,
    )
    return user


def _existing_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise OrgError(f"user {username} does not exist")
    return user


RowApplier = Callable[[Session, dict[str, str]], None]

UNIT_COLUMNS = ("code", "name_zh", "name_en", "parent_code")
USER_COLUMNS = (
    "username",
    "display_name",
    "unit_code",
    "roles",
    "locale",
    "phone",
    "email",
    "wecom_userid",
    "staff_category",
)
OPTIONAL_USER_COLUMNS = frozenset(
    {"display_name", "locale", "phone", "email", "wecom_userid", "staff_category"}
)


def import_units(session: Session, text: str) -> int:
    """Import units from CSV (header: code,name_zh,name_en,parent_code); all or nothing."""
    rows = _read_csv(text, UNIT_COLUMNS)
    return _import_rows(session, rows, _import_unit_row)


def import_users(session: Session, text: str) -> int:
    """Import users from CSV (header: username,display_name,unit_code,roles,…); all or nothing.

    `roles` is `;`-separated, e.g. `officer;leader:ST01`. Imported users have no password
    until one is set with `wellbeing users set-password`.
    """
    rows = _read_csv(text, USER_COLUMNS)
    return _import_rows(session, rows, _import_user_row)


def _import_unit_row(session: Session, row: dict[str, str]) -> None:
    add_unit(session, row["code"], row["name_zh"], row["name_en"], row.get("parent_code") or None)


def _import_user_row(session: Session, row: dict[str, str]) -> None:
    grants = [parse_grant(part) for part in (row.get("roles") or "").split(";") if part.strip()]
    add_user(
        session,
        row["username"],
        unit_code=row["unit_code"],
        grants=grants,
        display_name=row.get("display_name") or None,
        locale=row.get("locale") or "zh_CN",
        phone=row.get("phone"),
        email=row.get("email"),
        wecom_userid=row.get("wecom_userid"),
        staff_category=row.get("staff_category"),
    )


def _read_csv(text: str, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or []) and c != "parent_code"]
    required = [c for c in missing if c not in OPTIONAL_USER_COLUMNS]
    if required:
        raise ImportRejected([(1, f"header lacks column(s): {', '.join(required)}")])
    return [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
    ]


def _import_rows(
    session: Session, rows: list[tuple[int, dict[str, str]]], apply_row: RowApplier
) -> int:
    """Apply every row inside one savepoint; any bad row rolls all of them back."""
    problems: list[tuple[int, str]] = []
    savepoint = session.begin_nested()
    for line, row in rows:
        try:
            with session.begin_nested():
                apply_row(session, row)
        except OrgError as exc:
            problems.append((line, str(exc)))
    if problems:
        savepoint.rollback()
        raise ImportRejected(problems)
    savepoint.commit()
    return len(rows)
