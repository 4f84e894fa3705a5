"""Who covers a unit: active users holding a role whose grant is scoped to the unit or an
ancestor (the counsellors told of a referral, the supervisors it escalates to)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.orm import Session

from wellbeing.notify.service import enqueue_selected
from wellbeing.org.models import Role, RoleGrant, Unit, User

_UNITS = cast(Table, Unit.__table__)
_GRANTS = cast(Table, RoleGrant.__table__)
_USERS = cast(Table, User.__table__)
_UNIT_PATH = select(_UNITS.c.path).where(_UNITS.c.id == bindparam("unit_id"))
# Who covers a unit: active users with a grant of the role scoped to the unit or an ancestor.
# Built once (the submission path asks it whenever a referral opens).
_COVERING = select(_USERS.c.id).where(
    _USERS.c.active.is_(True),
    _USERS.c.id.in_(
        select(_GRANTS.c.user_id).where(
            _GRANTS.c.role == bindparam("role"),
            _GRANTS.c.scope_unit_id.in_(bindparam("ancestors", expanding=True)),
        )
    ),
)
_COVERING_IDS = _COVERING.order_by(_USERS.c.id)


_SCOPE = _UNITS.alias("scope")
_TARGET = _UNITS.alias("target")
# The same people for a unit named by id: its ancestors found in SQL (a scope's path is a prefix
# of the unit's path), so a caller needs neither the unit's path nor a read of its own first.
_COVERING_UNIT = select(_USERS.c.id).where(
    _USERS.c.active.is_(True),
    _USERS.c.id.in_(
        select(_GRANTS.c.user_id)
        .join(_SCOPE, _SCOPE.c.id == _GRANTS.c.scope_unit_id)
        .join(_TARGET, _TARGET.c.id == bindparam("unit_id"))
        .where(
            _GRANTS.c.role == bindparam("role"),
            _TARGET.c.path.startswith(_SCOPE.c.path),
        )
    ),
)


def tell_staff_covering(
    session: Session,
    unit_id: int,
    role: Role,
    *,
    kind: str,
    dedupe_prefix: str,
    params: Mapping[str, Any] | None = None,
) -> None:
    """A message to everyone holding `role` over the unit, in one INSERT … SELECT (no read of
    who they are first); dedupe keys `dedupe_prefix + user id`, so each is told once."""
    covering, covering_params = covering_ids_query(unit_id, role)
    enqueue_selected(
        session,
        kind=kind,
        user_ids=covering,
        user_params=covering_params,
        dedupe=(dedupe_prefix, ""),
        params=params,
    )


def covering_ids_query(unit_id: int, role: Role) -> tuple[Select[tuple[int]], dict[str, object]]:
    """`staff_ids_covering` as a query to embed and its bind values (`notify.enqueue_selected`:
    one INSERT … SELECT); the query is built once."""
    return _COVERING_UNIT, {"unit_id": unit_id, "role": role.value}


def staff_covering(session: Session, unit: Unit, role: Role) -> list[User]:
    """Active users holding a role whose scope covers the unit."""
    query = select(User).where(User.id.in_(_COVERING)).order_by(User.id)
    return list(session.scalars(query, _covering_params(unit.path, role)))


def staff_ids_covering(session: Session, unit_id: int, role: Role) -> list[int]:
    """`staff_covering`'s users as ids (the submission path: no users loaded)."""
    path = session.connection().execute(_UNIT_PATH, {"unit_id": unit_id}).scalar_one()
    params = _covering_params(path, role)
    return list(session.connection().execute(_COVERING_IDS, params).scalars())


def _covering_params(path: str, role: Role) -> dict[str, object]:
    return {"role": role.value, "ancestors": _ancestors(path)}


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]
