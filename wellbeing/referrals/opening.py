"""Opening a referral in few round trips: what a submission will open or join is read once (with
the officer's unit) before anything is written, and a new referral, its first event and the
submission behind it are written as Core INSERTs, not through the unit of work.

`plan_referral` is a read: the submission pipeline asks it before its own INSERT, so the
referral's id and resulting priority can be sealed into the submission once
(`screening.service.submit`); `referrals.service.open_or_join` then writes what was planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.orm import Session, make_transient_to_detached

from wellbeing.core.batched import template_insert, write_last, written_last
from wellbeing.core.db import new_id
from wellbeing.org.models import Role, Unit, User
from wellbeing.referrals.models import (
    Kind,
    Referral,
    ReferralEvent,
    ReferralSubmission,
    Status,
    queue_rank,
)
from wellbeing.referrals.staff import tell_staff_covering
from wellbeing.rules import Priority


@dataclass(frozen=True)
class ReferralPlan:
    """What opening or joining will do: the officer's unit, the open referral joined (None: a
    new one), the referral's id either way, and its priority afterwards."""

    unit: Unit
    joined: Referral | None
    id: str
    priority: str


# Built once: the officer's unit and open referral (not an outreach task) in one round trip.
_UNIT_AND_OPEN_REFERRAL = (
    select(Unit, Referral)
    .outerjoin(
        Referral,
        and_(
            Referral.officer_id == bindparam("officer_id"),
            Referral.status != Status.CLOSED.value,
            Referral.kind == Kind.REFERRAL.value,
        ),
    )
    .where(Unit.id == bindparam("unit_id"))
    .limit(1)
)


# The officer's row, locked until the transaction ends, so that two submissions of one officer
# at once (a phone and a desk) plan one after the other: the second, planning after the first
# committed, joins the referral the first opened instead of opening its own. A statement of its
# own, before the plan's read: under READ COMMITTED only a new statement sees what the first
# committed while this one waited. FOR NO KEY UPDATE: it excludes another planner, but not the
# FOR KEY SHARE a foreign key to the officer takes, so rows referring to the officer are never
# held up by it. SQLite needs none: its writers run one at a time.
_LOCK_OFFICER = (
    select(User.id).where(User.id == bindparam("officer_id")).with_for_update(key_share=True)
)


def plan_referral(session: Session, officer: User, priority: Priority) -> ReferralPlan:
    """Read what opening or joining a referral of this priority will do (writes nothing; on
    PostgreSQL it locks the officer's row for the rest of the transaction first)."""
    params = {"officer_id": officer.id, "unit_id": officer.unit_id}
    if session.connection().dialect.name == "postgresql":
        session.execute(_LOCK_OFFICER, params)
    unit, joined = session.execute(_UNIT_AND_OPEN_REFERRAL, params).one()
    if joined is None:
        return ReferralPlan(unit, None, new_id(), priority.value)
    rises = queue_rank(priority) < joined.priority_rank
    return ReferralPlan(unit, joined, joined.id, priority.value if rises else joined.priority)


_REFERRALS = cast(Table, Referral.__table__)
_EVENTS = cast(Table, ReferralEvent.__table__)
_INSERT_REFERRAL = template_insert(_REFERRALS)
_INSERT_EVENT = template_insert(_EVENTS)
_LINK = template_insert(cast(Table, ReferralSubmission.__table__), ("referral_id", "submission_id"))


def insert_opened(
    session: Session, referral: Referral, event: ReferralEvent, submission_id: str | None
) -> None:
    """Write a new referral (every column set or defaulted here), its first event and the
    submission behind it as last writes (`core.batched`: with the block's others, or alone as one
    statement on PostgreSQL, whose foreign keys are checked at its end); the referral is then
    tracked as persistent."""
    with written_last(session):
        write_last(session, _INSERT_REFERRAL, _row(referral, _REFERRALS))
        write_last(session, _INSERT_EVENT, _row(event, _EVENTS))
        if submission_id is not None:
            link_submission(session, referral.id, submission_id)
    make_transient_to_detached(referral)  # its row is written (its unit, if set, stays loaded)
    session.add(referral)


def link_submission(session: Session, referral_id: str, submission_id: str) -> None:
    """Record the submission behind a referral, with the last writes (`core.batched`)."""
    write_last(session, _LINK, {"referral_id": referral_id, "submission_id": submission_id})


def tell_covering(session: Session, referral: Referral, role: Role, kind: str, step: str) -> None:
    """Everyone holding `role` over the referral's unit, once per step (dedupe keys
    `referral:<id>:<step>:<user id>`), in one INSERT … SELECT."""
    tell_staff_covering(
        session,
        referral.unit_id,
        role,
        kind=kind,
        dedupe_prefix=f"referral:{referral.id}:{step}:",
        params={"priority": referral.priority},
    )


def _row(obj: object, table: Table) -> dict[str, Any]:
    """The column values of a transient model instance, scalar column defaults filled in."""
    values = {}
    for column in table.columns:
        value = getattr(obj, column.key)
        default = column.default
        if value is None and default is not None:
            if not default.is_scalar:
                raise ValueError(f"{table.name}.{column.key} must be set before a Core INSERT")
            value = default.arg  # type: ignore[attr-defined]
            setattr(obj, column.key, value)  # the tracked instance shows what was written
        values[column.key] = value
    return values
