"""The supervisor's figures per counsellor for a period: staff work, never officers.

Which referrals count: those in the supervisor's scope (the officer's unit in the subtree of one
of their supervisor grants; never the supervisor's own referral), attributed to their *holder*
(`claimed_by`: after a reassignment, the counsellor who holds the case now). Outreach tasks after
an incident count together with referrals: both are the counsellor's case work.

For a period [start, end) (the API's dates are whole days in the station's time zone):

- ``open_caseload``: cases the counsellor holds now, claimed or contacted (a state, not the period).
- ``reviews_pending``: the counsellor's closed cases in the review list now (a state, too).
- ``time_to_claim``: first claim − opening, over cases first claimed in the period.
- ``time_to_contact``: first reached contact − first claim, over cases first reached in the period.
- ``time_to_close``: closing − first reached contact, over cases closed in the period after the
  officer was reached (a case closed unreached has no such time; a reopened case counts from its
  first contact to its latest closing).
  Each as median and nearest-rank 90th percentile in minutes, with n (`stats`).
- ``clocks_breached_share``: breached clocks / clocks that ran in the period. A case's claim clock
  ran in the period when it was first claimed in it; its contact clock when the officer was first
  reached in it, or the case was closed unreached in it, or — still running — its deadline passed
  in it; its close clock (which starts at the first contact) when the case was closed in it, or —
  still running — its deadline passed in it. A stopped clock is breached when its flag is set
  (`claim_breached`, `contact_breached`, `close_breached`), a running one whose deadline passed
  always is. None when no clock ran.

The statistics are pure functions over plain `CaseRow`s; `caseload` only reads the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wellbeing.auth.policy import scope_units, units_in_scope_clause
from wellbeing.org.models import Role, RoleGrant, Unit, User
from wellbeing.referrals.models import Referral, Status
from wellbeing.supervision.reviews import pending_clause
from wellbeing.supervision.stats import Spread, share, spread_of

WORKING = (Status.CLAIMED.value, Status.CONTACTED.value)


@dataclass(frozen=True)
class Period:
    """From start (included) to end (excluded), aware UTC datetimes."""

    start: datetime
    end: datetime

    def holds(self, at: datetime | None) -> bool:
        """Whether a moment lies in the period (None never does)."""
        return at is not None and self.start <= at < self.end


@dataclass(frozen=True)
class CaseRow:
    """What the figures need of one case: times, deadlines and breach flags — nothing clinical
    and no officer."""

    holder_id: int
    status: str
    opened_at: datetime
    first_claimed_at: datetime | None = None
    contacted_at: datetime | None = None
    closed_at: datetime | None = None
    contact_deadline: datetime | None = None
    close_deadline: datetime | None = None
    claim_breached: bool = False
    contact_breached: bool = False
    close_breached: bool = False
    review_pending: bool = False


@dataclass(frozen=True)
class Figures:
    """One counsellor's figures for a period."""

    open_caseload: int
    time_to_claim: Spread
    time_to_contact: Spread
    time_to_close: Spread
    clocks_run: int
    clocks_breached: int
    reviews_pending: int

    @property
    def clocks_breached_share(self) -> float | None:
        """Breached clocks over clocks that ran, to three decimals (None: no clock ran)."""
        return share(self.clocks_breached, self.clocks_run)


@dataclass(frozen=True)
class CounsellorFigures:
    """A member of staff and their figures."""

    username: str
    display_name: str
    figures: Figures


def clocks_in(row: CaseRow, period: Period, now: datetime) -> Iterator[bool]:
    """One value per clock of the case that ran in the period: whether it was breached."""
    if period.holds(row.first_claimed_at):
        yield row.claim_breached
    reached_or_closed = row.contacted_at or (
        row.closed_at if row.status == Status.CLOSED.value else None
    )
    if reached_or_closed is not None:
        if period.holds(reached_or_closed):
            yield row.contact_breached
    elif row.status == Status.CLAIMED.value and _passed_in(row.contact_deadline, period, now):
        yield True
    if row.contacted_at is None:
        return  # the close clock starts at the first contact
    if row.status == Status.CLOSED.value:
        if period.holds(row.closed_at):
            yield row.close_breached
    elif _passed_in(row.close_deadline, period, now):
        yield True


def _passed_in(deadline: datetime | None, period: Period, now: datetime) -> bool:
    return deadline is not None and deadline <= now and period.holds(deadline)


def figures_of(rows: Sequence[CaseRow], period: Period, now: datetime) -> Figures:
    """One counsellor's figures from the rows of the cases they hold."""
    claims = [
        r.first_claimed_at - r.opened_at
        for r in rows
        if r.first_claimed_at is not None and period.holds(r.first_claimed_at)
    ]
    contacts = [
        r.contacted_at - r.first_claimed_at
        for r in rows
        if r.contacted_at is not None and r.first_claimed_at is not None
        if period.holds(r.contacted_at)
    ]
    closings = [
        r.closed_at - r.contacted_at
        for r in rows
        if r.closed_at is not None and r.contacted_at is not None and period.holds(r.closed_at)
    ]
    clocks = [breached for r in rows for breached in clocks_in(r, period, now)]
    return Figures(
        open_caseload=sum(r.status in WORKING for r in rows),
        time_to_claim=spread_of(claims),
        time_to_contact=spread_of(contacts),
        time_to_close=spread_of(closings),
        clocks_run=len(clocks),
        clocks_breached=sum(clocks),
        reviews_pending=sum(r.review_pending for r in rows),
    )


def caseload(
    session: Session, supervisor: User, period: Period, now: datetime
) -> list[CounsellorFigures]:
    """Figures per member of staff for the supervisor's scope, by name.

    Listed: every active counsellor whose scope overlaps the supervisor's, and anyone else who
    holds a case in it (a supervisor who claimed one), each with figures over the scope's cases.
    """
    rows = _rows(session, supervisor, period)
    people = {person.id: person for person in _counsellors_in_scope(session, supervisor)}
    holders = {row.holder_id for row in rows} - people.keys()
    if holders:
        people.update({u.id: u for u in session.scalars(select(User).where(User.id.in_(holders)))})
    by_holder: dict[int, list[CaseRow]] = {person_id: [] for person_id in people}
    for row in rows:
        by_holder[row.holder_id].append(row)
    listed = sorted(people.values(), key=lambda p: (p.display_name, p.username))
    return [
        CounsellorFigures(p.username, p.display_name, figures_of(by_holder[p.id], period, now))
        for p in listed
    ]


def _rows(session: Session, supervisor: User, period: Period) -> list[CaseRow]:
    """Held cases in scope that are open now, awaiting review, or were closed since the start
    (a case closed before the period had all its events before it)."""
    pending = pending_clause()
    query = (
        select(Referral, pending.label("review_pending"))
        .join(Unit, Referral.unit_id == Unit.id)
        .where(units_in_scope_clause(supervisor, Role.SUPERVISOR))
        .where(Referral.officer_id != supervisor.id, Referral.claimed_by.is_not(None))
        .where(
            or_(
                Referral.status != Status.CLOSED.value,
                Referral.closed_at >= period.start,
                pending,
            )
        )
    )
    return [_row(referral, bool(is_pending)) for referral, is_pending in session.execute(query)]


def _row(r: Referral, review_pending: bool) -> CaseRow:
    assert r.claimed_by is not None  # noqa: S101 - the query selects held cases only
    return CaseRow(
        holder_id=r.claimed_by,
        status=r.status,
        opened_at=r.opened_at,
        first_claimed_at=r.first_claimed_at,
        contacted_at=r.contacted_at,
        closed_at=r.closed_at,
        contact_deadline=r.contact_deadline,
        close_deadline=r.close_deadline,
        claim_breached=r.claim_breached,
        contact_breached=r.contact_breached,
        close_breached=r.close_breached,
        review_pending=review_pending,
    )


def _counsellors_in_scope(session: Session, supervisor: User) -> list[User]:
    """Active counsellors whose scope lies inside the supervisor's or covers part of it."""
    scopes = [unit.path for unit in scope_units(supervisor, Role.SUPERVISOR)]
    if not scopes:
        return []
    query = (
        select(User, Unit.path)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Unit, RoleGrant.scope_unit_id == Unit.id)
        .where(RoleGrant.role == Role.COUNSELLOR.value, User.active.is_(True))
    )
    found: dict[int, User] = {}
    for user, path in session.execute(query):
        if any(path.startswith(s) or s.startswith(path) for s in scopes):
            found[user.id] = user
    return list(found.values())
