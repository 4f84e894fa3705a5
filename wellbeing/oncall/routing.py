"""Urgent referrals outside office hours: to the on-call counsellor at once, then, unclaimed, to
the on-call supervisor.

`route_urgent` is called when a referral opens (or turns urgent). Outside office hours it tells
every on-call counsellor (`referral.on_call`), or — nobody on call — the station's shared channel
and every supervisor covering the officer's unit (`roster.nobody_on_call`), and records the
routing (`OnCallRouting`, one row per referral). `escalate_due` (job `oncall.escalate`, every
minute) takes each routed referral still open after the policy's delay to the on-call
supervisors (`referral.on_call_escalated`; nobody on call: the channel and every supervisor in
scope) and stamps the routing, so each step is sent once — the dedupe keys name the referral and
the person, and the stamp lives in the database, across restarts.

The station (whose channel is told) is the unit whose roster applies; without any roster on the
path, the nearest unit on it that a counsellor grant is scoped to, else the officer's unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wellbeing.core.batched import template_insert, write_last
from wellbeing.notify.service import Channel, Outgoing, enqueue_all
from wellbeing.oncall.hours import is_office_hours
from wellbeing.oncall.models import OnCallRouting
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.roster import load_roster, roster_for, station_for
from wellbeing.org.models import Role, Unit, User
from wellbeing.referrals.models import Referral
from wellbeing.referrals.staff import tell_staff_covering

ON_CALL = "referral.on_call"
ESCALATED = "referral.on_call_escalated"
NOBODY = "roster.nobody_on_call"


def route_urgent(
    session: Session,
    referral: Referral,
    now: datetime,
    policy: OnCallPolicy,
    *,
    opened: bool = False,
) -> None:
    """Send an urgent referral on call if `now` is outside office hours (once per referral: the
    routing row's key decides, INSERT … ON CONFLICT DO NOTHING, and only its writer tells).

    A referral `opened` in this transaction has no routing yet, and its own row may still be
    among the last writes (`referrals.opening.insert_opened`): its routing is one of them too."""
    if referral.priority != "urgent" or referral.kind != "referral":
        return
    if is_office_hours(now, policy.office_hours, policy.tz):
        return
    station = station_for(session, referral.unit)
    roster = load_roster(session, station.roster_unit) if station.roster_unit else None
    counsellors = roster.on_call_at(now, Role.COUNSELLOR, policy.tz) if roster else []
    routing = {
        "referral_id": referral.id,
        "unit_id": station.unit.id,
        "routed_at": now,
        "nobody_on_call": not counsellors,
        "escalated_at": None,
    }
    if opened:
        write_last(session, _ROUTE, routing)
    else:
        dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
        routed = session.connection().execute(
            dialect.insert(_ROUTINGS)
            .values(routing)
            .on_conflict_do_nothing(index_elements=["referral_id"])
            .returning(_ROUTINGS.c.referral_id)
        )
        if routed.first() is None:
            return  # routed before (it turned urgent earlier)
    if counsellors:
        _tell(session, referral, ON_CALL, counsellors)
    else:
        _tell_everyone(session, referral, station.unit, NOBODY)


_ROUTINGS = cast(Table, OnCallRouting.__table__)
_ROUTE = template_insert(_ROUTINGS)


def escalate_due(session: Session, now: datetime, policy: OnCallPolicy) -> int:
    """Escalate every routed referral still open past the delay; return how many."""
    due = session.scalars(
        select(OnCallRouting)
        .join(Referral, Referral.id == OnCallRouting.referral_id)
        .where(
            OnCallRouting.escalated_at.is_(None),
            OnCallRouting.routed_at <= now - policy.escalate_after,
            Referral.status == "open",
        )
        .order_by(OnCallRouting.routed_at)
    ).all()
    done = 0
    for routing in due:
        stamped = session.execute(
            update(OnCallRouting)
            .where(
                OnCallRouting.referral_id == routing.referral_id,
                OnCallRouting.escalated_at.is_(None),
            )
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(stamped, "rowcount", 0) != 1:  # another runner took this step
            continue
        _escalate(session, routing, now, policy)
        done += 1
    session.flush()
    return done


def _escalate(
    session: Session, routing: OnCallRouting, now: datetime, policy: OnCallPolicy
) -> None:
    referral = session.get_one(Referral, routing.referral_id)
    supervisors = roster_for(session, referral.unit).on_call_at(now, Role.SUPERVISOR, policy.tz)
    if supervisors:
        _tell(session, referral, ESCALATED, supervisors)
    else:
        _tell_everyone(session, referral, routing.unit, ESCALATED)


def station_of(session: Session, unit: Unit) -> Unit:
    """The station answering for a unit: its roster's unit, else the nearest counsellor scope."""
    return station_for(session, unit).unit


def _tell(session: Session, referral: Referral, kind: str, people: Sequence[User]) -> None:
    outgoing = [Outgoing(person.id, f"{kind}:{referral.id}:{person.id}") for person in people]
    enqueue_all(session, kind=kind, to=outgoing)


def _tell_everyone(session: Session, referral: Referral, station: Unit, kind: str) -> None:
    """The station's channel and every supervisor covering the referral's unit."""
    channel = Outgoing(Channel("station", station.code), f"{kind}:{referral.id}:station")
    enqueue_all(session, kind=kind, to=[channel])
    tell_staff_covering(
        session,
        referral.unit_id,
        Role.SUPERVISOR,
        kind=kind,
        dedupe_prefix=f"{kind}:{referral.id}:",
    )
